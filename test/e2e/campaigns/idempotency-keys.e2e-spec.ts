import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Test } from 'supertest';
import { enrollOne, seedCampaign } from '../../support/campaign-fixtures';
import { expectProblem, streamEventTypes, writeCounts } from '../../support/problem-assertions';
import { startTestApp, type TestApp } from '../../support/test-app';
import { tokenFor } from '../../support/tokens';

// Idempotency-Key semantics of API.md, one request at a time (concurrent repeats are covered by
// idempotency.e2e-spec.ts): scoped by token subject and route; a repeat with the same key and body
// returns the first response and writes nothing; the same key with another body is a 422.

const at = '2026-12-02T09:00:00Z';
type Auth = Record<string, string>;
const key = () => `key-${randomUUID()}`;

describe('campaigns API: Idempotency-Key', () => {
  let t: TestApp;
  let seed: Awaited<ReturnType<typeof seedCampaign>>;
  let sms: Record<string, unknown>;

  beforeAll(async () => {
    t = await startTestApp();
    seed = await seedCampaign(t);
    sms = { sellerId: seed.sellerId, direction: 'outbound', phone: '+4791234567', body: 'Hei', at };
  });
  afterAll(() => t.close());

  const card = async (customerId: string) => (await t.http.get(`/v1/customers/${customerId}`).set(seed.auth).expect(200)).body;
  const postSms = (customerId: string, idempotencyKey: string, body: object, auth: Auth = seed.auth) =>
    t.http.post(`/v1/customers/${customerId}/sms`).set(auth).set('Idempotency-Key', idempotencyKey).send(body);

  it('replays the first answer for the same key and body, and writes once', async () => {
    const customerId = await enrollOne(t, seed.campaignId, seed.auth);
    const k = key();
    const first = await postSms(customerId, k, sms);
    expect(first.status).toBe(201);
    const before = await writeCounts(t);
    const again = await postSms(customerId, k, sms);
    expect({ status: again.status, body: again.body }).toEqual({ status: first.status, body: first.body });
    // The same body with its properties in another order is the same request.
    const reordered = await postSms(customerId, k, Object.fromEntries(Object.entries(sms).reverse()));
    expect(reordered.body).toEqual(first.body);
    expect(await writeCounts(t)).toEqual(before);
    expect((await card(customerId)).timeline).toEqual([expect.objectContaining({ type: 'sms', interactionId: first.body.interactionId })]);
    expect(await streamEventTypes(t, `customer-${customerId}`)).toEqual(['CustomerEnrolled', 'SmsLogged']);
  });

  it('refuses the same key with another body with 422 problem+json, writing nothing', async () => {
    const customerId = await enrollOne(t, seed.campaignId, seed.auth);
    const k = key();
    await postSms(customerId, k, sms).expect(201);
    const before = await writeCounts(t);
    const other = await postSms(customerId, k, { ...sms, body: 'Another text' });
    expectProblem(other, 422);
    // Leaving out an optional property makes another body too.
    expectProblem(await postSms(customerId, k, { ...sms, at: undefined }), 422);
    expect(await writeCounts(t)).toEqual(before);
    expect((await card(customerId)).timeline).toHaveLength(1);
  });

  it('treats the same key on another route as a new request', async () => {
    const [one, two] = [await enrollOne(t, seed.campaignId, seed.auth), await enrollOne(t, seed.campaignId, seed.auth)];
    const k = key();
    const first = await postSms(one, k, sms).expect(201);
    // Another customer is another route (the path ids are part of it).
    const otherCustomer = await postSms(two, k, sms).expect(201);
    expect(otherCustomer.body.interactionId).not.toBe(first.body.interactionId);
    // Another interaction type on the same customer, even with a body that is another route's.
    const email = await t.http
      .post(`/v1/customers/${one}/emails`)
      .set(seed.auth)
      .set('Idempotency-Key', k)
      .send({ sellerId: seed.sellerId, direction: 'outbound', address: 'kari@example.no', subject: 'Offer', body: 'Hi', at })
      .expect(201);
    expect(email.body.interactionId).not.toBe(first.body.interactionId);
    expect((await card(one)).timeline.map((e: { type: string }) => e.type)).toEqual(['sms', 'email']);
    expect((await card(two)).timeline.map((e: { type: string }) => e.type)).toEqual(['sms']);
  });

  it('treats the same key from another token subject as a new request', async () => {
    const customerId = await enrollOne(t, seed.campaignId, seed.auth);
    const k = key();
    const first = await postSms(customerId, k, sms).expect(201);
    const otherClient = { Authorization: `Bearer ${await tokenFor(t.config, ['service'], [seed.controllerId], 'another-client')}` };
    const second = await postSms(customerId, k, sms, otherClient).expect(201);
    expect(second.body.interactionId).not.toBe(first.body.interactionId);
    // Each subject then replays its own first answer.
    expect((await postSms(customerId, k, sms, otherClient)).body).toEqual(second.body);
    expect((await postSms(customerId, k, sms)).body).toEqual(first.body);
    expect((await card(customerId)).timeline).toHaveLength(2);
  });

  it('replays enrollment (JSON and CSV): the same customerIds, enrolled once', async () => {
    const count = async () => (await t.http.get(`/v1/campaigns/${seed.campaignId}`).set(seed.auth).expect(200)).body.customerCount as number;
    const start = await count();
    const k = key();
    const body = { customers: [{ customerRef: 'IDEM-1', name: 'Kari' }, { customerRef: 'IDEM-2' }] };
    const first = await t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).set('Idempotency-Key', k).send(body).expect(201);
    const again = await t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).set('Idempotency-Key', k).send(body);
    // Not a 409 for the now-enrolled customerRefs: the first answer.
    expect({ status: again.status, body: again.body }).toEqual({ status: 201, body: first.body });
    const csv = 'customerRef,name\nIDEM-3,Ola\n';
    const csvKey = key();
    const fromCsv = await t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).set('Idempotency-Key', csvKey).set('Content-Type', 'text/csv').send(csv).expect(201);
    const csvAgain = await t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).set('Idempotency-Key', csvKey).set('Content-Type', 'text/csv').send(csv);
    expect({ status: csvAgain.status, body: csvAgain.body }).toEqual({ status: 201, body: fromCsv.body });
    expect(await count()).toBe(start + 3);
  });

  it('replays the first answer even when the state has moved on (a repeat, not a new attempt)', async () => {
    const admin = { Authorization: `Bearer ${await tokenFor(t.config, ['admin'], ['*'])}` };
    // Registering a controller: the repeat is the first 201, not a 409.
    const controllerKey = key();
    const controllerId = `ctl-${randomUUID().slice(0, 8)}`;
    const registered = await t.http.post('/v1/controllers').set(admin).set('Idempotency-Key', controllerKey).send({ id: controllerId, name: 'Telco' }).expect(201);
    const registeredAgain = await t.http.post('/v1/controllers').set(admin).set('Idempotency-Key', controllerKey).send({ id: controllerId, name: 'Telco' });
    expect({ status: registeredAgain.status, body: registeredAgain.body }).toEqual({ status: 201, body: registered.body });
    expectProblem(await t.http.post('/v1/controllers').set(admin).send({ id: controllerId, name: 'Telco' }), 409);

    // Creating a campaign: one campaign, the same id.
    const campaignKey = key();
    const campaign = { controllerId, name: 'Idempotent', purpose: 'p', startsOn: '2026-12-01', endsOn: '2026-12-31', currency: 'NOK', products: [{ sku: 'A', name: 'A', unitPriceMinor: 1 }] };
    const created = await t.http.post('/v1/campaigns').set(admin).set('Idempotency-Key', campaignKey).send(campaign).expect(201);
    const before = await writeCounts(t);
    expect((await t.http.post('/v1/campaigns').set(admin).set('Idempotency-Key', campaignKey).send(campaign)).body).toEqual(created.body);
    expect(await writeCounts(t)).toEqual(before);

    // Upserting a seller: 200 with the first position.
    const sellerKey = key();
    const seller = await t.http.put('/v1/sellers/seller-idem').set(admin).set('Idempotency-Key', sellerKey).send({ name: 'Siri' }).expect(200);
    const sellerAgain = await t.http.put('/v1/sellers/seller-idem').set(admin).set('Idempotency-Key', sellerKey).send({ name: 'Siri' });
    expect({ status: sellerAgain.status, body: sellerAgain.body }).toEqual({ status: 200, body: seller.body });

    // Closing: the repeat is the first 200, not the 409 of closing twice.
    const closeKey = key();
    const closed = await t.http.post(`/v1/campaigns/${created.body.campaignId}/close`).set(admin).set('Idempotency-Key', closeKey).expect(200);
    const closedAgain = await t.http.post(`/v1/campaigns/${created.body.campaignId}/close`).set(admin).set('Idempotency-Key', closeKey);
    expect({ status: closedAgain.status, body: closedAgain.body }).toEqual({ status: 200, body: closed.body });
    expectProblem(await t.http.post(`/v1/campaigns/${created.body.campaignId}/close`).set(admin), 409);
  });

  it('replays PATCH with one details change in the stream', async () => {
    const customerId = await enrollOne(t, seed.campaignId, seed.auth);
    const k = key();
    const first = await t.http.patch(`/v1/customers/${customerId}`).set(seed.auth).set('Idempotency-Key', k).send({ name: 'Kari Renamed' }).expect(200);
    const again = await t.http.patch(`/v1/customers/${customerId}`).set(seed.auth).set('Idempotency-Key', k).send({ name: 'Kari Renamed' });
    expect({ status: again.status, body: again.body }).toEqual({ status: 200, body: first.body });
    expectProblem(await t.http.patch(`/v1/customers/${customerId}`).set(seed.auth).set('Idempotency-Key', k).send({ name: 'Someone Else' }), 422);
    expect(await streamEventTypes(t, `customer-${customerId}`)).toEqual(['CustomerEnrolled', 'CustomerDetailsChanged']);
    expect((await card(customerId)).personal.name).toBe('Kari Renamed');
  });

  describe('a malformed key is a 400 on every command route, writing nothing', () => {
    let customerId: string;
    let closable: string;
    beforeAll(async () => {
      customerId = await enrollOne(t, seed.campaignId, seed.auth);
      closable = (await t.http
        .post('/v1/campaigns')
        .set(seed.auth)
        .send({ controllerId: seed.controllerId, name: 'Closable', purpose: 'p', startsOn: '2026-12-01', endsOn: '2026-12-31', currency: 'NOK', products: [{ sku: 'A', name: 'A', unitPriceMinor: 1 }] })
        .expect(201)).body.campaignId;
    });

    const routes: [string, (k: string) => Test][] = [
      ['POST /v1/controllers', (k) => t.http.post('/v1/controllers').set(seed.auth).set('Idempotency-Key', k).send({ id: seed.controllerId, name: 'x' })],
      ['PUT /v1/sellers/:id', (k) => t.http.put('/v1/sellers/seller-key-test').set(seed.auth).set('Idempotency-Key', k).send({ name: 'x' })],
      [
        'POST /v1/campaigns',
        (k) =>
          t.http
            .post('/v1/campaigns')
            .set(seed.auth)
            .set('Idempotency-Key', k)
            .send({ controllerId: seed.controllerId, name: 'x', purpose: 'p', startsOn: '2026-12-01', endsOn: '2026-12-31', currency: 'NOK', products: [{ sku: 'A', name: 'A', unitPriceMinor: 1 }] }),
      ],
      ['POST /v1/campaigns/:id/close', (k) => t.http.post(`/v1/campaigns/${closable}/close`).set(seed.auth).set('Idempotency-Key', k)],
      ['POST /v1/campaigns/:id/customers (JSON)', (k) => t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).set('Idempotency-Key', k).send({ customers: [{ customerRef: 'KEY-1' }] })],
      ['POST /v1/campaigns/:id/customers (CSV)', (k) => t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).set('Idempotency-Key', k).set('Content-Type', 'text/csv').send('customerRef\nKEY-1\n')],
      ['PATCH /v1/customers/:id', (k) => t.http.patch(`/v1/customers/${customerId}`).set(seed.auth).set('Idempotency-Key', k).send({ name: 'x' })],
      ['POST /v1/customers/:id/sms', (k) => postSms(customerId, k, sms)],
      ['POST /v1/customers/:id/emails', (k) => t.http.post(`/v1/customers/${customerId}/emails`).set(seed.auth).set('Idempotency-Key', k).send({ sellerId: seed.sellerId, direction: 'inbound', address: 'a@example.no', subject: 's', body: 'b' })],
      ['POST /v1/customers/:id/calls', (k) => t.http.post(`/v1/customers/${customerId}/calls`).set(seed.auth).set('Idempotency-Key', k).send({ sellerId: seed.sellerId, phone: '+4791234567', startedAt: at, durationSeconds: 1 })],
      ['POST /v1/customers/:id/responses', (k) => t.http.post(`/v1/customers/${customerId}/responses`).set(seed.auth).set('Idempotency-Key', k).send({ sellerId: seed.sellerId, code: 'sold' })],
      ['POST /v1/customers/:id/sales', (k) => t.http.post(`/v1/customers/${customerId}/sales`).set(seed.auth).set('Idempotency-Key', k).send({ sellerId: seed.sellerId, sku: 'BB-100', quantity: 1 })],
    ];
    const badKeys = [
      ['with a space', 'my key'],
      ['of 256 characters', 'k'.repeat(256)],
    ];

    it.each(routes.flatMap(([route, send]) => badKeys.map(([label, k]) => [route, label, k, send] as const)))('%s with a key %s', async (_route, _label, k, send) => {
      const before = await writeCounts(t);
      expectProblem(await send(k), 400, { fields: ['Idempotency-Key'] });
      expect(await writeCounts(t)).toEqual(before);
    });

    it('accepts a key of exactly 255 visible characters', async () => {
      const k = `${'k'.repeat(250)}-!~#$`;
      const first = await postSms(customerId, k, sms).expect(201);
      expect((await postSms(customerId, k, sms)).body).toEqual(first.body);
    });
  });
});
