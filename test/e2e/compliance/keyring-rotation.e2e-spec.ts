import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KeyringRotations } from '@app/compliance';
import { BlindIndex, KeyringRotation } from '@app/crypto-shredding';
import { DataSource } from 'typeorm';
import { bearer } from '../../support/anonymization-fixtures';
import { seedCampaign } from '../../support/campaign-fixtures';
import { startTestApp, type TestApp } from '../../support/test-app';

// POST /v1/compliance/keyring/rotations runs a rotation in the background; GET polls it. Data
// written before still opens, the blind index finds customers under the new index key, the end
// is audited, and a rotation a crash left unfinished is resumed by the next POST.

describe('keyring rotation as a job', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let seeded: Awaited<ReturnType<typeof seedCampaign>>;
  let customerId: string;
  let erasedId: string;
  const email = 'Rotating.Kari@Example.no';

  const poll = async (rotationId: string) => {
    for (let i = 0; i < 200; i += 1) {
      const status = (await t.http.get(`/v1/compliance/keyring/rotations/${rotationId}`).set(admin).expect(200)).body;
      if (status.phase === 'done') return status;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`rotation ${rotationId} did not finish`);
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await bearer(t, ['admin'], ['*'], 'admin-1');
    seeded = await seedCampaign(t);
    const enrolled = await t.http
      .post(`/v1/campaigns/${seeded.campaignId}/customers`)
      .set(seeded.auth)
      .send({ customers: [{ customerRef: 'CRM-ROT-1', name: 'Kari Rotasjon', email, phone: '+47 912 34 567' }, { customerRef: 'CRM-ROT-2', name: 'Ola Glemt', email: 'ola.glemt@example.no' }] })
      .expect(201);
    [customerId, erasedId] = enrolled.body.customerIds as string[];
    const officer = await bearer(t, ['compliance']);
    await t.http.post(`/v1/customers/${erasedId}/anonymize`).set(officer).send({ mode: 'full', reasonCode: 'data-subject-request' }).expect(200);
  });
  afterAll(() => t.close());

  it('analyst and compliance tokens are 403 on both routes; an unknown rotation is 404', async () => {
    for (const role of ['analyst', 'compliance'] as const) {
      const auth = await bearer(t, [role]);
      await t.http.post('/v1/compliance/keyring/rotations').set(auth).expect(403);
      await t.http.get('/v1/compliance/keyring/rotations/3f9c2a71-6b0e-4d2f-9a8c-5e1b7d4c0f92').set(auth).expect(403);
    }
    const unknown = await t.http.get('/v1/compliance/keyring/rotations/3f9c2a71-6b0e-4d2f-9a8c-5e1b7d4c0f92').set(admin).expect(404);
    expect(unknown.body.type).toBe('urn:campaign-ledger:problem:unknown-rotation');
    await t.http.get('/v1/compliance/keyring/rotations/not-a-uuid').set(admin).expect(404);
  });

  it('POST answers 202, a second POST while it runs is 409; it finishes, old data opens, the blind index finds the customer under the new key, and the end is audited', async () => {
    const dataSource = t.app.get(DataSource);
    const [{ before }] = await dataSource.query(`SELECT active_kek_version AS before FROM crypto.keyring_state WHERE id = 1`);
    // Hold activation back (it updates this row) so the rotation is still running at the second POST.
    const blocker = dataSource.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    await blocker.query(`SELECT 1 FROM crypto.keyring_state WHERE id = 1 FOR SHARE`);
    let rotationId: string;
    try {
      const started = await t.http.post('/v1/compliance/keyring/rotations').set(admin).expect(202);
      rotationId = started.body.rotationId;
      expect(started.body).toEqual({ rotationId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      const again = await t.http.post('/v1/compliance/keyring/rotations').set(admin).expect(409);
      expect(again.body).toMatchObject({ type: 'urn:campaign-ledger:problem:rotation-in-progress', rotationId });
    } finally {
      await blocker.commitTransaction();
      await blocker.release();
    }

    const done = await poll(rotationId);
    expect(done).toEqual({ rotationId, phase: 'done', kekVersion: expect.any(Number), keysRewrapped: done.keysTotal, keysTotal: expect.any(Number), retiredVersions: [before] });
    expect(done.kekVersion).toBeGreaterThan(before);
    expect(done.keysTotal).toBeGreaterThanOrEqual(3); // the seller's key and the live customer's two

    const customer = (await t.http.get(`/v1/customers/${customerId}`).set(seeded.auth).expect(200)).body;
    expect(customer.personal).toMatchObject({ name: 'Kari Rotasjon', email });
    expect(customer.customerRef).toBe('CRM-ROT-1');

    const index = t.app.get(BlindIndex);
    expect(await index.find(seeded.controllerId, 'email', 'rotating.kari@example.NO')).toEqual([{ customerId, campaignId: seeded.campaignId, live: true }]);
    expect(await index.find(seeded.controllerId, 'phone', '+4791234567')).toEqual([{ customerId, campaignId: seeded.campaignId, live: true }]);
    expect(await index.find(seeded.controllerId, 'customer_ref', 'CRM-ROT-1')).toEqual([{ customerId, campaignId: seeded.campaignId, live: true }]);
    // The anonymized customer is not indexed again.
    expect(await index.find(seeded.controllerId, 'email', 'ola.glemt@example.no')).toEqual([]);
    const [{ stale }] = await dataSource.query(
      `SELECT count(*)::int AS stale FROM crypto.blind_index WHERE index_key_version <> (SELECT active_index_key_version FROM crypto.keyring_state WHERE id = 1)`,
    );
    expect(stale).toBe(0);
    // customerRef uniqueness still holds through the rebuilt index.
    await t.http.post(`/v1/campaigns/${seeded.campaignId}/customers`).set(seeded.auth).send({ customers: [{ customerRef: 'CRM-ROT-1', name: 'Twin' }] }).expect(409);

    await t.app.get(KeyringRotations).settled();
    const audit = (await t.http.get('/v1/compliance/audit').set(admin).expect(200)).body.entries as { actor: string; action: string; scope: Record<string, unknown> }[];
    expect(audit.filter((entry) => entry.action === 'keyring.rotated')).toEqual([
      expect.objectContaining({ actor: 'admin-1', scope: expect.objectContaining({ rotationId, kekVersion: done.kekVersion, kekVersions: [before], keysRewrapped: done.keysRewrapped }) }),
    ]);
  });

  it('a rotation a crash left unfinished is resumed by the next POST', async () => {
    const orphan = await t.app.get(KeyringRotation).start('admin-1');
    const resumed = await t.http.post('/v1/compliance/keyring/rotations').set(admin).expect(202);
    expect(resumed.body).toEqual({ rotationId: orphan });
    await poll(orphan);
    await t.app.get(KeyringRotations).settled();
    const customer = (await t.http.get(`/v1/customers/${customerId}`).set(seeded.auth).expect(200)).body;
    expect(customer.personal).toMatchObject({ email });
    const fresh = await t.http.post('/v1/compliance/keyring/rotations').set(admin).expect(202);
    expect(fresh.body.rotationId).not.toBe(orphan);
    await poll(fresh.body.rotationId);
    await t.app.get(KeyringRotations).settled();
  });
});
