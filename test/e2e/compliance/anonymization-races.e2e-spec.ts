import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuditLog } from '@app/compliance';
import { DataSource } from 'typeorm';
import { bearer, liveKeys } from '../../support/anonymization-fixtures';
import { seedCampaign } from '../../support/campaign-fixtures';
import { startTestApp, type TestApp } from '../../support/test-app';

// Anonymization against concurrent requests: the keyspace lock and the key-row locks decide the
// order, so a write either commits first (and is shredded with the rest) or is refused with 410.

describe('anonymization races over HTTP', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('two concurrent anonymizations of one campaign: exactly one certificate, the other 409', async () => {
    const a = await seedCampaign(t);
    await t.http.post(`/v1/campaigns/${a.campaignId}/customers`).set(a.auth).send({ customers: [{ customerRef: 'R-1' }, { customerRef: 'R-2' }] }).expect(201);
    const officer = await bearer(t, ['compliance'], [a.controllerId]);
    const body = { mode: 'standard', reasonCode: 'purpose-fulfilled', confirm: 'Winter broadband' };
    const answers = await Promise.all([0, 1].map(() => t.http.post(`/v1/campaigns/${a.campaignId}/anonymize`).set(officer).send(body)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const certificates: { n: number }[] = await t.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM compliance.certificates WHERE body->'scope'->>'campaignId' = $1`, [a.campaignId]);
    expect(certificates).toEqual([{ n: 1 }]);
    expect(await liveKeys(t, a.campaignId)).toEqual({ reference: 2 });
  });

  it('writers racing an anonymization: each write is a 410 or is shredded; no live key of the campaign is left', async () => {
    const a = await seedCampaign(t);
    const enrolled = await t.http
      .post(`/v1/campaigns/${a.campaignId}/customers`)
      .set(a.auth)
      .send({ customers: Array.from({ length: 6 }, (_, i) => ({ customerRef: `RACE-${i}`, name: `Person ${i}` })) })
      .expect(201);
    const customerIds = enrolled.body.customerIds as string[];
    const officer = await bearer(t, ['compliance'], [a.controllerId]);
    const writes = [
      ...customerIds.map((id, i) =>
        i % 2 === 0
          ? t.http.post(`/v1/customers/${id}/sms`).set(a.auth).send({ sellerId: a.sellerId, direction: 'outbound', phone: '+4791234567', body: `race ${i}` })
          : t.http.post(`/v1/customers/${id}/sales`).set(a.auth).send({ sellerId: a.sellerId, sku: 'BB-100', quantity: 1 }),
      ),
      t.http.post(`/v1/campaigns/${a.campaignId}/customers`).set(a.auth).send({ customers: [{ customerRef: 'RACE-LATE', name: 'Late Person' }] }),
    ];
    const anonymization = t.http.post(`/v1/campaigns/${a.campaignId}/anonymize`).set(officer).send({ mode: 'full', reasonCode: 'purpose-fulfilled', confirm: 'Winter broadband' });
    const [anonymized, ...written] = await Promise.all([anonymization, ...writes]);
    expect(anonymized.status).toBe(200);
    for (const answer of written) expect([201, 410]).toContain(answer.status);

    // Every write that landed is under a destroyed key: its customer's card opens nothing.
    const late = written.at(-1)!;
    const landed = [...customerIds.filter((_, i) => written[i].status === 201), ...(late.status === 201 ? (late.body.customerIds as string[]) : [])];
    for (const id of landed) {
      const card = await t.http.get(`/v1/customers/${id}`).set(a.auth).expect(200);
      expect(card.body).toMatchObject({ status: 'anonymized', personal: null, customerRef: null });
      for (const entry of card.body.timeline) expect(entry.personal).toBeNull();
    }
    expect(await liveKeys(t, a.campaignId)).toEqual({});
    const customers: { n: number }[] = await t.app.get(DataSource).query(`SELECT count(DISTINCT subject_id)::int AS n FROM crypto.data_keys WHERE campaign_id = $1`, [a.campaignId]);
    expect(anonymized.body.certificate.customersAffected).toBe(customers[0].n);
    expect(await t.app.get(AuditLog).verify()).toMatchObject({ ok: true });
  });

  it('an Idempotency-Key replays the first certificate; a request without one is a 409', async () => {
    const a = await seedCampaign(t);
    await t.http.post(`/v1/campaigns/${a.campaignId}/customers`).set(a.auth).send({ customers: [{ customerRef: 'R-1' }] }).expect(201);
    const officer = await bearer(t, ['compliance'], [a.controllerId]);
    const body = { mode: 'full', reasonCode: 'purpose-fulfilled', confirm: 'Winter broadband' };
    const send = () => t.http.post(`/v1/campaigns/${a.campaignId}/anonymize`).set(officer).set('Idempotency-Key', 'anon-1').send(body);
    const first = await send().expect(200);
    const replay = await send().expect(200);
    expect(replay.body).toEqual(first.body);
    expect((await t.http.post(`/v1/campaigns/${a.campaignId}/anonymize`).set(officer).send(body)).status).toBe(409);
  });
});
