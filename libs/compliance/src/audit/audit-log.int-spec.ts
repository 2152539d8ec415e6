import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import type { DataSource, EntityManager } from 'typeorm';
import { openMigratedDatabase } from '../../../../test/support/event-store-database';
import { backendPid, waitForLockWaiter } from '../../../../test/support/lock-waits';
import type { TestDatabase } from '../../../../test/support/test-database';
import type { ComplianceClock } from '../clock';
import type { AuditEntry, AuditEntryInput } from '../domain/audit-entry';
import { InvalidComplianceRecord } from '../domain/compliance-record-error';
import { AuditLog } from './audit-log';

const controllerId = 'telco-no';
const entry = (i: number, overrides: Partial<AuditEntryInput> = {}): AuditEntryInput => ({
  actor: `officer-${i}`,
  action: 'customer.anonymized',
  scope: { controllerId, customerIds: [randomUUID()], mode: 'full', customersAffected: 1, keysDestroyed: 2 },
  certificateId: randomUUID(),
  reasonCode: 'data-subject-request',
  reference: `TICKET-${i}`,
  ...overrides,
});

/** The chain link as the documented definition states it, computed without the lib's own code. */
function documentedHash(e: AuditEntry): string {
  const { seq, at, actor, action, scope, certificateId, reasonCode, reference } = e;
  const hash = createHash('sha256');
  if (e.prevHash) hash.update(Buffer.from(e.prevHash, 'hex'));
  return hash.update(canonicalize({ seq, at, actor, action, scope, certificateId, reasonCode, reference })!, 'utf8').digest('hex');
}

function expectChained(entries: AuditEntry[]): void {
  expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
  entries.forEach((e, i) => {
    expect(e.prevHash).toBe(i === 0 ? null : entries[i - 1].hash);
    expect(e.hash).toBe(documentedHash(e));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the audit log', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let now = new Date('2026-12-03T10:00:00.000Z');
  const clock: ComplianceClock = { now: () => now };
  let log: AuditLog;

  beforeAll(async () => {
    ({ database, dataSource } = await openMigratedDatabase(24));
    log = new AuditLog(dataSource, clock);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  const append = (input: AuditEntryInput) => dataSource.transaction((tx) => log.append(tx, input));
  const all = async () => {
    const rows: { seq: string }[] = await dataSource.query('SELECT seq FROM compliance.audit_log ORDER BY seq');
    return Promise.all(rows.map((row) => log.entry(Number(row.seq)))) as Promise<AuditEntry[]>;
  };

  it('chains each entry to the previous one by the documented hash, and verifies', async () => {
    expect(await log.verify()).toEqual({ ok: true, entries: 0, head: null });
    expect(await log.head()).toBeNull();
    const appended: AuditEntry[] = [];
    for (let i = 1; i <= 5; i += 1) appended.push(await append(entry(i)));
    expectChained(appended);
    expect(appended[0]).toMatchObject({ seq: 1, at: '2026-12-03T10:00:00.000Z', actor: 'officer-1', controllerId, prevHash: null });
    expect(await all()).toEqual(appended);
    expect(await log.head()).toEqual({ seq: 5, hash: appended[4].hash });
    expect(await log.verify({ batchSize: 2 })).toEqual({ ok: true, entries: 5, head: { seq: 5, hash: appended[4].hash } });
  });

  it('never dates an entry before the previous one, so time order follows seq', async () => {
    const [head] = (await all()).slice(-1);
    now = new Date(Date.parse(head.at) - 60_000); // this instance's clock is a minute behind
    const next = await append(entry(6));
    expect(next.at).toBe(head.at);
    now = new Date('2026-12-03T11:00:00.000Z');
  });

  it('refuses an append outside a transaction and values that are not ids, counts or codes, writing nothing', async () => {
    const before = (await log.head())!;
    await expect(log.append(dataSource.manager, entry(7))).rejects.toThrow("runs in the caller's transaction");
    await expect(append(entry(7, { actor: 'kari.nordmann@example.no' }))).rejects.toThrow(InvalidComplianceRecord);
    await expect(append(entry(7, { scope: { controllerId, name: 'Kari Nordmann' } }))).rejects.toThrow(InvalidComplianceRecord);
    expect(await log.head()).toEqual(before);
  });

  it('N concurrent appends get seq head+1..head+N, each linked to the one before: the chain never forks', async () => {
    const start = (await log.head())!;
    const n = 20;
    let begun = 0;
    let release!: () => void;
    const allBegun = new Promise<void>((resolve) => (release = resolve));
    // Every transaction is open (and has read something) before any appends, and each holds its
    // transaction a moment after appending: without the lock they would read the same head.
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        dataSource.transaction(async (tx) => {
          await tx.query('SELECT 1');
          if (++begun === n) release();
          await allBegun;
          const appended = await log.append(tx, entry(100 + i));
          await sleep(5);
          return appended;
        }),
      ),
    );
    const seqs = results.map((r) => r.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: n }, (_, i) => start.seq + 1 + i));
    const stored = (await all()).filter((e) => e.seq > start.seq);
    expect(stored[0].prevHash).toBe(start.hash);
    expectChained([...(await all())]);
    expect(await log.verify({ batchSize: 7 })).toMatchObject({ ok: true, entries: start.seq + n });
  }, 30_000);

  it('a second append waits for the first transaction: after its commit it links to its entry, after its rollback it takes its seq', async () => {
    for (const outcome of ['commit', 'rollback'] as const) {
      const before = (await log.head())!;
      const first = dataSource.createQueryRunner();
      await first.connect();
      await first.startTransaction();
      try {
        const a = await log.append(first.manager, entry(200));
        const second = dataSource.transaction((tx: EntityManager) => log.append(tx, entry(201)));
        await waitForLockWaiter(dataSource, await backendPid(first.manager));
        if (outcome === 'commit') await first.commitTransaction();
        else await first.rollbackTransaction();
        const b = await second;
        if (outcome === 'commit') expect(b).toMatchObject({ seq: a.seq + 1, prevHash: a.hash });
        else expect(b).toMatchObject({ seq: before.seq + 1, prevHash: before.hash });
      } finally {
        await first.release();
      }
    }
    expect(await log.verify()).toMatchObject({ ok: true });
  });

  it.each([
    ['UPDATE', `UPDATE compliance.audit_log SET actor = 'forged'`],
    ['UPDATE', `UPDATE compliance.audit_log SET actor = 'forged' WHERE false`],
    ['DELETE', 'DELETE FROM compliance.audit_log'],
    ['DELETE', 'DELETE FROM compliance.audit_log WHERE false'],
    ['TRUNCATE', 'TRUNCATE compliance.audit_log'],
  ])('refuses %s (%s), even for a superuser, and leaves the log as it was', async (operation, sql) => {
    const before = await log.verify();
    await expect(dataSource.query(sql)).rejects.toThrow(`compliance.audit_log is append-only: ${operation} refused`);
    expect(await log.verify()).toEqual(before);
  });

  describe('an entry changed with the trigger switched off', () => {
    /** Runs `sql` with the append-only trigger disabled, as only an owner or superuser can. */
    const tamper = (...statements: (string | [string, unknown[]])[]) =>
      dataSource.transaction(async (tx) => {
        await tx.query('ALTER TABLE compliance.audit_log DISABLE TRIGGER audit_log_append_only');
        for (const statement of statements) await (typeof statement === 'string' ? tx.query(statement) : tx.query(...statement));
        await tx.query('ALTER TABLE compliance.audit_log ENABLE TRIGGER audit_log_append_only');
      });
    let original: Record<string, unknown>;
    beforeAll(async () => {
      [original] = await dataSource.query('SELECT * FROM compliance.audit_log WHERE seq = 3');
    });
    const restore = () =>
      tamper('DELETE FROM compliance.audit_log WHERE seq = 3', [
        'INSERT INTO compliance.audit_log SELECT * FROM jsonb_populate_record(NULL::compliance.audit_log, $1::jsonb)',
        [JSON.stringify({ ...original, prev_hash: `\\x${(original.prev_hash as Buffer).toString('hex')}`, hash: `\\x${(original.hash as Buffer).toString('hex')}` })],
      ]);

    it.each([
      ['its content', `UPDATE compliance.audit_log SET actor = 'someone-else' WHERE seq = 3`, { brokenAt: 3, reason: 'hash-mismatch' }],
      ['its scope', `UPDATE compliance.audit_log SET scope = scope || '{"customersAffected": 0}' WHERE seq = 3`, { brokenAt: 3, reason: 'hash-mismatch' }],
      ['its time', `UPDATE compliance.audit_log SET at = at + interval '1 second' WHERE seq = 3`, { brokenAt: 3, reason: 'hash-mismatch' }],
      ['its controller column (to hide it from a scoped reader)', `UPDATE compliance.audit_log SET controller_id = 'other' WHERE seq = 3`, { brokenAt: 3, reason: 'controller-mismatch' }],
      ['its link', `UPDATE compliance.audit_log SET prev_hash = sha256(prev_hash) WHERE seq = 3`, { brokenAt: 3, reason: 'prev-hash-mismatch' }],
      ['deleted', `DELETE FROM compliance.audit_log WHERE seq = 3`, { brokenAt: 3, reason: 'missing-entry' }],
    ])('is reported at its seq: %s', async (_, sql, broken) => {
      await tamper(sql);
      try {
        expect(await log.verify({ batchSize: 2 })).toEqual({ ok: false, ...broken });
      } finally {
        await restore();
      }
      expect(await log.verify({ batchSize: 2 })).toMatchObject({ ok: true });
    });

    it('is reported at the next seq when its hash was recomputed for the new content: the link to it breaks', async () => {
      const forged = { ...(await log.entry(3))!, actor: 'someone-else' };
      const hash = documentedHash(forged);
      await tamper([`UPDATE compliance.audit_log SET actor = $1, hash = $2 WHERE seq = 3`, [forged.actor, Buffer.from(hash, 'hex')]]);
      try {
        expect(await log.verify({ batchSize: 2 })).toEqual({ ok: false, brokenAt: 4, reason: 'prev-hash-mismatch' });
      } finally {
        await restore();
      }
      expect(await log.verify({ batchSize: 2 })).toMatchObject({ ok: true });
    });
  });
});
