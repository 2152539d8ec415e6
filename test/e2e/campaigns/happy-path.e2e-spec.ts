import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BlindIndex } from '@app/crypto-shredding';
import { seedCampaign } from '../../support/campaign-fixtures';
import { startTestApp, type TestApp } from '../../support/test-app';

describe('campaigns API: the happy path of every route', () => {
  let t: TestApp;
  let seed: Awaited<ReturnType<typeof seedCampaign>>;

  beforeAll(async () => {
    t = await startTestApp();
    seed = await seedCampaign(t);
  });
  afterAll(() => t.close());

  it('creates a campaign and reads it back', async () => {
    const response = await t.http.get(`/v1/campaigns/${seed.campaignId}`).set(seed.auth).expect(200);
    expect(response.body).toEqual({
      campaignId: seed.campaignId,
      controllerId: seed.controllerId,
      name: 'Winter broadband',
      purpose: 'Telemarketing of broadband',
      startsOn: '2026-12-01',
      endsOn: '2026-12-31',
      currency: 'NOK',
      timeZone: 'Europe/Oslo',
      status: 'active',
      anonymization: null,
      legalHold: null,
      customerCount: 0,
      archivedCount: 0,
      products: [{ sku: 'BB-100', name: 'Broadband 100', unitPriceMinor: 49_900 }],
      budgets: [{ sellerId: seed.sellerId, targetMinor: 1_000_000 }],
      responseCodes: ['sold', 'call-back', 'not-interested'],
      retention: null,
    });
  });

  it('enrolls customers, logs every interaction type, and shows them on the customer card', async () => {
    const enrolled = await t.http
      .post(`/v1/campaigns/${seed.campaignId}/customers`)
      .set(seed.auth)
      .send({ customers: [{ customerRef: 'CRM-1', name: 'Kari Nordmann', email: 'kari@example.no', phone: '+47 912 34 567', fields: { segment: 'B2C', months: 12 } }, { customerRef: 'CRM-2' }] })
      .expect(201);
    expect(enrolled.body).toEqual({ customerIds: [expect.any(String), expect.any(String)], position: expect.any(String) });
    const [customerId] = enrolled.body.customerIds;
    const post = (path: string, body: object) => t.http.post(`/v1/customers/${customerId}/${path}`).set(seed.auth).send(body).expect(201);

    const sms = await post('sms', { sellerId: seed.sellerId, direction: 'outbound', phone: '+4791234567', body: 'Hei Kari', at: '2026-12-02T09:00:00Z' });
    expect(sms.body).toEqual({ interactionId: expect.any(String), position: expect.any(String) });
    await post('emails', { sellerId: seed.sellerId, direction: 'inbound', address: 'kari@example.no', subject: 'Re: offer', body: 'Yes please', at: '2026-12-02T10:00:00Z' });
    await post('calls', { sellerId: seed.sellerId, phone: '+4791234567', startedAt: '2026-12-02T11:00:00Z', durationSeconds: 120, notes: 'Positive' });
    await post('responses', { sellerId: seed.sellerId, code: 'sold', comment: 'Signed', at: '2026-12-02T11:05:00Z' });
    await post('sales', { sellerId: seed.sellerId, sku: 'BB-100', quantity: 2, extraFields: { serial: 'RT-1' }, at: '2026-12-02T11:06:00Z' });
    await t.http.patch(`/v1/customers/${customerId}`).set(seed.auth).send({ email: 'kari.nordmann@example.no' }).expect(200);

    const card = await t.http.get(`/v1/customers/${customerId}`).set(seed.auth).expect(200);
    expect(card.body).toMatchObject({
      customerId,
      campaignId: seed.campaignId,
      controllerId: seed.controllerId,
      status: 'active',
      anonymization: null,
      customerRef: 'CRM-1',
      personal: { name: 'Kari Nordmann', email: 'kari.nordmann@example.no', phone: '+4791234567', fields: { segment: 'B2C', months: 12 } },
      archived: false,
      legalHold: null,
    });
    expect(card.body.timeline.map((e: { type: string }) => e.type)).toEqual(['sms', 'email', 'call', 'response', 'sale']);
    expect(card.body.timeline[0]).toEqual({ type: 'sms', at: '2026-12-02T09:00:00.000Z', sellerId: seed.sellerId, interactionId: sms.body.interactionId, direction: 'outbound', outsidePeriod: false, personal: { phone: '+4791234567', body: 'Hei Kari' } });
    expect(card.body.timeline[4]).toMatchObject({ type: 'sale', sku: 'BB-100', quantity: 2, unitPriceMinor: 49_900, amountMinor: 99_800, currency: 'NOK', personal: { extraFields: { serial: 'RT-1' } } });

    const list = await t.http.get(`/v1/campaigns/${seed.campaignId}/customers?limit=1`).set(seed.auth).expect(200);
    expect(list.body.items).toEqual([{ customerId, campaignId: seed.campaignId, controllerId: seed.controllerId, status: 'active', anonymization: null, customerRef: 'CRM-1', personal: { name: 'Kari Nordmann', email: 'kari.nordmann@example.no', phone: '+4791234567', fields: { segment: 'B2C', months: 12 } }, archived: false, legalHold: null }]);
    const next = await t.http.get(`/v1/campaigns/${seed.campaignId}/customers?limit=1&cursor=${list.body.nextCursor}`).set(seed.auth).expect(200);
    expect(next.body).toMatchObject({ items: [{ customerRef: 'CRM-2', personal: { name: null, email: null, phone: null, fields: null } }], nextCursor: null });
    expect((await t.http.get(`/v1/campaigns/${seed.campaignId}`).set(seed.auth)).body.customerCount).toBe(2);
  });

  it('PATCH keeps the blind index current: the old e-mail and phone no longer find the customer, the new ones do', async () => {
    const enrolled = await t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).send({ customers: [{ customerRef: 'CRM-PATCH', email: 'old@example.no', phone: '+47 411 11 111' }] }).expect(201);
    const customerId = enrolled.body.customerIds[0];
    const index = t.app.get(BlindIndex);
    const found = async (kind: 'email' | 'phone', value: string) => (await index.find(seed.controllerId, kind, value)).map((m) => m.customerId);
    expect(await found('email', 'OLD@example.no')).toEqual([customerId]);
    await t.http.patch(`/v1/customers/${customerId}`).set(seed.auth).send({ email: 'new@example.no', phone: '0047 422 22 222' }).expect(200);
    expect(await found('email', 'old@example.no')).toEqual([]);
    expect(await found('phone', '+4741111111')).toEqual([]);
    expect(await found('email', 'new@example.no')).toEqual([customerId]);
    expect(await found('phone', '+47 42222222')).toEqual([customerId]);
    // A change that leaves the phone alone keeps its row.
    await t.http.patch(`/v1/customers/${customerId}`).set(seed.auth).send({ email: 'newer@example.no' }).expect(200);
    expect(await found('phone', '42222222')).toEqual([customerId]);
    expect(await found('email', 'new@example.no')).toEqual([]);
  });

  it('enrolls from CSV (semicolons, BOM, quotes, extra columns as fields)', async () => {
    const csv = '\uFEFFcustomerRef;name;email;phone;segment\r\nCSV-1;"Nordmann; Kari";kari@example.no;91234567;B2B\r\nCSV-2;Ola;;;\r\n';
    const response = await t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).set('Content-Type', 'text/csv').send(csv).expect(201);
    const card = await t.http.get(`/v1/customers/${response.body.customerIds[0]}`).set(seed.auth).expect(200);
    expect(card.body).toMatchObject({ customerRef: 'CSV-1', personal: { name: 'Nordmann; Kari', email: 'kari@example.no', phone: '+4791234567', fields: { segment: 'B2B' } } });
  });

  it('closes the campaign; interactions are then refused with 409', async () => {
    const customerId = (await t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).send({ customers: [{ customerRef: 'CRM-CLOSE' }] }).expect(201)).body.customerIds[0];
    const closed = await t.http.post(`/v1/campaigns/${seed.campaignId}/close`).set(seed.auth).expect(200);
    expect(closed.body).toEqual({ position: expect.any(String) });
    expect((await t.http.get(`/v1/campaigns/${seed.campaignId}`).set(seed.auth)).body.status).toBe('closed');
    const refused = await t.http.post(`/v1/customers/${customerId}/sms`).set(seed.auth).send({ sellerId: seed.sellerId, direction: 'outbound', phone: '+4791234567', body: 'x' }).expect(409);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    await t.http.post(`/v1/campaigns/${seed.campaignId}/close`).set(seed.auth).expect(409);
  });
});
