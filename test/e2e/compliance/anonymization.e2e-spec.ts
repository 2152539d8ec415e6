import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuditLog, verifyCertificate } from '@app/compliance';
import type { Role } from '@app/platform';
import { DataSource } from 'typeorm';
import { fetchAnswers } from '../../support/analytics-routes';
import { bearer, createCampaign, liveKeys, needlesOf, scanTables } from '../../support/anonymization-fixtures';
import { enrollOne, seedCampaign } from '../../support/campaign-fixtures';
import { expectProblem } from '../../support/problem-assertions';
import { startTestApp, type TestApp } from '../../support/test-app';

// POST /v1/campaigns/:id/anonymize and /v1/customers/:id/anonymize: one transaction each (keys,
// record, audit entry, certificate), repeats decided from the keys' tombstones, refused under a
// legal hold; analytics unchanged; no marker in any table before or after.

const M = {
  name: 'MRKanonname',
  email: 'mrkanon@mrkanon.example',
  phone: '+47 41 99 88 77',
  field: 'MRKanonfield',
  customerRef: 'MRKanonref',
  smsPhone: '+47 48 11 22 33',
  smsBody: 'MRKanonsms',
  emailAddress: 'mrkanonaddr@mrkanonmail.example',
  emailSubject: 'MRKanonsubject',
  emailBody: 'MRKanonemailbody',
  callPhone: '+47 47 22 33 44',
  callNotes: 'MRKanoncallnotes',
  comment: 'MRKanoncomment',
  extraField: 'MRKanonextra',
};
const needles = needlesOf(M);

describe('anonymizing campaigns and customers over HTTP', () => {
  let t: TestApp;
  let pem: string;

  beforeAll(async () => {
    t = await startTestApp({ withWorker: true });
    const keys = await t.http.get('/v1/compliance/public-keys').set(await bearer(t, ['compliance'])).expect(200);
    pem = keys.body.keys[0].pem;
  });
  afterAll(() => t.close());

  it('standard, then full: personal data and then the reference are gone, analytics are byte-identical, no marker is stored in plain text', async () => {
    const a = await seedCampaign(t);
    const officer = await bearer(t, ['compliance'], [a.controllerId]);
    const analyst = await bearer(t, ['analyst'], [a.controllerId]);
    const enrolled = await t.http
      .post(`/v1/campaigns/${a.campaignId}/customers`)
      .set(a.auth)
      .send({ customers: [{ customerRef: M.customerRef, name: M.name, email: M.email, phone: M.phone, fields: { crm: M.field } }, { customerRef: 'CRM-2', name: 'Ola' }] })
      .expect(201);
    const [customerId, otherId] = enrolled.body.customerIds as string[];
    const post = (id: string, path: string, body: object) => t.http.post(`/v1/customers/${id}/${path}`).set(a.auth).send(body).expect(201);
    await post(customerId, 'sms', { sellerId: a.sellerId, direction: 'outbound', phone: M.smsPhone, body: M.smsBody, at: '2026-12-02T09:00:00Z' });
    await post(customerId, 'emails', { sellerId: a.sellerId, direction: 'outbound', address: M.emailAddress, subject: M.emailSubject, body: M.emailBody, at: '2026-12-02T09:10:00Z' });
    await post(customerId, 'calls', { sellerId: a.sellerId, phone: M.callPhone, startedAt: '2026-12-02T10:00:00Z', durationSeconds: 300, notes: M.callNotes });
    await post(customerId, 'responses', { sellerId: a.sellerId, code: 'sold', comment: M.comment, at: '2026-12-02T10:05:00Z' });
    await post(customerId, 'sales', { sellerId: a.sellerId, sku: 'BB-100', quantity: 2, extraFields: { serial: M.extraField }, at: '2026-12-02T10:06:00Z' });
    const lastWrite = await post(otherId, 'sales', { sellerId: a.sellerId, sku: 'BB-100', quantity: 1, at: '2026-12-03T11:00:00Z' });

    const before = await t.http.get(`/v1/customers/${customerId}`).set(a.auth).expect(200);
    expect(before.body.personal).toMatchObject({ name: M.name, email: M.email });
    expect(before.body.timeline.map((entry: { type: string }) => entry.type)).toHaveLength(5);
    expect(JSON.stringify(before.body)).toContain(M.extraField);

    const c = a.campaignId;
    const analyticsPaths = [
      ...['seller', 'campaign', 'product', 'day', 'month'].map((g) => `/v1/analytics/sales?groupBy=${g}&campaignId=${c}`),
      `/v1/analytics/budgets?campaignId=${c}`,
      `/v1/analytics/records?campaignId=${c}`,
      `/v1/analytics/responses?groupBy=code&campaignId=${c}`,
      `/v1/analytics/responses?groupBy=seller&campaignId=${c}`,
      ...['seller', 'campaign', 'day'].map((g) => `/v1/analytics/activity?groupBy=${g}&campaignId=${c}`),
    ];
    const analyticsBefore = await fetchAnswers(t, analyst, analyticsPaths, lastWrite.body.position);
    expect([...analyticsBefore.values()].every((answer) => answer.status === 200)).toBe(true);
    expect(JSON.parse(analyticsBefore.get(`application/json /v1/analytics/sales?groupBy=seller&campaignId=${c}`)!.text).totals).toEqual([
      { currency: 'NOK', sales: 2, quantity: 3, revenueMinor: 149_700 },
    ]);
    const scanBefore = await scanTables(t, needles);
    expect(scanBefore.hits).toEqual([]);

    // A mistyped name: 422 naming `confirm`, nothing changed.
    const mistyped = await t.http.post(`/v1/campaigns/${c}/anonymize`).set(officer).send({ mode: 'standard', reasonCode: 'purpose-fulfilled', confirm: 'Winter broadband ' });
    expectProblem(mistyped, 422, { fields: ['confirm'] });
    expect(mistyped.body.type).toBe('urn:campaign-ledger:problem:confirm-mismatch');
    expect((await t.http.get(`/v1/customers/${customerId}`).set(a.auth).expect(200)).body.personal).toMatchObject({ name: M.name });
    expect(await liveKeys(t, c)).toEqual({ content: 2, reference: 2 });
    expect((await t.http.get(`/v1/campaigns/${c}`).set(a.auth).expect(200)).body).toMatchObject({ status: 'active', anonymization: null });

    const standard = await t.http
      .post(`/v1/campaigns/${c}/anonymize`)
      .set(officer)
      .send({ mode: 'standard', reasonCode: 'purpose-fulfilled', reference: 'TICKET-4711', confirm: 'Winter broadband' })
      .expect(200);
    expect(Object.keys(standard.body)).toEqual(['certificate']);
    expect(standard.body.certificate).toMatchObject({
      kind: 'campaign-anonymization',
      scope: { campaignId: c },
      mode: 'standard',
      reasonCode: 'purpose-fulfilled',
      reference: 'TICKET-4711',
      requestedBy: 'officer-7',
      customersAffected: 2,
      keysDestroyed: 2,
    });
    expect(verifyCertificate(standard.body.certificate, pem)).toEqual({ valid: true, irrecoverable: false });
    const served = await t.http.get(`/v1/compliance/certificates/${standard.body.certificate.certificateId}`).set(officer).expect(200);
    expect(served.body).toEqual({ ...standard.body.certificate, irrecoverability: null });
    expect(await liveKeys(t, c)).toEqual({ reference: 2 });

    const afterStandard = await t.http.get(`/v1/customers/${customerId}`).set(a.auth).expect(200);
    expect(afterStandard.body).toMatchObject({ status: 'anonymized', customerRef: M.customerRef, personal: null, anonymization: { mode: 'standard', certificateId: standard.body.certificate.certificateId } });
    expect(afterStandard.body.timeline).toHaveLength(5);
    for (const entry of afterStandard.body.timeline) expect(entry.personal).toBeNull();
    const { customerRef: _kept, ...sealed } = M;
    expect(needlesOf(sealed).filter((needle) => JSON.stringify(afterStandard.body).toLowerCase().includes(needle.toLowerCase()))).toEqual([]);
    expect((await t.http.get(`/v1/campaigns/${c}`).set(a.auth).expect(200)).body).toMatchObject({
      status: 'anonymized',
      anonymization: { mode: 'standard', certificateId: standard.body.certificate.certificateId },
    });

    // Closed for writes: 410.
    expectProblem(await t.http.post(`/v1/customers/${otherId}/sms`).set(a.auth).send({ sellerId: a.sellerId, direction: 'outbound', phone: '+4791234567', body: 'Hei' }), 410);
    const enrollAgain = await t.http.post(`/v1/campaigns/${c}/customers`).set(a.auth).send({ customers: [{ customerRef: M.customerRef }] });
    expectProblem(enrollAgain, 410);
    expect(enrollAgain.body.type).toBe('urn:campaign-ledger:problem:campaign-anonymized');

    const again = await t.http.post(`/v1/campaigns/${c}/anonymize`).set(officer).send({ mode: 'standard', reasonCode: 'purpose-fulfilled', confirm: 'Winter broadband' });
    expectProblem(again, 409);
    expect(again.body.type).toBe('urn:campaign-ledger:problem:already-anonymized');

    const full = await t.http.post(`/v1/campaigns/${c}/anonymize`).set(officer).send({ mode: 'full', reasonCode: 'retention-policy', confirm: 'Winter broadband' }).expect(200);
    expect(full.body.certificate).toMatchObject({ mode: 'full', reference: null, customersAffected: 2, keysDestroyed: 2 });
    expect(verifyCertificate(full.body.certificate, pem)).toEqual({ valid: true, irrecoverable: false });
    expect(await liveKeys(t, c)).toEqual({});
    const afterFull = await t.http.get(`/v1/customers/${customerId}`).set(a.auth).expect(200);
    expect(afterFull.body).toMatchObject({ customerRef: null, personal: null, anonymization: { mode: 'full' } });
    for (const entry of afterFull.body.timeline) expect(entry.personal).toBeNull();
    expect((await t.http.get(`/v1/campaigns/${c}`).set(a.auth).expect(200)).body.anonymization).toMatchObject({ mode: 'full', certificateId: full.body.certificate.certificateId });
    for (const mode of ['full', 'standard']) {
      const repeat = await t.http.post(`/v1/campaigns/${c}/anonymize`).set(officer).send({ mode, reasonCode: 'purpose-fulfilled', confirm: 'Winter broadband' });
      expectProblem(repeat, 409);
      expect(repeat.body.type).toBe('urn:campaign-ledger:problem:already-anonymized');
    }

    // The same person again, in another campaign of the controller: a new customer, not linked.
    const other = await createCampaign(t, a.auth, a.controllerId, a.sellerId);
    const reEnrolled = await t.http
      .post(`/v1/campaigns/${other}/customers`)
      .set(a.auth)
      .send({ customers: [{ customerRef: M.customerRef, name: M.name, email: M.email, phone: M.phone }] })
      .expect(201);
    const newId = reEnrolled.body.customerIds[0];
    expect(newId).not.toBe(customerId);
    const newCard = await t.http.get(`/v1/customers/${newId}`).set(a.auth).expect(200);
    expect(newCard.body).toMatchObject({ campaignId: other, customerRef: M.customerRef, personal: { name: M.name }, timeline: [] });
    expect((await t.http.get(`/v1/customers/${customerId}`).set(a.auth).expect(200)).body).toMatchObject({ customerRef: null, personal: null });

    // Analytics after the anonymization events (the enrollment comes after them in the log).
    const analyticsAfter = await fetchAnswers(t, analyst, analyticsPaths, reEnrolled.body.position);
    expect(analyticsAfter).toEqual(analyticsBefore);

    const scanAfter = await scanTables(t, needles);
    expect(scanAfter.rowsScanned).toBeGreaterThan(scanBefore.rowsScanned);
    expect(scanAfter.hits).toEqual([]);
    expect(needles.filter((needle) => t.logLines.join('\n').toLowerCase().includes(needle.toLowerCase()))).toEqual([]);

    const audit = await t.http.get('/v1/compliance/audit').set(officer).expect(200);
    expect(audit.body.entries.filter((e: { action: string }) => e.action === 'campaign.anonymized').map((e: { scope: unknown; certificateId: string }) => [e.scope, e.certificateId])).toEqual([
      [{ controllerId: a.controllerId, campaignId: c, mode: 'standard', customersAffected: 2, keysDestroyed: 2 }, standard.body.certificate.certificateId],
      [{ controllerId: a.controllerId, campaignId: c, mode: 'full', customersAffected: 2, keysDestroyed: 2 }, full.body.certificate.certificateId],
    ]);
    // One CampaignAnonymized per step, and no CustomerAnonymized for a campaign's anonymization.
    const events: { type: string; n: string }[] = await t.app
      .get(DataSource)
      .query(`SELECT type, count(*) AS n FROM es.events WHERE type IN ('CampaignAnonymized', 'CustomerAnonymized') AND data->'plain'->>'campaignId' = $1 GROUP BY type`, [c]);
    expect(events).toEqual([{ type: 'CampaignAnonymized', n: '2' }]);
    expect(await t.app.get(AuditLog).verify()).toMatchObject({ ok: true });
  });

  it('anonymizes one customer: standard, full, repeats 409; the rest of its campaign stays', async () => {
    const a = await seedCampaign(t);
    const officer = await bearer(t, ['admin'], [a.controllerId]);
    const customerId = await enrollOne(t, a.campaignId, a.auth, { customerRef: 'CRM-ONE' });
    const keepId = await enrollOne(t, a.campaignId, a.auth);
    await t.http.post(`/v1/customers/${customerId}/sms`).set(a.auth).send({ sellerId: a.sellerId, direction: 'outbound', phone: '+4791234567', body: 'Hei' }).expect(201);

    const standard = await t.http.post(`/v1/customers/${customerId.toUpperCase()}/anonymize`).set(officer).send({ mode: 'standard', reasonCode: 'data-subject-request', reference: 'DSR-17' }).expect(200);
    expect(standard.body.certificate).toMatchObject({ kind: 'customer-anonymization', scope: { customerIds: [customerId] }, mode: 'standard', customersAffected: 1, keysDestroyed: 1 });
    expect(verifyCertificate(standard.body.certificate, pem)).toEqual({ valid: true, irrecoverable: false });
    expect((await t.http.get(`/v1/customers/${customerId}`).set(a.auth).expect(200)).body).toMatchObject({ status: 'anonymized', customerRef: 'CRM-ONE', personal: null });
    expectProblem(await t.http.post(`/v1/customers/${customerId}/sms`).set(a.auth).send({ sellerId: a.sellerId, direction: 'outbound', phone: '+4791234567', body: 'Hei' }), 410);
    expectProblem(await t.http.post(`/v1/customers/${customerId}/anonymize`).set(officer).send({ mode: 'standard', reasonCode: 'data-subject-request' }), 409);

    const full = await t.http.post(`/v1/customers/${customerId}/anonymize`).set(officer).send({ mode: 'full', reasonCode: 'data-subject-request' }).expect(200);
    expect(full.body.certificate).toMatchObject({ mode: 'full', customersAffected: 1, keysDestroyed: 1 });
    expect((await t.http.get(`/v1/customers/${customerId}`).set(a.auth).expect(200)).body).toMatchObject({ customerRef: null, personal: null, anonymization: { mode: 'full' } });
    for (const mode of ['full', 'standard']) {
      const repeat = await t.http.post(`/v1/customers/${customerId}/anonymize`).set(officer).send({ mode, reasonCode: 'data-subject-request' });
      expectProblem(repeat, 409);
      expect(repeat.body.type).toBe('urn:campaign-ledger:problem:already-anonymized');
    }
    // The other customer and the campaign live on.
    expect((await t.http.get(`/v1/customers/${keepId}`).set(a.auth).expect(200)).body).toMatchObject({ status: 'active', personal: { name: 'Kari Nordmann' } });
    await t.http.post(`/v1/customers/${keepId}/sms`).set(a.auth).send({ sellerId: a.sellerId, direction: 'outbound', phone: '+4791234567', body: 'Hei' }).expect(201);
    const events: { mode: string }[] = await t.app
      .get(DataSource)
      .query(`SELECT data->'plain'->>'mode' AS mode FROM es.events WHERE stream_id = $1 AND type = 'CustomerAnonymized' ORDER BY position`, [`customer-${customerId}`]);
    expect(events.map((e) => e.mode)).toEqual(['standard', 'full']);

    // A campaign anonymization afterwards: the customer anonymized in full does not make it full.
    const campaign = await t.http.post(`/v1/campaigns/${a.campaignId}/anonymize`).set(officer).send({ mode: 'standard', reasonCode: 'purpose-fulfilled', confirm: 'Winter broadband' }).expect(200);
    expect(campaign.body.certificate).toMatchObject({ customersAffected: 1, keysDestroyed: 1 });
    expect((await t.http.get(`/v1/campaigns/${a.campaignId}`).set(a.auth).expect(200)).body.anonymization).toMatchObject({ mode: 'standard' });
    await t.http.post(`/v1/campaigns/${a.campaignId}/anonymize`).set(officer).send({ mode: 'full', reasonCode: 'purpose-fulfilled', confirm: 'Winter broadband' }).expect(200);
    expect(await liveKeys(t, a.campaignId)).toEqual({});
  });

  it('refuses under a legal hold with its reason code (423); holds are placed, replaced and released, each audited', async () => {
    const a = await seedCampaign(t);
    const officer = await bearer(t, ['compliance'], [a.controllerId]);
    const customerId = await enrollOne(t, a.campaignId, a.auth);
    const anonymizeCampaign = () => t.http.post(`/v1/campaigns/${a.campaignId}/anonymize`).set(officer).send({ mode: 'full', reasonCode: 'purpose-fulfilled', confirm: 'Winter broadband' });
    const anonymizeCustomer = () => t.http.post(`/v1/customers/${customerId}/anonymize`).set(officer).send({ mode: 'standard', reasonCode: 'data-subject-request' });

    const placed = await t.http.put(`/v1/campaigns/${a.campaignId}/legal-hold`).set(officer).send({ reasonCode: 'legal-obligation', reference: 'CASE-1' }).expect(200);
    expect(placed.body).toEqual({ legalHold: { reasonCode: 'legal-obligation', reference: 'CASE-1', placedAt: expect.any(String) }, position: expect.any(String) });
    for (const refused of [await anonymizeCampaign(), await anonymizeCustomer()]) {
      expectProblem(refused, 423);
      expect(refused.body).toMatchObject({ type: 'urn:campaign-ledger:problem:legal-hold', reasonCode: 'legal-obligation' });
    }
    expect(await liveKeys(t, a.campaignId)).toEqual({ content: 1, reference: 1 });
    // The same hold again changes nothing; another reason replaces it.
    const same = await t.http.put(`/v1/campaigns/${a.campaignId}/legal-hold`).set(officer).send({ reasonCode: 'legal-obligation', reference: 'CASE-1' }).expect(200);
    expect(same.body.legalHold).toEqual(placed.body.legalHold);
    await t.http.put(`/v1/campaigns/${a.campaignId}/legal-hold`).set(officer).send({ reasonCode: 'other' }).expect(200);
    expect((await anonymizeCampaign()).body).toMatchObject({ status: 423, reasonCode: 'other' });
    expect((await t.http.delete(`/v1/campaigns/${a.campaignId}/legal-hold`).set(officer).expect(200)).body).toEqual({ position: expect.any(String) });
    const none = await t.http.delete(`/v1/campaigns/${a.campaignId}/legal-hold`).set(officer);
    expectProblem(none, 409);
    expect(none.body.type).toBe('urn:campaign-ledger:problem:no-legal-hold');

    // A customer's hold stops both its own and its campaign's anonymization.
    await t.http.put(`/v1/customers/${customerId}/legal-hold`).set(officer).send({ reasonCode: 'controller-instruction' }).expect(200);
    for (const refused of [await anonymizeCampaign(), await anonymizeCustomer()]) {
      expectProblem(refused, 423);
      expect(refused.body).toMatchObject({ reasonCode: 'controller-instruction' });
    }
    expect((await t.http.get(`/v1/customers/${customerId}`).set(a.auth).expect(200)).body.legalHold).toMatchObject({ reasonCode: 'controller-instruction' });
    await t.http.delete(`/v1/customers/${customerId}/legal-hold`).set(officer).expect(200);
    expectProblem(await t.http.delete(`/v1/customers/${customerId}/legal-hold`).set(officer), 409);
    await anonymizeCampaign().expect(200);

    const audit = await t.http.get('/v1/compliance/audit').set(officer).expect(200);
    const holds = audit.body.entries.filter((e: { action: string }) => e.action.startsWith('legal-hold.'));
    expect(holds.map((e: { action: string; scope: object; reasonCode: string | null }) => [e.action, e.scope, e.reasonCode])).toEqual([
      ['legal-hold.placed', { controllerId: a.controllerId, campaignId: a.campaignId }, 'legal-obligation'],
      ['legal-hold.placed', { controllerId: a.controllerId, campaignId: a.campaignId }, 'other'],
      ['legal-hold.released', { controllerId: a.controllerId, campaignId: a.campaignId }, null],
      ['legal-hold.placed', { controllerId: a.controllerId, campaignId: a.campaignId, customerIds: [customerId] }, 'controller-instruction'],
      ['legal-hold.released', { controllerId: a.controllerId, campaignId: a.campaignId, customerIds: [customerId] }, null],
    ]);
    expect(await t.app.get(AuditLog).verify()).toMatchObject({ ok: true });
  });

  it('answers ids outside the token like unknown ids (404), other roles 403, and bad bodies 400', async () => {
    const a = await seedCampaign(t);
    const b = await seedCampaign(t);
    const customerId = await enrollOne(t, a.campaignId, a.auth);
    const onlyB = await bearer(t, ['compliance'], [b.controllerId]);
    const body = { mode: 'standard', reasonCode: 'purpose-fulfilled', confirm: 'Winter broadband' };
    const customerBody = { mode: 'standard', reasonCode: 'purpose-fulfilled' };
    const unknownCampaign = '7e0b1a2c-3d4e-4f50-8a6b-7c8d9e0f1a2b';
    const routes = (id: string, cid: string) => [
      () => t.http.post(`/v1/campaigns/${id}/anonymize`).send(body),
      () => t.http.post(`/v1/customers/${cid}/anonymize`).send(customerBody),
      () => t.http.put(`/v1/campaigns/${id}/legal-hold`).send({ reasonCode: 'other' }),
      () => t.http.delete(`/v1/campaigns/${id}/legal-hold`),
      () => t.http.put(`/v1/customers/${cid}/legal-hold`).send({ reasonCode: 'other' }),
      () => t.http.delete(`/v1/customers/${cid}/legal-hold`),
    ];
    const answer = async (route: () => ReturnType<TestApp['http']['post']>) => {
      const { instance: _path, ...problem } = (await route().set(onlyB)).body;
      return problem;
    };
    const outside = await Promise.all(routes(a.campaignId, customerId).map(answer));
    const unknown = await Promise.all(routes(unknownCampaign, unknownCampaign).map(answer));
    expect(outside).toEqual(unknown);
    expect(outside.map((p: { status: number; type: string }) => [p.status, p.type.split(':').at(-1)])).toEqual([
      [404, 'unknown-campaign'],
      [404, 'unknown-customer'],
      [404, 'unknown-campaign'],
      [404, 'unknown-campaign'],
      [404, 'unknown-customer'],
      [404, 'unknown-customer'],
    ]);

    for (const roles of [['analyst'], ['service'], ['seller'], ['service', 'seller', 'analyst']] as Role[][]) {
      const headers = await bearer(t, roles, ['*'], 'client-1', { sellerId: a.sellerId });
      for (const route of routes(a.campaignId, customerId)) expectProblem(await route().set(headers), 403);
      expectProblem(await t.http.post(`/v1/sellers/${a.sellerId}/anonymize`).set(headers).send({ reasonCode: 'other' }), 403);
    }
    for (const route of routes(a.campaignId, customerId)) expectProblem(await route(), 401);

    const officer = await bearer(t, ['compliance'], [a.controllerId]);
    const invalid: [object, string[]][] = [
      [{ ...body, extra: 1 }, ['extra']],
      [{ ...body, mode: 'partial' }, ['mode']],
      [{ ...body, reasonCode: 'because I said so' }, ['reasonCode']],
      [{ ...body, reference: 'a ticket with spaces' }, ['reference']],
      [{ ...body, reference: 'x'.repeat(65) }, ['reference']],
      [{ mode: 'standard', reasonCode: 'other' }, ['confirm']],
    ];
    for (const [sent, fields] of invalid) expectProblem(await t.http.post(`/v1/campaigns/${a.campaignId}/anonymize`).set(officer).send(sent), 400, { fields });
    expectProblem(await t.http.post(`/v1/customers/${customerId}/anonymize`).set(officer).send({ ...customerBody, confirm: 'x' }), 400, { fields: ['confirm'] });
    expectProblem(await t.http.put(`/v1/customers/${customerId}/legal-hold`).set(officer).send({ reasonCode: 'other', note: 'free text' }), 400, { fields: ['note'] });
    expect(await liveKeys(t, a.campaignId)).toEqual({ content: 1, reference: 1 });
  });

  it("erases a seller's name with a certificate: a second time 409, unknown 404, a token limited to controllers 403, renaming 410", async () => {
    const a = await seedCampaign(t);
    const officer = await bearer(t, ['compliance']);
    const scoped = await bearer(t, ['compliance'], [a.controllerId]);
    const forbidden = await t.http.post(`/v1/sellers/${a.sellerId}/anonymize`).set(scoped).send({ reasonCode: 'data-subject-request' });
    expectProblem(forbidden, 403);
    const unknown = await t.http.post(`/v1/sellers/nobody-${a.sellerId}/anonymize`).set(officer).send({ reasonCode: 'data-subject-request' });
    expectProblem(unknown, 404);
    expect(unknown.body.type).toBe('urn:campaign-ledger:problem:unknown-seller-id');

    const erased = await t.http.post(`/v1/sellers/${a.sellerId}/anonymize`).set(officer).send({ reasonCode: 'data-subject-request', reference: 'HR-9' }).expect(200);
    expect(erased.body.certificate).toMatchObject({ kind: 'seller-anonymization', scope: { sellerIds: [a.sellerId] }, mode: null, customersAffected: 0, keysDestroyed: 1 });
    expect(verifyCertificate(erased.body.certificate, pem)).toEqual({ valid: true, irrecoverable: false });
    const again = await t.http.post(`/v1/sellers/${a.sellerId}/anonymize`).set(officer).send({ reasonCode: 'data-subject-request' });
    expectProblem(again, 409);
    expect(again.body.type).toBe('urn:campaign-ledger:problem:already-anonymized');
    expectProblem(await t.http.put(`/v1/sellers/${a.sellerId}`).set(a.auth).send({ name: 'Back again' }), 410);
    // The certificate names no controller: tokens for every controller read it, others get a 404.
    const path = `/v1/compliance/certificates/${erased.body.certificate.certificateId}`;
    await t.http.get(path).set(officer).expect(200);
    expectProblem(await t.http.get(path).set(scoped), 404);
    const entries = (await t.http.get('/v1/compliance/audit').set(officer).expect(200)).body.entries;
    expect(entries.filter((e: { action: string }) => e.action === 'seller.erased').at(-1)).toMatchObject({ scope: { sellerIds: [a.sellerId], keysDestroyed: 1 }, reasonCode: 'data-subject-request', reference: 'HR-9' });
  });
});
