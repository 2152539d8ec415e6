import { BlindIndex } from '@app/crypto-shredding';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { bearer, createCampaign, liveKeys } from '../support/anonymization-fixtures';
import { enrollOne, seedCampaign } from '../support/campaign-fixtures';
import { builtEntry, cleanEnv, type Finished, runToEnd } from '../support/processes';
import { startTestApp, type TestApp } from '../support/test-app';

// The compliance commands of the CLI against a test app's database and keyring (DATA_DIR): the
// same services as the routes, the certificate id (or the verdict) on stdout, every refusal one
// line on stderr and exit 1.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const cliOf = (t: TestApp) => (...args: string[]) =>
  runToEnd([builtEntry('cli'), ...args], cleanEnv({ DATABASE_URL: t.database.url, DATA_DIR: t.config.DATA_DIR, LOG_LEVEL: 'warn' }), 60_000);

/** A refusal: nothing on stdout, exactly one line on stderr, exit 1. */
function expectRefusal(result: Finished, line: RegExp): void {
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 1, stdout: '' });
  expect(result.stderr).toMatch(/^campaign-ledger: [^\n]+\n$/);
  expect(result.stderr).toMatch(line);
}

/** The certificate id on stdout, nothing else, exit 0. */
function certificateIdOf(result: Finished): string {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  expect(result.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
  return result.stdout.trim();
}

describe('cli compliance commands', () => {
  let t: TestApp;
  let cli: ReturnType<typeof cliOf>;
  let dir: string;
  let officer: Record<string, string>;
  let seeded: Awaited<ReturnType<typeof seedCampaign>>;

  beforeAll(async () => {
    t = await startTestApp();
    cli = cliOf(t);
    dir = await mkdtemp(join(tmpdir(), 'cli-compliance-'));
    seeded = await seedCampaign(t);
    officer = await bearer(t, ['compliance'], [seeded.controllerId]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await t.close();
  });

  it('anonymize campaign: a wrong --confirm changes nothing; the name anonymizes it and prints the certificate id the route serves', async () => {
    const campaignId = await createCampaign(t, seeded.auth, seeded.controllerId, seeded.sellerId, 'Spring broadband');
    await enrollOne(t, campaignId, seeded.auth);
    await enrollOne(t, campaignId, seeded.auth);
    const args = ['anonymize', 'campaign', campaignId, '--mode', 'standard', '--reason', 'purpose-fulfilled', '--reference', 'TICKET-4711', '--actor', 'officer-7'];

    expectRefusal(cli(...args, '--confirm', 'Spring broadbant'), /^campaign-ledger: confirm-mismatch: confirm must equal the campaign name\n$/);
    expect(await liveKeys(t, campaignId)).toEqual({ content: 2, reference: 2 });

    const certificateId = certificateIdOf(cli(...args, '--confirm', 'Spring broadband'));
    expect(await liveKeys(t, campaignId)).toEqual({ reference: 2 });
    const served = await t.http.get(`/v1/compliance/certificates/${certificateId}`).set(officer).expect(200);
    expect(served.body).toMatchObject({
      certificateId,
      kind: 'campaign-anonymization',
      scope: { campaignId },
      mode: 'standard',
      reasonCode: 'purpose-fulfilled',
      reference: 'TICKET-4711',
      requestedBy: 'officer-7',
      customersAffected: 2,
      keysDestroyed: 2,
    });
    // The same rules as the route: standard again is a 409 there, one line here.
    expectRefusal(cli(...args, '--confirm', 'Spring broadband'), /^campaign-ledger: already-anonymized: the campaign's standard anonymization is already done\n$/);
  });

  it('anonymize customer: refused under a legal hold placed by the CLI, done once it is released', async () => {
    const customerId = await enrollOne(t, seeded.campaignId, seeded.auth);
    const placed = cli('legal-hold', 'place', 'customer', customerId, '--reason', 'legal-obligation', '--reference', 'CASE-17', '--actor', 'officer-7');
    expect({ code: placed.code, stderr: placed.stderr }).toEqual({ code: 0, stderr: '' });
    expect(placed.stdout).toMatch(new RegExp(`^legal hold placed on customer ${customerId}: legal-obligation CASE-17 since \\S+, position \\d{20}-\\d{20}\\n$`));

    const anonymize = ['anonymize', 'customer', customerId, '--mode', 'full', '--reason', 'data-subject-request', '--actor', 'officer-7'];
    expectRefusal(cli(...anonymize), /^campaign-ledger: legal-hold: the customer is under a legal hold \(legal-obligation\)\n$/);

    const released = cli('legal-hold', 'release', 'customer', customerId, '--actor', 'officer-7');
    expect({ code: released.code, stderr: released.stderr }).toEqual({ code: 0, stderr: '' });
    expect(released.stdout).toMatch(new RegExp(`^legal hold released on customer ${customerId}, position \\d{20}-\\d{20}\\n$`));
    expectRefusal(cli('legal-hold', 'release', 'customer', customerId, '--actor', 'officer-7'), /^campaign-ledger: no-legal-hold: /);

    const certificateId = certificateIdOf(cli(...anonymize));
    const served = await t.http.get(`/v1/compliance/certificates/${certificateId}`).set(officer).expect(200);
    expect(served.body).toMatchObject({ kind: 'customer-anonymization', scope: { customerIds: [customerId] }, mode: 'full', customersAffected: 1, keysDestroyed: 2 });
    const audit = await t.http.get('/v1/compliance/audit').set(officer).expect(200);
    expect(audit.body.entries.slice(-3).map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
      ['legal-hold.placed', 'officer-7'],
      ['legal-hold.released', 'officer-7'],
      ['customer.anonymized', 'officer-7'],
    ]);
  });

  it('refuses a missing --actor, an actor that is an e-mail address and an unknown reason code, each with one line', () => {
    const id = '0b6f3c1e-3f7a-4c55-9d1e-2a9b8c7d6e5f';
    expectRefusal(cli('legal-hold', 'place', 'campaign', id, '--reason', 'other'), /--actor <opaque id> is required/);
    expectRefusal(cli('legal-hold', 'place', 'campaign', id, '--reason', 'other', '--actor', 'kari@example.no'), /--actor must be an opaque id/);
    expectRefusal(cli('legal-hold', 'place', 'campaign', id, '--reason', 'because', '--actor', 'officer-7'), /--reason must be one of purpose-fulfilled, /);
    expectRefusal(cli('legal-hold', 'place', 'campaign', id, '--reason', 'other', '--actor', 'officer-7'), /^campaign-ledger: unknown-campaign: no such campaign\n$/);
  });

  it('certificate verify: valid with --key and with the keys of the database; one changed byte is invalid (exit 1)', async () => {
    const customerId = await enrollOne(t, seeded.campaignId, seeded.auth);
    const certificateId = certificateIdOf(cli('anonymize', 'customer', customerId, '--mode', 'standard', '--reason', 'other', '--actor', 'officer-7'));
    const served = await t.http.get(`/v1/compliance/certificates/${certificateId}`).set(officer).expect(200);
    const keys = await t.http.get('/v1/compliance/public-keys').set(officer).expect(200);
    const file = join(dir, 'certificate.json');
    const keyFile = join(dir, 'public-key.pem');
    await writeFile(file, served.text);
    await writeFile(keyFile, keys.body.keys[0].pem);

    expect(cli('certificate', 'verify', file, '--key', keyFile)).toMatchObject({ code: 0, stdout: 'valid\n', stderr: '' });
    expect(cli('certificate', 'verify', file)).toMatchObject({ code: 0, stdout: 'valid\n', stderr: '' });

    const bytes = await readFile(file);
    const at = bytes.indexOf('officer-7') + 'officer-'.length;
    bytes[at] = '8'.charCodeAt(0);
    const tampered = join(dir, 'tampered.json');
    await writeFile(tampered, bytes);
    expect(cli('certificate', 'verify', tampered, '--key', keyFile)).toMatchObject({ code: 1, stdout: 'invalid: bad-signature\n', stderr: '' });

    // Offline, with no database configured, the key must be given.
    const offline = runToEnd([builtEntry('cli'), 'certificate', 'verify', file], cleanEnv({ DATA_DIR: join(dir, 'nowhere') }), 30_000);
    expectRefusal(offline, /^campaign-ledger: --key <pem file> is required: no database is configured/);
  });

  it('audit verify: names the head; after a row is edited with the triggers disabled, names its seq (exit 1)', async () => {
    const ok = cli('audit', 'verify');
    expect({ code: ok.code, stderr: ok.stderr }).toEqual({ code: 0, stderr: '' });
    const match = /^ok: (\d+) entries, head (\d+) ([0-9a-f]{64})\n$/.exec(ok.stdout);
    expect(match).not.toBeNull();
    const [, entries, headSeq] = match!;
    expect(headSeq).toBe(entries);
    expect(Number(entries)).toBeGreaterThanOrEqual(5);

    const seq = 2;
    await t.app.get(DataSource).transaction(async (tx) => {
      await tx.query(`ALTER TABLE compliance.audit_log DISABLE TRIGGER USER`);
      await tx.query(`UPDATE compliance.audit_log SET actor = 'someone-else' WHERE seq = $1`, [seq]);
      await tx.query(`ALTER TABLE compliance.audit_log ENABLE TRIGGER USER`);
    });
    expect(cli('audit', 'verify')).toMatchObject({ code: 1, stdout: `broken at seq ${seq}: hash-mismatch\n`, stderr: '' });
  });
});

describe('cli keyring rotate', () => {
  let t: TestApp;
  let cli: ReturnType<typeof cliOf>;

  beforeAll(async () => {
    t = await startTestApp();
    cli = cliOf(t);
  });
  afterAll(() => t.close());

  it('runs a rotation to the end with a progress bar on stderr and prints its id and the retired versions', async () => {
    // A seller and a campaign: keys to re-wrap, and no customer yet, so no blind-index row.
    await seedCampaign(t);
    const result = cli('keyring', 'rotate', '--actor', 'admin-1');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^rotation [0-9a-f-]{36} done: KEK version 2, retired KEK versions 1\n$/);
    expect(result.stderr).toMatch(/keyring rotation \[.*\] 100% \| (\d+)\/\1 keys re-wrapped \| done/);
    const rotationId = /^rotation (\S+)/.exec(result.stdout)![1];
    expect(rotationId).toMatch(UUID);
    const [row] = await t.app.get(DataSource).query(`SELECT phase, requested_by, retired_kek_versions FROM crypto.keyring_rotations WHERE rotation_id = $1`, [rotationId]);
    expect(row).toEqual({ phase: 'done', requested_by: 'admin-1', retired_kek_versions: [1] });
    // Nothing is left under the retired version.
    const [{ old }] = await t.app.get(DataSource).query(`SELECT count(*)::int AS old FROM crypto.data_keys WHERE wrapped IS NOT NULL AND kek_version <> 2`);
    expect(old).toBe(0);
  });

  it("re-indexes enrolled customers: another instance finds them by e-mail afterwards, their cards open, and the rotation is audited", async () => {
    const seeded = await seedCampaign(t);
    const customerId = await enrollOne(t, seeded.campaignId, seeded.auth, { email: 'rotation.check@example.no' });
    const result = cli('keyring', 'rotate', '--actor', 'admin-1');
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 0, stdout: expect.stringMatching(/^rotation [0-9a-f-]{36} done: KEK version 3, retired KEK versions 2\n$/) });
    const dataSource = t.app.get(DataSource);
    const [{ stale }] = await dataSource.query(
      `SELECT count(*)::int AS stale FROM crypto.blind_index WHERE index_key_version <> (SELECT active_index_key_version FROM crypto.keyring_state)`,
    );
    expect(stale).toBe(0);
    // The test app is another instance: it was not told, and still looks the customer up.
    expect(await t.app.get(BlindIndex).find(seeded.controllerId, 'email', 'Rotation.Check@example.no')).toEqual([{ customerId, campaignId: seeded.campaignId, live: true }]);
    const card = await t.http.get(`/v1/customers/${customerId}`).set(seeded.auth).expect(200);
    expect(card.body.personal.email).toBe('rotation.check@example.no');
    const [{ audited }] = await dataSource.query(`SELECT count(*)::int AS audited FROM compliance.audit_log WHERE action = 'keyring.rotated' AND actor = 'admin-1'`);
    expect(audited).toBe(2);
  });
});
