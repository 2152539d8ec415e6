import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuditLog, type Certificate, verifyCertificate } from '@app/compliance';
import type { Role } from '@app/platform';
import { DataSource } from 'typeorm';
import { seedCampaign } from '../../support/campaign-fixtures';
import { recordCampaignErasure } from '../../support/compliance-fixtures';
import { expectProblem } from '../../support/problem-assertions';
import { startTestApp, type TestApp } from '../../support/test-app';
import { tokenFor } from '../../support/tokens';

// GET /v1/compliance/{audit, certificates/:id, public-keys}: roles compliance and admin; a
// certificate outside the token's controllers is a 404 exactly like an unknown id; a token limited
// to some controllers reads only their audit entries. No personal value reaches an audit entry.

const M = {
  sellerName: 'MRKsellername',
  name: 'MRKcustomername',
  email: 'mrkcustomer@mrkdomain.example',
  phone: '+47 41 23 45 67',
  customerRef: 'MRKcustomerref',
  field: 'MRKcrmfield',
};
const needles = [
  ...Object.values(M).filter((v) => !v.startsWith('+')),
  ...Object.values(M).filter((v) => v.startsWith('+')).flatMap((v) => [v, v.replace(/[^\d]/g, ''), v.replace(/ /g, '')]),
];

describe('compliance records over HTTP', () => {
  let t: TestApp;
  let a: Awaited<ReturnType<typeof seedCampaign>>;
  let b: Awaited<ReturnType<typeof seedCampaign>>;
  let certA: Certificate;
  let certB: Certificate;
  const auth = async (roles: Role[], controllers = ['*'], subject = 'officer-7') => ({ Authorization: `Bearer ${await tokenFor(t.config, roles, controllers, subject)}` });

  beforeAll(async () => {
    t = await startTestApp();
    a = await seedCampaign(t);
    b = await seedCampaign(t);
    await t.http.put(`/v1/sellers/${a.sellerId}`).set(a.auth).send({ name: M.sellerName }).expect(200);
    await t.http
      .post(`/v1/campaigns/${a.campaignId}/customers`)
      .set(a.auth)
      .send({ customers: [{ customerRef: M.customerRef, name: M.name, email: M.email, phone: M.phone, fields: { note: M.field } }, { customerRef: 'CRM-2', name: 'Ola' }] })
      .expect(201);
    await t.http.post(`/v1/campaigns/${b.campaignId}/customers`).set(b.auth).send({ customers: [{ customerRef: 'CRM-1', name: 'Per' }] }).expect(201);
    certA = (await recordCampaignErasure(t.app, { campaignId: a.campaignId, controllerId: a.controllerId })).certificate;
    certB = (await recordCampaignErasure(t.app, { campaignId: b.campaignId, controllerId: b.controllerId, mode: 'standard' })).certificate;
    // An entry that concerns no controller (a keyring rotation): only `*` tokens read it.
    await t.app.get(DataSource).transaction((tx) => t.app.get(AuditLog).append(tx, { actor: 'admin-1', action: 'keyring.rotated', scope: { rotationId: randomUUID(), kekVersions: [1] } }));
  });
  afterAll(() => t.close());

  const routes = () => [`/v1/compliance/audit`, `/v1/compliance/certificates/${certA.certificateId}`, `/v1/compliance/public-keys`];

  it.each<Role[]>([['analyst'], ['service'], ['seller'], ['service', 'seller', 'analyst']])('refuses %s tokens with 403, and no token with 401', async (...roles) => {
    const headers = await auth(roles);
    for (const route of routes()) {
      expectProblem(await t.http.get(route).set(headers), 403);
      expectProblem(await t.http.get(route), 401);
    }
  });

  it.each<Role>(['compliance', 'admin'])('answers %s tokens', async (role) => {
    const headers = await auth([role]);
    for (const route of routes()) expect((await t.http.get(route).set(headers)).status).toBe(200);
  });

  it('serves a certificate in scope, which verifies with the served public key; out of scope it is a 404 like an unknown id', async () => {
    const onlyA = await auth(['compliance'], [a.controllerId]);
    const served = await t.http.get(`/v1/compliance/certificates/${certA.certificateId}`).set(onlyA).expect(200);
    expect(served.body).toEqual({ ...certA, irrecoverability: null });
    expect(served.body).toMatchObject({ scope: { campaignId: a.campaignId }, customersAffected: 2, keysDestroyed: 4, mode: 'full', requestedBy: 'officer-7' });

    const keys = await t.http.get('/v1/compliance/public-keys').set(onlyA).expect(200);
    expect(keys.body).toEqual({ keys: [{ keyId: certA.keyId, algorithm: 'Ed25519', pem: expect.stringMatching(/^-----BEGIN PUBLIC KEY-----\n/) }] });
    const pem = keys.body.keys[0].pem as string;
    expect(verifyCertificate(served.body, pem)).toEqual({ valid: true, irrecoverable: false });
    // One byte changed anywhere in the served text breaks it.
    const text = JSON.stringify(served.body);
    const at = text.indexOf('"keysDestroyed":4') + '"keysDestroyed":'.length;
    expect(verifyCertificate(JSON.parse(`${text.slice(0, at)}5${text.slice(at + 1)}`), pem)).toEqual({ valid: false, reason: 'bad-signature' });

    const outOfScope = await t.http.get(`/v1/compliance/certificates/${certB.certificateId}`).set(onlyA);
    const unknown = await t.http.get(`/v1/compliance/certificates/${randomUUID()}`).set(onlyA);
    expectProblem(outOfScope, 404);
    const { instance: _i, ...outOfScopeProblem } = outOfScope.body;
    const { instance: _u, ...unknownProblem } = unknown.body;
    expect(outOfScopeProblem).toEqual(unknownProblem);
    await t.http.get(`/v1/compliance/certificates/${certB.certificateId}`).set(await auth(['admin'])).expect(200);
  });

  it('lists audit entries ascending by seq, chained, each token reading only its controllers', async () => {
    const all = (await t.http.get('/v1/compliance/audit').set(await auth(['admin'])).expect(200)).body;
    expect(all.nextCursor).toBeNull();
    expect(all.entries.map((e: { action: string }) => e.action)).toEqual(['campaign.anonymized', 'campaign.anonymized', 'keyring.rotated']);
    expect(all.entries[0]).toEqual({
      seq: 1,
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      actor: 'officer-7',
      action: 'campaign.anonymized',
      scope: { controllerId: a.controllerId, campaignId: a.campaignId, mode: 'full', customersAffected: 2, keysDestroyed: 4 },
      certificateId: certA.certificateId,
      reasonCode: 'purpose-fulfilled',
      reference: 'TICKET-4711',
      hash: certA.auditHead.hash,
      prevHash: null,
    });
    all.entries.forEach((e: { seq: number; prevHash: string | null }, i: number) => {
      expect(e.seq).toBe(i + 1);
      if (i > 0) expect(e.prevHash).toBe(all.entries[i - 1].hash);
    });

    const onlyB = (await t.http.get('/v1/compliance/audit').set(await auth(['compliance'], [b.controllerId])).expect(200)).body;
    expect(onlyB.entries.map((e: { certificateId: string }) => e.certificateId)).toEqual([certB.certificateId]);
    const none = (await t.http.get('/v1/compliance/audit').set(await auth(['compliance'], ['nobody'])).expect(200)).body;
    expect(none.entries).toEqual([]);
  });

  it('filters the audit by time and pages it', async () => {
    const admin = await auth(['admin']);
    const all = (await t.http.get('/v1/compliance/audit').set(admin).expect(200)).body.entries as { seq: number; at: string }[];
    const later = new Date(Date.parse(all[1].at) + 1).toISOString();
    const window = await t.http.get(`/v1/compliance/audit?from=${encodeURIComponent(all[1].at)}&to=${encodeURIComponent(later)}`).set(admin).expect(200);
    expect(window.body.entries.map((e: { seq: number }) => e.seq)).toEqual(all.filter((e) => e.at === all[1].at).map((e) => e.seq));
    expect((await t.http.get('/v1/compliance/audit?to=2000-01-01T00:00:00Z').set(admin).expect(200)).body.entries).toEqual([]);

    const first = (await t.http.get('/v1/compliance/audit?limit=2').set(admin).expect(200)).body;
    expect(first.entries.map((e: { seq: number }) => e.seq)).toEqual([1, 2]);
    const second = (await t.http.get(`/v1/compliance/audit?limit=2&cursor=${first.nextCursor}`).set(admin).expect(200)).body;
    expect(second).toEqual({ entries: [expect.objectContaining({ seq: 3 })], nextCursor: null });

    expectProblem(await t.http.get('/v1/compliance/audit?from=yesterday').set(admin), 400, { fields: ['from'] });
    expectProblem(await t.http.get('/v1/compliance/audit?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z').set(admin), 400, { fields: ['to'] });
    expectProblem(await t.http.get('/v1/compliance/audit?limit=0').set(admin), 400, { fields: ['limit'] });
    expectProblem(await t.http.get('/v1/compliance/audit?cursor=abc').set(admin), 400, { fields: ['cursor'] });
    expectProblem(await t.http.get('/v1/compliance/audit?note=x').set(admin), 400, { fields: ['note'] });
  });

  it('keeps every personal value out of the audit log and the certificates, and refuses a personal actor', async () => {
    const dataSource = t.app.get(DataSource);
    await expect(recordCampaignErasure(t.app, { campaignId: randomUUID(), controllerId: a.controllerId, actor: M.email })).rejects.toThrow('actor must be an opaque id');
    const stored: { row: string }[] = await dataSource.query(
      `SELECT row_to_json(a)::text AS row FROM compliance.audit_log a UNION ALL SELECT row_to_json(c)::text FROM compliance.certificates c`,
    );
    expect(stored.length).toBeGreaterThanOrEqual(5);
    const served = JSON.stringify((await t.http.get('/v1/compliance/audit').set(await auth(['admin'])).expect(200)).body);
    for (const text of [...stored.map((s) => s.row), served]) {
      for (const needle of needles) expect({ needle, found: text.toLowerCase().includes(needle.toLowerCase()) }).toEqual({ needle, found: false });
    }
    // The markers were there to be found: the enrollment stored them (sealed) and the erasure counted them.
    expect(certA.customersAffected).toBe(2);
  });
});
