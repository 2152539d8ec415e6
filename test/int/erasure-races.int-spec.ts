import { randomUUID } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ErasureLedger, type IndexEntry, isErased, type SealedBlob } from '@app/crypto-shredding';
import type { QueryRunner } from 'typeorm';
import { type CryptoContext, enroll, type EnrolledCustomer, eventContext, startCryptoContext, useCryptoContext } from '../support/crypto-context';
import { backendPid, waitForLockWaiter } from '../support/lock-waits';
import { ROOT, start } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

// The interleavings an adversarial review reproduced against the erasure guarantees, each driven
// with two connections (the waiter is seen in pg_stat_activity before the other side commits).

const controllerId = 'controller-races';

type KeyRow = { key_id: string; wrapped: Buffer; kek_version: number };

async function sealOne(ctx: CryptoContext, customer: EnrolledCustomer, plain: Record<string, string>) {
  const context = eventContext(customer.customerId);
  return { sealed: (await ctx.sealer.seal(customer.contentKeyId, plain, context)) as SealedBlob, context };
}

/** What a database backup taken before the erasure holds for these keys. */
async function backupOf(ctx: CryptoContext, campaignId: string): Promise<KeyRow[]> {
  return ctx.dataSource.query(`SELECT key_id, wrapped, kek_version FROM crypto.data_keys WHERE campaign_id = $1`, [campaignId]);
}

async function restoreBackup(ctx: CryptoContext, rows: KeyRow[]): Promise<void> {
  for (const row of rows) {
    await ctx.dataSource.query(
      `UPDATE crypto.data_keys SET wrapped = $2, kek_version = $3, destroyed_at = NULL, destroyed_by = NULL, destroyed_certificate = NULL WHERE key_id = $1`,
      [row.key_id, row.wrapped, row.kek_version],
    );
  }
}

async function liveKeys(ctx: CryptoContext, campaignId: string): Promise<number> {
  const [{ live }] = await ctx.dataSource.query(`SELECT count(*)::int AS live FROM crypto.data_keys WHERE campaign_id = $1 AND wrapped IS NOT NULL`, [campaignId]);
  return live;
}

async function openTransaction(ctx: CryptoContext): Promise<{ runner: QueryRunner; pid: number }> {
  const runner = ctx.dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  return { runner, pid: await backendPid(runner.manager) };
}

describe('erasure ledger settled by the destroying transaction’s fate', () => {
  // Each test is a deployment of its own: its own database and keyring folder.
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(() => database.drop());

  it('a second instance starting while a destroy is uncommitted keeps its intent, so a restored backup is erased again', async () => {
    const a = await startCryptoContext(database.url);
    const campaignId = randomUUID();
    const [customer] = await enroll(a, campaignId, controllerId, 1);
    const blob = await sealOne(a, customer, { name: 'Race Person' });
    const backup = await backupOf(a, campaignId);

    // Instance A: the destroy has written its intent; its transaction is still open.
    const { runner } = await openTransaction(a);
    const result = await a.shredder.destroy(runner.manager, { campaignId, scopes: ['content', 'reference'] }, { actor: 'compliance' });
    // Instance B shares the keyring folder (api and worker) and starts now: its restore guard runs.
    const b = await startCryptoContext(database.url, { dataDir: a.dataDir });
    try {
      expect((await a.ledger.read()).pending.map((e) => e.id)).toEqual([result.ledgerEntry!.id]);
      await runner.commitTransaction();
      await runner.release();
      await a.shredder.confirm(result, { vacuum: false });
      expect((await a.ledger.read()).committed.map((e) => e.id)).toContain(result.ledgerEntry!.id);
    } finally {
      await b.close();
      await a.close({ keepDataDir: true });
    }

    // The database is restored from the backup taken before the erasure; the app starts.
    const restorer = await startCryptoContext(database.url, { dataDir: a.dataDir });
    await restoreBackup(restorer, backup);
    await restorer.close({ keepDataDir: true });
    const restarted = await startCryptoContext(database.url, { dataDir: a.dataDir });
    try {
      expect(await liveKeys(restarted, campaignId)).toBe(0);
      expect(isErased(await restarted.sealer.open(blob.sealed, blob.context))).toBe(true);
    } finally {
      await restarted.close();
      await rm(a.dataDir, { recursive: true, force: true });
    }
  });

  it('SIGKILL between the database commit and the commit mark, then a restore: the key is destroyed again at start', async () => {
    const setup = await startCryptoContext(database.url);
    const campaignId = randomUUID();
    const [customer] = await enroll(setup, campaignId, controllerId, 2);
    const blob = await sealOne(setup, customer, { name: 'Crash Person' });
    const backup = await backupOf(setup, campaignId);
    await setup.close({ keepDataDir: true });

    const child = start([join(ROOT, 'test/fixtures/destroy-then-hang.cjs'), database.url, setup.dataDir, campaignId], process.env);
    await new Promise<void>((resolve, reject) => {
      child.child.stdout!.on('data', () => child.output().includes('committed\n') && resolve());
      void child.exited.then((finished) => reject(new Error(`the child exited first: ${finished.stderr}`)));
    });
    child.child.kill('SIGKILL');
    expect((await child.exited).signal).toBe('SIGKILL');

    const ledgerFile = join(setup.dataDir, 'erasure-ledger.jsonl');
    const lines = (await readFile(ledgerFile, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual([expect.objectContaining({ op: 'intent', xid: expect.stringMatching(/^\d+$/) })]);

    const restorer = await startCryptoContext(database.url, { dataDir: setup.dataDir });
    await restoreBackup(restorer, backup);
    await restorer.close({ keepDataDir: true });
    // Whichever instance starts first settles the intent: committed, so the erasure stands.
    const restarted = await startCryptoContext(database.url, { dataDir: setup.dataDir });
    try {
      expect(await liveKeys(restarted, campaignId)).toBe(0);
      expect(isErased(await restarted.sealer.open(blob.sealed, blob.context))).toBe(true);
      expect((await restarted.ledger.read()).pending).toEqual([]);
    } finally {
      await restarted.close();
      await rm(setup.dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('an intent whose transaction this cluster never ran (a restored backup) counts as committed', async () => {
    const ctx = await startCryptoContext(database.url);
    const campaignId = randomUUID();
    const customers = await enroll(ctx, campaignId, controllerId, 2);
    const [{ future }] = await ctx.dataSource.query(`SELECT (pg_current_xact_id()::text::numeric + 1000000)::text AS future`);
    const ledgerFile = join(ctx.dataDir, 'erasure-ledger.jsonl');
    await appendFile(ledgerFile, `${JSON.stringify({ op: 'intent', id: randomUUID(), at: new Date().toISOString(), keyIds: [customers[0].contentKeyId], kekVersions: [1], xid: future })}\n`);
    await ctx.close({ keepDataDir: true });

    const restarted = await startCryptoContext(database.url, { dataDir: ctx.dataDir });
    try {
      const [{ destroyed }] = await restarted.dataSource.query(
        `SELECT array_agg(key_id::text ORDER BY key_id) FILTER (WHERE wrapped IS NULL) AS destroyed FROM crypto.data_keys WHERE campaign_id = $1`,
        [campaignId],
      );
      expect(destroyed).toEqual([customers[0].contentKeyId]);
      expect((await restarted.ledger.read()).pending).toEqual([]);
    } finally {
      await restarted.close();
      await rm(ctx.dataDir, { recursive: true, force: true });
    }
  });

  it('two processes appending 1,000 lines each while a third compacts: no line is lost', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ledger-race-'));
    const file = join(folder, 'erasure-ledger.jsonl');
    const worker = join(ROOT, 'test/fixtures/ledger-worker.cjs');
    const compactor = start([worker, 'compact', file], process.env, { stdin: 'pipe' });
    const appenders = [start([worker, 'append', file, '1000'], process.env), start([worker, 'append', file, '1000'], process.env)];
    const appended = await Promise.all(appenders.map((p) => p.exited));
    compactor.child.stdin?.end();
    expect(appended.map((f) => f.code)).toEqual([0, 0]);
    const ids: string[] = appended.flatMap((f) => JSON.parse(f.stdout));
    expect(ids).toHaveLength(1000);
    const compacted = await compactor.exited;
    expect(compacted.code).toBe(0);
    // The compactions really ran alongside the appends.
    expect(Number(compacted.stdout)).toBeGreaterThan(20);

    const ledger = await new ErasureLedger(file).read();
    await rm(folder, { recursive: true, force: true });
    expect(ledger.pending).toEqual([]);
    expect(new Set(ledger.committed.map((e) => e.id))).toEqual(new Set(ids));
  }, 120_000);
});

describe('blind-index rows racing a shred', () => {
  const context = useCryptoContext();

  const emailEntry = (campaignId: string, customer: EnrolledCustomer, value: string): IndexEntry => ({
    customerId: customer.customerId, campaignId, controllerId, keyId: customer.contentKeyId, kind: 'email', value,
  });

  it.each([
    ['a campaign anonymization', (campaignId: string) => ({ campaignId, scopes: ['content' as const] })],
    ['a customer anonymization', (_: string, customer: EnrolledCustomer) => ({ customerIds: [customer.customerId], scopes: ['content' as const] })],
  ])('an e-mail changed by a PATCH that commits while %s waits is not findable afterwards', async (_name, selectorOf) => {
    const campaignId = randomUUID();
    const [customer] = await enroll(context.ctx, campaignId, controllerId, 1);
    const [before, after] = [`old-${randomUUID()}@example.no`, `new-${randomUUID()}@example.no`];
    await context.ctx.dataSource.transaction((tx) => context.ctx.blindIndex.put(tx, [emailEntry(campaignId, customer, before)]));

    // The PATCH, as its handler writes: key row FOR SHARE, old e-mail row out, new one in.
    const patch = await openTransaction(context.ctx);
    await context.ctx.keyspaces.lockCustomerKey(patch.runner.manager, customer.contentKeyId);
    await context.ctx.blindIndex.remove(patch.runner.manager, customer.customerId, ['email']);
    await context.ctx.blindIndex.put(patch.runner.manager, [emailEntry(campaignId, customer, after)]);

    const shred = context.ctx.shredder.destroyNow(selectorOf(campaignId, customer), { actor: 'compliance' }, { vacuum: false });
    await waitForLockWaiter(context.ctx.dataSource, patch.pid);
    await patch.runner.commitTransaction();
    await patch.runner.release();
    expect((await shred).keyIds).toEqual([customer.contentKeyId]);

    expect(await context.ctx.blindIndex.find(controllerId, 'email', after)).toEqual([]);
    expect(await context.ctx.blindIndex.find(controllerId, 'email', before)).toEqual([]);
    const [{ rows }] = await context.ctx.dataSource.query(`SELECT count(*)::int AS rows FROM crypto.blind_index WHERE customer_id = $1 AND kind = 'email'`, [customer.customerId]);
    expect(rows).toBe(0);
  });

  it('a re-index writing a customer whose key is being destroyed waits and leaves no row', async () => {
    const campaignId = randomUUID();
    const [customer] = await enroll(context.ctx, campaignId, controllerId, 1);
    const email = `reindex-${randomUUID()}@example.no`;
    await context.ctx.dataSource.transaction((tx) => context.ctx.blindIndex.put(tx, [emailEntry(campaignId, customer, email)]));

    const shred = await openTransaction(context.ctx);
    const result = await context.ctx.shredder.destroy(shred.runner.manager, { customerIds: [customer.customerId], scopes: ['content'] }, { actor: 'compliance' });
    // A rotation's re-index read the identifiers before the erasure and writes them now.
    const reindex = context.ctx.dataSource.transaction((tx) => context.ctx.blindIndex.put(tx, [emailEntry(campaignId, customer, email)], { replace: true }));
    await waitForLockWaiter(context.ctx.dataSource, shred.pid);
    await shred.runner.commitTransaction();
    await shred.runner.release();
    await context.ctx.shredder.confirm(result, { vacuum: false });
    await reindex;

    expect(await context.ctx.blindIndex.find(controllerId, 'email', email)).toEqual([]);
  });

  it('a customerRef freed by a customer anonymization is taken by an enrollment that waited for it', async () => {
    const campaignId = randomUUID();
    const [holder, newcomer] = await enroll(context.ctx, campaignId, controllerId, 2);
    const ref = `CRM-${randomUUID()}`;
    const refEntry = (c: EnrolledCustomer): IndexEntry => ({ customerId: c.customerId, campaignId, controllerId, keyId: c.referenceKeyId, kind: 'customer_ref', value: ref });
    await context.ctx.dataSource.transaction((tx) => context.ctx.blindIndex.put(tx, [refEntry(holder)]));

    const shred = await openTransaction(context.ctx);
    const result = await context.ctx.shredder.destroy(shred.runner.manager, { customerIds: [holder.customerId], scopes: ['content'] }, { actor: 'compliance' });
    const enrollment = context.ctx.dataSource.transaction((tx) => context.ctx.blindIndex.put(tx, [refEntry(newcomer)]));
    await waitForLockWaiter(context.ctx.dataSource, shred.pid);
    await shred.runner.commitTransaction();
    await shred.runner.release();
    await context.ctx.shredder.confirm(result, { vacuum: false });
    await enrollment;

    const found = await context.ctx.blindIndex.find(controllerId, 'customer_ref', ref);
    expect(found.sort((x, y) => Number(y.live) - Number(x.live))).toEqual([
      { customerId: newcomer.customerId, campaignId, live: true },
      { customerId: holder.customerId, campaignId, live: false },
    ]);
  });
});

describe('rotation activation racing a writer', () => {
  const context = useCryptoContext();

  it('an enrollment that read the old KEK and index key before activation is re-wrapped and re-indexed, never left under retired material', async () => {
    const campaignId = randomUUID();
    const existing = await enroll(context.ctx, campaignId, controllerId, 3);
    const email = `writer-${randomUUID()}@example.no`;

    // The writer reads the active versions, as enrollment does, and has not committed yet.
    const writer = await openTransaction(context.ctx);
    const tx = writer.runner.manager;
    await context.ctx.keyspaces.lockForWrite(tx, campaignId);
    const kek = await context.ctx.keyring.wrappingKek(tx);
    const indexKey = await context.ctx.keyring.activeIndexKey(tx);
    const customerId = randomUUID();
    const owners = (['content', 'reference'] as const).map((scope) => ({ scope, subjectId: customerId, campaignId, controllerId }));
    const keys = context.ctx.store.prepareMany(kek, owners);
    const entry: IndexEntry = { customerId, campaignId, controllerId, keyId: keys.created[0].keyId, kind: 'email', value: email };

    const rotationId = await context.ctx.rotation.start('admin');
    const rotation = context.ctx.rotation.run(rotationId, {
      reindexSource: { async *liveIdentifiers() { yield [entry]; } },
    });
    // Either the activation waits for the writer (the fix), or the rotation runs to the end first.
    const blocked = await Promise.race([waitForLockWaiter(context.ctx.dataSource, writer.pid, 30_000).then(() => true), rotation.then(() => false)]);
    await context.ctx.store.insertPrepared(tx, keys);
    await context.ctx.blindIndex.insertPrepared(tx, context.ctx.blindIndex.prepareRows(indexKey, [entry]));
    await writer.runner.commitTransaction();
    await writer.runner.release();
    const status = await rotation;

    expect(blocked).toBe(true);
    expect(status.phase).toBe('done');
    const [{ old }] = await context.ctx.dataSource.query(`SELECT count(*)::int AS old FROM crypto.data_keys WHERE wrapped IS NOT NULL AND kek_version <> $1`, [status.kekVersion]);
    expect(old).toBe(0);
    context.ctx.cache.flush();
    const customer = { customerId, contentKeyId: keys.created[0].keyId, referenceKeyId: keys.created[1].keyId };
    const blob = await sealOne(context.ctx, customer, { name: 'Writer Person' });
    expect(await context.ctx.sealer.open(blob.sealed, blob.context)).toEqual({ name: 'Writer Person' });
    expect(await context.ctx.blindIndex.find(controllerId, 'email', email)).toEqual([{ customerId, campaignId, live: true }]);
    const others = await Promise.all(existing.map((c, i) => sealOne(context.ctx, c, { name: `Existing ${i}` })));
    expect(await context.ctx.sealer.openMany(others)).toEqual(existing.map((_, i) => ({ name: `Existing ${i}` })));
  }, 60_000);
});
