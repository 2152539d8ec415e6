import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verifyCertificate } from '@app/compliance';
import type { Role } from '@app/platform';
import { DataSource } from 'typeorm';
import { bearer, createCampaign } from '../../support/anonymization-fixtures';
import { seedCampaign } from '../../support/campaign-fixtures';
import { expectProblem } from '../../support/problem-assertions';
import { startTestApp, type TestApp } from '../../support/test-app';

// POST /v1/erasure-requests, POST /v1/access-requests and GET /v1/compliance/requests: a data
// subject found across a controller's campaigns through the blind index (e-mail in any case,
// phone in any notation), erased in one transaction with one certificate, held customers skipped
// and named, access answers before and after, the register with due dates, scope and roles.

const P = { email: 'kari.person@example.no', emailOtherCase: 'KARI.Person@EXAMPLE.no', phone: '+47 912 34 567', name: 'Kari Person', sms: 'MRKdsrsms' };
const Q = { ref: 'Q-REF-1', phone: '+47 413 22 110', phoneOtherFormat: '0047 41322110', name: 'Quentin Q' };

/** One calendar month after `at`, clamped to the next month's last day, same time of day (Art. 12(3)). */
function oneMonthAfter(at: string): string {
  const r = new Date(at);
  const lastDay = new Date(Date.UTC(r.getUTCFullYear(), r.getUTCMonth() + 2, 0)).getUTCDate();
  return new Date(Date.UTC(r.getUTCFullYear(), r.getUTCMonth() + 1, Math.min(r.getUTCDate(), lastDay), r.getUTCHours(), r.getUTCMinutes(), r.getUTCSeconds(), r.getUTCMilliseconds())).toISOString();
}

describe('erasure and access requests over HTTP', () => {
  let t: TestApp;
  let pem: string;
  let a: Awaited<ReturnType<typeof seedCampaign>>;
  let b: Awaited<ReturnType<typeof seedCampaign>>;
  let officer: Record<string, string>;
  let campaign2: string;
  let campaign3: string;
  const ids: Record<string, string> = {};

  const enroll = async (campaignId: string, auth: Record<string, string>, customers: object[]) =>
    (await t.http.post(`/v1/campaigns/${campaignId}/customers`).set(auth).send({ customers }).expect(201)).body.customerIds as string[];
  const access = (auth: Record<string, string>, body: object) => t.http.post('/v1/access-requests').set(auth).send(body);
  const erase = (auth: Record<string, string>, body: object) => t.http.post('/v1/erasure-requests').set(auth).send(body);

  beforeAll(async () => {
    t = await startTestApp();
    pem = (await t.http.get('/v1/compliance/public-keys').set(await bearer(t, ['compliance'])).expect(200)).body.keys[0].pem;
    a = await seedCampaign(t);
    b = await seedCampaign(t);
    officer = await bearer(t, ['compliance'], [a.controllerId]);
    campaign2 = await createCampaign(t, a.auth, a.controllerId, a.sellerId, 'Spring broadband');
    campaign3 = await createCampaign(t, a.auth, a.controllerId, a.sellerId, 'Summer broadband');
    // P: in campaigns 1 and 2 (e-mail and phone written differently), held in campaign 1 (own hold) and 3 (the campaign's hold).
    [ids.p1, ids.p1held, ids.other] = await enroll(a.campaignId, a.auth, [
      { customerRef: 'P-1', name: P.name, email: P.email, phone: P.phone },
      { customerRef: 'P-1-HELD', name: P.name, email: 'Kari.Person@example.no' },
      { customerRef: 'OTHER-1', name: 'Ola Other', email: 'ola.other@example.no', phone: '+47 900 00 001' },
    ]);
    [ids.p2] = await enroll(campaign2, a.auth, [{ customerRef: 'P-2', name: P.name, email: 'KARI.PERSON@EXAMPLE.NO', phone: '91234567' }]);
    [ids.p3held] = await enroll(campaign3, a.auth, [{ customerRef: 'P-3', name: P.name, email: P.email }]);
    // Q: the same reference in campaigns 1 and 2.
    [ids.q1] = await enroll(a.campaignId, a.auth, [{ customerRef: Q.ref, name: Q.name, phone: Q.phone }]);
    [ids.q2] = await enroll(campaign2, a.auth, [{ customerRef: Q.ref, name: Q.name, phone: '41322110' }]);
    // The same person at another controller: never in controller A's answers.
    [ids.atB] = await enroll(b.campaignId, b.auth, [{ customerRef: 'P-1', name: P.name, email: P.email, phone: P.phone }]);
    await t.http
      .post(`/v1/customers/${ids.p1}/sms`)
      .set(a.auth)
      .send({ sellerId: a.sellerId, direction: 'outbound', phone: P.phone, body: P.sms, at: '2026-12-02T09:00:00Z' })
      .expect(201);
    await t.http.put(`/v1/customers/${ids.p1held}/legal-hold`).set(officer).send({ reasonCode: 'legal-obligation', reference: 'CASE-7' }).expect(200);
    await t.http.put(`/v1/campaigns/${campaign3}/legal-hold`).set(officer).send({ reasonCode: 'other' }).expect(200);
  });
  afterAll(() => t.close());

  it('refuses other controllers (403), other roles (403), and a match that is not exactly one valid identifier (400)', async () => {
    const officerOfB = await bearer(t, ['compliance'], [b.controllerId]);
    for (const route of ['/v1/erasure-requests', '/v1/access-requests']) {
      const body = { controllerId: a.controllerId, match: { email: P.email }, ...(route.includes('erasure') ? { reasonCode: 'data-subject-request' } : {}) };
      const forbidden = await t.http.post(route).set(officerOfB).send(body);
      expectProblem(forbidden, 403);
      expect(forbidden.body.type).toBe('urn:campaign-ledger:problem:forbidden');
      for (const roles of [['analyst'], ['service'], ['seller']] as Role[][]) {
        expectProblem(await t.http.post(route).set(await bearer(t, roles, [a.controllerId], 'caller-1', { sellerId: a.sellerId })).send(body), 403);
      }
      expectProblem(await t.http.post(route).set(officer).send({ ...body, match: { email: P.email, phone: P.phone } }), 400, { fields: ['match'] });
      expectProblem(await t.http.post(route).set(officer).send({ ...body, match: {} }), 400, { fields: ['match'] });
      expectProblem(await t.http.post(route).set(officer).send({ ...body, match: { email: 'not-an-address' } }), 400, { fields: ['match.email'] });
      expectProblem(await t.http.post(route).set(officer).send({ ...body, match: { name: P.name } }), 400);
    }
    for (const roles of [['analyst'], ['service'], ['seller']] as Role[][]) {
      expectProblem(await t.http.get('/v1/compliance/requests').set(await bearer(t, roles, [a.controllerId], 'caller-1', { sellerId: a.sellerId })), 403);
    }
    // Nothing of the refused requests was erased.
    expect((await t.http.get(`/v1/customers/${ids.p1}`).set(a.auth).expect(200)).body.personal).toMatchObject({ email: P.email });
  });

  it('an access request finds every customer of the controller by e-mail in any case and phone in any notation, and never another controller\'s', async () => {
    const byEmail = await access(officer, { controllerId: a.controllerId, match: { email: P.emailOtherCase } }).expect(200);
    expect(Object.keys(byEmail.body).sort()).toEqual(['controllerId', 'customers', 'generatedAt', 'requestId']);
    expect(byEmail.body.controllerId).toBe(a.controllerId);
    const found = byEmail.body.customers as { customerId: string; campaign: { campaignId: string; name: string; purpose: string }; status: string; customerRef: string; personal: { email: string }; timeline: { personal: unknown }[] }[];
    expect(found.map((c) => c.customerId).sort()).toEqual([ids.p1, ids.p1held, ids.p2, ids.p3held].sort());
    expect(found.map((c) => c.customerId)).not.toContain(ids.atB);
    const p1 = found.find((c) => c.customerId === ids.p1)!;
    expect(p1).toEqual({
      customerId: ids.p1,
      campaign: { campaignId: a.campaignId, name: 'Winter broadband', purpose: 'Telemarketing of broadband' },
      status: 'active',
      customerRef: 'P-1',
      personal: { name: P.name, email: P.email, phone: '+4791234567', fields: null },
      timeline: [expect.objectContaining({ type: 'sms', personal: expect.objectContaining({ body: P.sms }) })],
    });
    expect(found.find((c) => c.customerId === ids.p2)!.campaign.campaignId).toBe(campaign2);

    const byPhone = await access(officer, { controllerId: a.controllerId, match: { phone: '0047 91234567' } }).expect(200);
    expect(byPhone.body.customers.map((c: { customerId: string }) => c.customerId).sort()).toEqual([ids.p1, ids.p2].sort());

    // Controller B's answer for the same person holds only B's customer.
    const atB = await access(await bearer(t, ['admin'], [b.controllerId]), { controllerId: b.controllerId, match: { email: P.email } }).expect(200);
    expect(atB.body.customers.map((c: { customerId: string }) => c.customerId)).toEqual([ids.atB]);
    expect(JSON.stringify(atB.body)).not.toContain(a.campaignId);

    // Audited: ids and a count, nothing of the answer.
    const entries = (await t.http.get('/v1/compliance/audit').set(officer).expect(200)).body.entries as { action: string; scope: Record<string, unknown>; reasonCode: string }[];
    const audited = entries.find((e) => e.action === 'access-request.answered' && e.scope.requestId === byEmail.body.requestId);
    expect(audited).toMatchObject({ scope: { controllerId: a.controllerId, requestId: byEmail.body.requestId, customers: 4 }, reasonCode: 'data-subject-request' });
    expect(JSON.stringify(entries).toLowerCase()).not.toContain('kari');
  });

  it('an erasure by e-mail in another case anonymizes the customers of both campaigns in one certificate; held customers are listed and untouched', async () => {
    const erased = await erase(officer, { controllerId: a.controllerId, match: { email: P.emailOtherCase }, reasonCode: 'data-subject-request', reference: 'DSR-1' }).expect(200);
    expect(Object.keys(erased.body).sort()).toEqual(['certificate', 'customerIds', 'held', 'requestId']);
    expect([...erased.body.customerIds].sort()).toEqual([ids.p1, ids.p2].sort());
    expect(erased.body.held).toEqual(
      expect.arrayContaining([
        { customerId: ids.p1held, reasonCode: 'legal-obligation' },
        { customerId: ids.p3held, reasonCode: 'other' },
      ]),
    );
    expect(erased.body.held).toHaveLength(2);
    const certificate = erased.body.certificate;
    expect(certificate).toMatchObject({ kind: 'erasure-request', mode: 'full', reasonCode: 'data-subject-request', reference: 'DSR-1', requestedBy: 'officer-7', customersAffected: 2, keysDestroyed: 4 });
    expect([...certificate.scope.customerIds].sort()).toEqual([ids.p1, ids.p2].sort());
    expect(verifyCertificate(certificate, pem)).toEqual({ valid: true, irrecoverable: false });
    expect((await t.http.get(`/v1/compliance/certificates/${certificate.certificateId}`).set(officer).expect(200)).body).toEqual({ ...certificate, irrecoverability: null });

    // One audit entry for the whole request, naming the certificate.
    const entries = (await t.http.get('/v1/compliance/audit').set(officer).expect(200)).body.entries as { action: string; scope: Record<string, unknown>; certificateId: string }[];
    const audited = entries.filter((e) => e.certificateId === certificate.certificateId);
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ action: 'erasure-request.answered', scope: { controllerId: a.controllerId, requestId: erased.body.requestId, mode: 'full', customersAffected: 2, keysDestroyed: 4, customersHeld: 2 } });

    for (const id of [ids.p1, ids.p2]) {
      const card = (await t.http.get(`/v1/customers/${id}`).set(a.auth).expect(200)).body;
      expect(card).toMatchObject({ status: 'anonymized', customerRef: null, personal: null, anonymization: { mode: 'full', certificateId: certificate.certificateId } });
      for (const entry of card.timeline) expect(entry.personal).toBeNull();
    }
    // Held: still readable, keys live.
    expect((await t.http.get(`/v1/customers/${ids.p1held}`).set(a.auth).expect(200)).body).toMatchObject({ status: 'active', customerRef: 'P-1-HELD', personal: { email: 'Kari.Person@example.no' } });
    expect((await t.http.get(`/v1/customers/${ids.p3held}`).set(a.auth).expect(200)).body).toMatchObject({ status: 'active', personal: { email: P.email } });
    // Others untouched: another person of the controller, the same person at another controller.
    expect((await t.http.get(`/v1/customers/${ids.other}`).set(a.auth).expect(200)).body.personal).toMatchObject({ name: 'Ola Other' });
    expect((await t.http.get(`/v1/customers/${ids.atB}`).set(b.auth).expect(200)).body.personal).toMatchObject({ email: P.email });

    // Access after: the erased customers are found no more; the held ones still are, in full.
    const after = await access(officer, { controllerId: a.controllerId, match: { email: P.email } }).expect(200);
    expect(after.body.customers.map((c: { customerId: string }) => c.customerId).sort()).toEqual([ids.p1held, ids.p3held].sort());
    expect(JSON.stringify(after.body)).not.toContain(P.sms);
  });

  it('an erasure by phone in another format (standard), then access by customerRef: nothing personal; a repeat in the mode is skipped, full follows', async () => {
    const before = await access(officer, { controllerId: a.controllerId, match: { customerRef: Q.ref } }).expect(200);
    expect(before.body.customers.map((c: { customerId: string }) => c.customerId).sort()).toEqual([ids.q1, ids.q2].sort());
    for (const customer of before.body.customers) expect(customer.personal).toMatchObject({ name: Q.name, phone: '+4741322110' });

    const standard = await erase(officer, { controllerId: a.controllerId, match: { phone: Q.phoneOtherFormat }, mode: 'standard', reasonCode: 'data-subject-request' }).expect(200);
    expect([...standard.body.customerIds].sort()).toEqual([ids.q1, ids.q2].sort());
    expect(standard.body.held).toEqual([]);
    expect(standard.body.certificate).toMatchObject({ kind: 'erasure-request', mode: 'standard', reference: null, customersAffected: 2, keysDestroyed: 2 });
    expect(verifyCertificate(standard.body.certificate, pem)).toEqual({ valid: true, irrecoverable: false });

    const after = await access(officer, { controllerId: a.controllerId, match: { customerRef: Q.ref } }).expect(200);
    expect(after.body.customers).toHaveLength(2);
    for (const customer of after.body.customers) {
      expect(customer).toMatchObject({ status: 'anonymized', customerRef: Q.ref, personal: null });
      for (const entry of customer.timeline) expect(entry.personal).toBeNull();
    }
    expect(JSON.stringify(after.body)).not.toContain(Q.name);

    // The same mode again: the customers are skipped, not an error; nothing destroyed.
    const repeat = await erase(officer, { controllerId: a.controllerId, match: { customerRef: Q.ref }, mode: 'standard', reasonCode: 'data-subject-request' }).expect(200);
    expect([...repeat.body.customerIds].sort()).toEqual([ids.q1, ids.q2].sort());
    expect(repeat.body.certificate).toMatchObject({ scope: { customerIds: [] }, customersAffected: 0, keysDestroyed: 0 });
    const full = await erase(officer, { controllerId: a.controllerId, match: { customerRef: Q.ref }, reasonCode: 'data-subject-request' }).expect(200);
    expect(full.body.certificate).toMatchObject({ mode: 'full', customersAffected: 2, keysDestroyed: 2 });
    expect((await access(officer, { controllerId: a.controllerId, match: { customerRef: Q.ref } }).expect(200)).body.customers).toEqual([]);
  });

  it('an erasure that matches nobody answers empty lists and a verifying certificate that says so', async () => {
    const none = await erase(officer, { controllerId: a.controllerId, match: { email: 'nobody@example.no' }, reasonCode: 'data-subject-request', reference: 'DSR-404' }).expect(200);
    expect(none.body).toMatchObject({ requestId: expect.any(String), customerIds: [], held: [] });
    expect(none.body.certificate).toMatchObject({ kind: 'erasure-request', scope: { customerIds: [] }, mode: 'full', reference: 'DSR-404', customersAffected: 0, keysDestroyed: 0 });
    expect(verifyCertificate(none.body.certificate, pem)).toEqual({ valid: true, irrecoverable: false });
  });

  it('keeps every request in the register, due one month after receipt, without the identifiers, only for the token\'s controllers', async () => {
    const listed = await t.http.get(`/v1/compliance/requests?controllerId=${a.controllerId}`).set(officer).expect(200);
    const requests = listed.body.requests as Record<string, string | null>[];
    expect(requests.length).toBeGreaterThanOrEqual(9);
    expect(new Set(requests.map((r) => r.kind))).toEqual(new Set(['erasure', 'access']));
    for (const request of requests) {
      expect(Object.keys(request).sort()).toEqual(['completedAt', 'controllerId', 'dueAt', 'kind', 'reasonCode', 'receivedAt', 'reference', 'requestId', 'status'].sort());
      expect(request).toMatchObject({ controllerId: a.controllerId, status: 'completed', completedAt: expect.any(String) });
      expect(request.dueAt).toBe(oneMonthAfter(request.receivedAt!));
      expect(Date.parse(request.completedAt!)).toBeGreaterThanOrEqual(Date.parse(request.receivedAt!));
    }
    expect(requests.filter((r) => r.reference === 'DSR-1')).toEqual([expect.objectContaining({ kind: 'erasure', reasonCode: 'data-subject-request' })]);
    expect(requests.map((r) => r.receivedAt)).toEqual([...requests.map((r) => r.receivedAt)].sort());

    expect((await t.http.get(`/v1/compliance/requests?status=open&controllerId=${a.controllerId}`).set(officer).expect(200)).body.requests).toEqual([]);
    expect((await t.http.get(`/v1/compliance/requests?status=completed&controllerId=${a.controllerId}`).set(officer).expect(200)).body.requests).toHaveLength(requests.length);
    expectProblem(await t.http.get('/v1/compliance/requests?status=late').set(officer), 400, { fields: ['status'] });

    // Another controller's token sees none of A's, even when it names A.
    const officerOfB = await bearer(t, ['compliance'], [b.controllerId]);
    const ofB = (await t.http.get('/v1/compliance/requests').set(officerOfB).expect(200)).body.requests as { controllerId: string }[];
    expect(ofB.length).toBeGreaterThanOrEqual(1);
    expect(ofB.every((r) => r.controllerId === b.controllerId)).toBe(true);
    expect((await t.http.get(`/v1/compliance/requests?controllerId=${a.controllerId}`).set(officerOfB).expect(200)).body.requests).toEqual([]);

    // The identifiers matched on are kept nowhere in the register.
    const rows: { row: string }[] = await t.app.get(DataSource).query(`SELECT r::text AS row FROM compliance.requests r`);
    const text = rows.map((r) => r.row).join('\n').toLowerCase();
    // Whole identifiers only: a short digit run could match a timestamp.
    for (const needle of ['kari', 'example.no', '91234567', '41322110', 'q-ref-1', 'p-1-held']) expect(text).not.toContain(needle);
  });
});
