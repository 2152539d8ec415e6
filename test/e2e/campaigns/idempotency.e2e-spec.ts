import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { IdempotencyStore } from '@app/campaigns';
import { KeyShredder } from '@app/crypto-shredding';
import { DataSource } from 'typeorm';
import { enrollOne, seedCampaign } from '../../support/campaign-fixtures';
import { startTestApp, type TestApp } from '../../support/test-app';

describe('Idempotency-Key under concurrency', () => {
  let t: TestApp;
  let seed: Awaited<ReturnType<typeof seedCampaign>>;

  beforeAll(async () => {
    t = await startTestApp();
    seed = await seedCampaign(t);
  });
  afterAll(() => t.close());

  it('10 concurrent identical requests with one key make one set of events and ten equal responses', async () => {
    const customerId = await enrollOne(t, seed.campaignId, seed.auth);
    const body = { sellerId: seed.sellerId, sku: 'BB-100', quantity: 3 };
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => t.http.post(`/v1/customers/${customerId}/sales`).set(seed.auth).set('Idempotency-Key', 'sale-42').send(body)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(responses.map((r) => JSON.stringify(r.body))).size).toBe(1);
    const card = await t.http.get(`/v1/customers/${customerId}`).set(seed.auth).expect(200);
    expect(card.body.timeline).toHaveLength(1);
    expect(card.body.timeline[0]).toMatchObject({ interactionId: responses[0].body.interactionId, quantity: 3 });
  });

  it('10 concurrent identical enrollments with one key enroll once', async () => {
    const body = { customers: [{ customerRef: 'IDEM-1' }, { customerRef: 'IDEM-2' }] };
    const countBefore = (await t.http.get(`/v1/campaigns/${seed.campaignId}`).set(seed.auth)).body.customerCount;
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).set('Idempotency-Key', 'enroll-7').send(body)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(responses.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(responses[0].body.customerIds).toHaveLength(2);
    expect((await t.http.get(`/v1/campaigns/${seed.campaignId}`).set(seed.auth)).body.customerCount).toBe(countBefore + 2);
  });

  it('stores the request as an HMAC only, and forgetCustomers drops the record in the anonymizing transaction', async () => {
    const customerId = await enrollOne(t, seed.campaignId, seed.auth);
    await t.http.post(`/v1/customers/${customerId}/sms`).set(seed.auth).set('Idempotency-Key', 'sms-1').send({ sellerId: seed.sellerId, direction: 'outbound', phone: '+4791234567', body: 'MARKER-idem-body' }).expect(201);
    const dataSource = t.app.get(DataSource);
    const rows = await dataSource.query(`SELECT * FROM app.idempotency_records WHERE $1 = ANY(customer_ids)`, [customerId]);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain('MARKER');
    expect(rows[0].request_hmac).toHaveLength(32);

    await dataSource.transaction(async (tx) => {
      await t.app.get(KeyShredder).destroy(tx, { customerIds: [customerId], scopes: ['content'] }, { actor: 'test' });
      expect(await t.app.get(IdempotencyStore).forgetCustomers(tx, [customerId])).toBe(1);
    });
    expect(await dataSource.query(`SELECT 1 FROM app.idempotency_records WHERE $1 = ANY(customer_ids)`, [customerId])).toEqual([]);
  });
});
