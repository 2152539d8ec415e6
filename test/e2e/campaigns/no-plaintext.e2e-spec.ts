import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedCampaign } from '../../support/campaign-fixtures';
import { scanTables } from '../../support/table-scan';
import { startTestApp, type TestApp } from '../../support/test-app';

// A distinct marker in every personal field the API takes; none may be stored or logged in plain text.
const M = {
  sellerName: 'MRKsellername',
  name: 'MRKcustomername',
  email: 'mrkcustomer@mrkdomain.example',
  phone: '+47 41 23 45 67',
  field: 'MRKcrmfield',
  csvName: 'MRKcsvname',
  csvField: 'MRKcsvfield',
  customerRef: 'MRKcustomerref',
  smsPhone: '+47 48 88 77 66',
  smsBody: 'MRKsmsbody',
  emailAddress: 'mrkaddress@mrkmail.example',
  emailSubject: 'MRKemailsubject',
  emailBody: 'MRKemailbody',
  callPhone: '+47 47 77 66 55',
  callNotes: 'MRKcallnotes',
  comment: 'MRKresponsecomment',
  extraField: 'MRKextrafield',
  newEmail: 'mrknewemail@mrkdomain.example',
};
// Phones are also looked for as digits only and in E.164.
const needles = [
  ...Object.values(M).filter((v) => !v.startsWith('+')),
  ...Object.values(M).filter((v) => v.startsWith('+')).flatMap((v) => [v, v.replace(/[^\d]/g, ''), v.replace(/ /g, '')]),
];

describe('no personal value is stored or logged in plain text', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { LOG_LEVEL: 'trace' } });
  });
  afterAll(() => t.close());

  it('writes markers into every personal field of every route, then finds none in any table or the log', async () => {
    const seed = await seedCampaign(t);
    await t.http.put(`/v1/sellers/${seed.sellerId}`).set(seed.auth).send({ name: M.sellerName }).expect(200);
    const enrolled = await t.http
      .post(`/v1/campaigns/${seed.campaignId}/customers`)
      .set(seed.auth)
      .set('Idempotency-Key', 'marker-enroll')
      .send({ customers: [{ customerRef: M.customerRef, name: M.name, email: M.email, phone: M.phone, fields: { crm: M.field } }] })
      .expect(201);
    const customerId = enrolled.body.customerIds[0];
    await t.http
      .post(`/v1/campaigns/${seed.campaignId}/customers`)
      .set(seed.auth)
      .set('Content-Type', 'text/csv')
      .send(`customerRef,name,segment\nCSV-${M.customerRef},${M.csvName},${M.csvField}\n`)
      .expect(201);
    const post = (path: string, body: object) => t.http.post(`/v1/customers/${customerId}/${path}`).set(seed.auth).set('Idempotency-Key', `marker-${path}`).send(body).expect(201);
    await post('sms', { sellerId: seed.sellerId, direction: 'outbound', phone: M.smsPhone, body: M.smsBody });
    await post('emails', { sellerId: seed.sellerId, direction: 'outbound', address: M.emailAddress, subject: M.emailSubject, body: M.emailBody });
    await post('calls', { sellerId: seed.sellerId, phone: M.callPhone, startedAt: '2026-12-02T10:00:00Z', durationSeconds: 60, notes: M.callNotes });
    await post('responses', { sellerId: seed.sellerId, code: 'sold', comment: M.comment });
    await post('sales', { sellerId: seed.sellerId, sku: 'BB-100', quantity: 1, extraFields: { serial: M.extraField } });
    await t.http.patch(`/v1/customers/${customerId}`).set(seed.auth).send({ email: M.newEmail }).expect(200);
    // A request that fails validation and one refused by a rule still carry markers.
    await t.http.post(`/v1/customers/${customerId}/sms`).set(seed.auth).send({ sellerId: seed.sellerId, direction: 'sideways', phone: M.smsPhone, body: M.smsBody }).expect(400);
    await t.http.post(`/v1/customers/${customerId}/responses`).set(seed.auth).send({ sellerId: 'nobody', code: 'sold', comment: M.comment }).expect(422);

    // The markers are really there to be found: the card opens them.
    const card = await t.http.get(`/v1/customers/${customerId}`).set(seed.auth).expect(200);
    expect(JSON.stringify(card.body)).toContain(M.smsBody);
    expect(card.body.personal.email).toBe(M.newEmail);

    const { hits, rowsScanned } = await scanTables(t, needles);
    expect(rowsScanned).toBeGreaterThan(20);
    expect(hits).toEqual([]);

    const log = t.logLines.join('\n').toLowerCase();
    expect(t.logLines.length).toBeGreaterThan(10);
    expect(needles.filter((needle) => log.includes(needle.toLowerCase()))).toEqual([]);
  });
});
