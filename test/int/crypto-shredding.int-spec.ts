import { randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type IndexEntry, IntegrityError, type LedgerEntry, isErased, KEK_PROVIDER, type KekProvider, KekUnavailable, KeyDestroyed, KeyspaceClosed, type SealedBlob } from '@app/crypto-shredding';
import { type CryptoContext, enroll, type EnrolledCustomer, eventContext, startCryptoContext } from '../support/crypto-context';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const controllerId = 'controller-1';

async function sealFor(ctx: CryptoContext, customers: EnrolledCustomer[]) {
  const contexts = customers.map((c) => eventContext(c.customerId));
  const sealed = await ctx.sealer.sealMany(customers.map((c, i) => ({ keyId: c.contentKeyId, plain: { name: `Person ${i}`, email: `p${i}@example.no` }, context: contexts[i] })));
  return customers.map((c, i) => ({ customer: c, sealed: sealed[i], context: contexts[i] }));
}

async function openAll(ctx: CryptoContext, blobs: { sealed: SealedBlob; context: ReturnType<typeof eventContext> }[]) {
  return ctx.sealer.openMany(blobs.map((b) => ({ sealed: b.sealed, context: b.context })));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('crypto-shredding core on PostgreSQL', () => {
  let database: TestDatabase;
  let ctx: CryptoContext;

  beforeAll(async () => {
    database = await createTestDatabase();
    ctx = await startCryptoContext(database.url);
  });
  afterAll(async () => {
    await ctx.close();
    await database.drop();
  });

  it('destroying a campaign erases every blob of its customers and leaves other campaigns alone', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const inA = await sealFor(ctx, await enroll(ctx, a, controllerId, 20));
    const inB = await sealFor(ctx, await enroll(ctx, b, controllerId, 5));
    expect(await openAll(ctx, inA)).toEqual(inA.map((_, i) => ({ name: `Person ${i}`, email: `p${i}@example.no` })));

    const result = await ctx.shredder.destroyNow({ campaignId: a, scopes: ['content', 'reference'] }, { actor: 'compliance-officer', certificateId: 'cert-1' });
    expect({ keys: result.keysDestroyed, customers: result.customersAffected }).toEqual({ keys: 40, customers: 20 });

    expect((await openAll(ctx, inA)).every(isErased)).toBe(true);
    expect(await openAll(ctx, inB)).toEqual(inB.map((_, i) => ({ name: `Person ${i}`, email: `p${i}@example.no` })));
    const [tombstones] = await ctx.dataSource.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE destroyed_by = 'compliance-officer' AND destroyed_certificate = 'cert-1')::int AS signed
         FROM crypto.data_keys WHERE campaign_id = $1 AND wrapped IS NULL`,
      [a],
    );
    expect(tombstones).toEqual({ n: 40, signed: 40 });
    expect(await ctx.keyspaces.status(ctx.dataSource.manager, a)).toBe('anonymized');
    // A repeat finds nothing left to destroy.
    expect((await ctx.shredder.destroyNow({ campaignId: a, scopes: ['content', 'reference'] }, { actor: 'x' })).keysDestroyed).toBe(0);
    // Writes to the anonymized campaign are refused.
    await expect(enroll(ctx, a, controllerId, 1)).rejects.toThrow(KeyspaceClosed);
  });

  it('the destroying instance refuses to open as soon as the destroy returns, before its own NOTIFY arrives', async () => {
    const campaign = randomUUID();
    const [blob] = await sealFor(ctx, await enroll(ctx, campaign, controllerId, 1));
    expect(await ctx.sealer.open(blob.sealed, blob.context)).toEqual({ name: 'Person 0', email: 'p0@example.no' });
    // Hold the notification back: the LISTEN connection stops listening for a moment.
    const listener = (ctx.cache as unknown as { listener: { query(sql: string): Promise<unknown> } }).listener;
    await listener.query('UNLISTEN crypto_keys_destroyed');
    try {
      await ctx.shredder.destroyNow({ customerIds: [blob.customer.customerId], scopes: ['content'] }, { actor: 'x' }, { vacuum: false });
      expect(isErased(await ctx.sealer.open(blob.sealed, blob.context))).toBe(true);
    } finally {
      await listener.query('LISTEN crypto_keys_destroyed');
    }
  });

  it('opens many events of few customers with one key lookup per customer, in one round trip', async () => {
    const campaign = randomUUID();
    const customers = await enroll(ctx, campaign, controllerId, 3);
    const requests = Array.from({ length: 300 }, (_, i) => ({ keyId: customers[i % 3].contentKeyId, plain: { body: `sms ${i}` }, context: eventContext(customers[i % 3].customerId) }));
    const sealed = await ctx.sealer.sealMany(requests);
    ctx.cache.flush();
    const original = ctx.store.rows.bind(ctx.store);
    const lookups: number[] = [];
    ctx.store.rows = (keyIds, db) => {
      lookups.push(keyIds.length);
      return original(keyIds, db);
    };
    try {
      const opened = await ctx.sealer.openMany(sealed.map((blob, i) => ({ sealed: blob, context: requests[i].context })));
      expect(opened).toEqual(requests.map((r) => r.plain));
      expect(lookups).toEqual([3]);
    } finally {
      ctx.store.rows = original;
    }
  });

  it('get-or-create gives one key per (subject, scope), also when two transactions race for it', async () => {
    const owner = { scope: 'seller' as const, subjectId: `seller-${randomUUID()}`, campaignId: null, controllerId: null };
    const results = await Promise.all([0, 1, 2, 3].map(() => ctx.dataSource.transaction((tx) => ctx.store.getOrCreate(tx, owner))));
    expect(new Set(results.map((r) => r.keyId)).size).toBe(1);
    expect(results.every((r) => !r.destroyed)).toBe(true);
    const sealed = await ctx.sealer.seal(results[0].keyId, { name: 'Seller Name' }, { kind: 'event', streamId: `seller-${owner.subjectId}`, eventId: 'e1', slot: 'personal' });
    expect(await ctx.sealer.open(sealed, { kind: 'event', streamId: `seller-${owner.subjectId}`, eventId: 'e1', slot: 'personal' })).toEqual({ name: 'Seller Name' });
  });

  it('destroys a seller key (staff erasure) without touching customer keys or index rows', async () => {
    const sellerId = `seller-${randomUUID()}`;
    const key = await ctx.dataSource.transaction((tx) => ctx.store.getOrCreate(tx, { scope: 'seller', subjectId: sellerId, campaignId: null, controllerId: null }));
    const campaign = randomUUID();
    const [customer] = await enroll(ctx, campaign, controllerId, 1);
    await ctx.dataSource.transaction((tx) => ctx.blindIndex.put(tx, [{ customerId: customer.customerId, campaignId: campaign, controllerId, keyId: customer.contentKeyId, kind: 'email', value: 'staff-test@example.no' }]));
    const result = await ctx.shredder.destroyNow({ sellerIds: [sellerId] }, { actor: 'hr' }, { vacuum: false });
    expect(result).toMatchObject({ keysDestroyed: 1, customersAffected: 0, keyIds: [key.keyId] });
    expect(await ctx.blindIndex.find(controllerId, 'email', 'staff-test@example.no')).toEqual([{ customerId: customer.customerId, campaignId: campaign, live: true }]);
  });

  it("a customerRef is unique among a campaign's live customers only", async () => {
    const campaign = randomUUID();
    const [first, second, third] = await enroll(ctx, campaign, controllerId, 3);
    const refEntry = (c: EnrolledCustomer, value: string): IndexEntry => ({ customerId: c.customerId, campaignId: campaign, controllerId, keyId: c.referenceKeyId, kind: 'customer_ref', value });
    await ctx.dataSource.transaction((tx) => ctx.blindIndex.put(tx, [refEntry(first, 'CRM-1')]));
    await expect(ctx.dataSource.transaction((tx) => ctx.blindIndex.put(tx, [refEntry(second, ' CRM-1 ')]))).rejects.toMatchObject({ code: '23505' });
    // Standard anonymization of the first customer (content key) frees the reference for a new customer.
    await ctx.shredder.destroyNow({ customerIds: [first.customerId], scopes: ['content'] }, { actor: 'x' }, { vacuum: false });
    await ctx.dataSource.transaction((tx) => ctx.blindIndex.put(tx, [refEntry(second, 'CRM-1')]));
    // Both are still found by the reference (access and erasure requests), only one is live.
    const found = await ctx.blindIndex.find(controllerId, 'customer_ref', 'CRM-1');
    expect(found.sort((a, b) => Number(b.live) - Number(a.live))).toEqual([
      { customerId: second.customerId, campaignId: campaign, live: true },
      { customerId: first.customerId, campaignId: campaign, live: false },
    ]);
    await expect(ctx.dataSource.transaction((tx) => ctx.blindIndex.put(tx, [refEntry(third, 'CRM-1')]))).rejects.toMatchObject({ code: '23505' });
    // Full anonymization (reference key) removes the row: the first customer is no longer found.
    await ctx.shredder.destroyNow({ customerIds: [first.customerId], scopes: ['reference'] }, { actor: 'x' }, { vacuum: false });
    expect(await ctx.blindIndex.find(controllerId, 'customer_ref', 'CRM-1')).toEqual([{ customerId: second.customerId, campaignId: campaign, live: true }]);
  });

  it('a wrapped-key row whose campaign id was edited by SQL no longer unwraps', async () => {
    const campaign = randomUUID();
    const [blob] = await sealFor(ctx, await enroll(ctx, campaign, controllerId, 1));
    await ctx.dataSource.query(`UPDATE crypto.data_keys SET campaign_id = $2 WHERE key_id = $1`, [blob.customer.contentKeyId, randomUUID()]);
    ctx.cache.flush();
    await expect(ctx.sealer.open(blob.sealed, blob.context)).rejects.toThrow(IntegrityError);
    // Put back, it opens again: the binding, not the edit's side effects, refused it.
    await ctx.dataSource.query(`UPDATE crypto.data_keys SET campaign_id = $2 WHERE key_id = $1`, [blob.customer.contentKeyId, campaign]);
    ctx.cache.flush();
    expect(await ctx.sealer.open(blob.sealed, blob.context)).toEqual({ name: 'Person 0', email: 'p0@example.no' });
  });

  it('8 concurrent writers racing a campaign destroy: afterwards no live key of the campaign exists', async () => {
    const campaign = randomUUID();
    const existing = await enroll(ctx, campaign, controllerId, 40);
    const outcomes = { appended: 0, enrolled: 0, keyDestroyed: 0, keyspaceClosed: 0 };
    let destroyed = false;
    const refusedWriters = new Set<number>();
    // Driven by what happened, not by the clock: the destroy starts once writes are landing, and
    // each writer goes on until it has been refused after the destroy (or a generous cap).
    const cap = Date.now() + 15_000;

    const writer = async (index: number) => {
      for (let round = 0; !(destroyed && refusedWriters.has(index)) && Date.now() < cap; round += 1) {
        try {
          await ctx.dataSource.transaction(async (tx) => {
            if ((index + round) % 2 === 0) {
              const customer = existing[(index * 7 + round) % existing.length];
              await ctx.keyspaces.lockCustomerKey(tx, customer.contentKeyId);
              await ctx.sealer.seal(customer.contentKeyId, { note: `w${index}` }, eventContext(customer.customerId));
              outcomes.appended += 1;
            } else {
              await enroll(ctx, campaign, controllerId, 3, tx);
              outcomes.enrolled += 1;
            }
            await sleep(2);
          });
        } catch (error) {
          if (error instanceof KeyDestroyed) outcomes.keyDestroyed += 1;
          else if (error instanceof KeyspaceClosed) outcomes.keyspaceClosed += 1;
          else throw error;
          refusedWriters.add(index);
        }
      }
    };
    const destroyer = async () => {
      while (outcomes.appended + outcomes.enrolled < 16 && Date.now() < cap) await sleep(5);
      await ctx.shredder.destroyNow({ campaignId: campaign, scopes: ['content', 'reference'] }, { actor: 'race' }, { vacuum: false });
      destroyed = true;
    };
    await Promise.all([...Array.from({ length: 8 }, (_, i) => writer(i)), destroyer()]);

    expect(destroyed).toBe(true);
    const [live] = await ctx.dataSource.query(
      `SELECT count(*) FILTER (WHERE wrapped IS NOT NULL)::int AS live, count(*)::int AS total FROM crypto.data_keys WHERE campaign_id = $1`,
      [campaign],
    );
    expect(live.live).toBe(0);
    // The race really happened: writes landed before the destroy and every writer was refused after it.
    expect(live.total).toBeGreaterThan(80);
    expect(outcomes.appended + outcomes.enrolled).toBeGreaterThanOrEqual(16);
    expect(refusedWriters.size).toBe(8);
    expect(outcomes.keyDestroyed + outcomes.keyspaceClosed).toBeGreaterThanOrEqual(8);
  }, 30_000);

  it('re-indexing, rotation racing destroys: destroyed keys stay destroyed, live ones open, retired material is gone', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const blobs = {
      a: await sealFor(ctx, await enroll(ctx, a, controllerId, 300)),
      b: await sealFor(ctx, await enroll(ctx, b, controllerId, 300)),
      c: await sealFor(ctx, await enroll(ctx, c, controllerId, 300)),
    };
    const indexed: IndexEntry[] = blobs.a.slice(0, 50).map(({ customer }, i) => ({
      customerId: customer.customerId, campaignId: a, controllerId, keyId: customer.contentKeyId, kind: 'email', value: `p${i}@example.no`,
    }));
    await ctx.dataSource.transaction((tx) => ctx.blindIndex.put(tx, indexed));
    const [snapshot] = await ctx.dataSource.query(`SELECT wrapped, kek_version FROM crypto.data_keys WHERE key_id = $1`, [blobs.a[0].customer.contentKeyId]);
    const oldKek = (await ctx.keyring.kek(snapshot.kek_version)).toString('base64');

    const ledgerBefore = await ctx.ledger.read();
    const rotationId = await ctx.rotation.start('admin');
    const status = await ctx.rotation.run(rotationId, {
      batchSize: 200,
      reindexSource: { async *liveIdentifiers() { yield indexed; } },
      afterRewrapBatch: async (batch) => {
        if (batch === 1) await ctx.shredder.destroyNow({ campaignId: b, scopes: ['content', 'reference'] }, { actor: 'mid-rotation' }, { vacuum: false });
      },
    });

    expect(status).toMatchObject({ phase: 'done', retiredVersions: [snapshot.kek_version] });
    // Ledger entries whose keys were wrapped only by retired versions are compacted away.
    const onlyOld = (entries: LedgerEntry[]) => entries.filter((entry) => entry.kekVersions.every((v) => v === snapshot.kek_version));
    expect(onlyOld(ledgerBefore.committed).length).toBeGreaterThan(0);
    const ledgerAfter = await ctx.ledger.read();
    expect(onlyOld(ledgerAfter.committed)).toEqual([]);
    expect(ledgerAfter.committed.every((entry) => entry.kekVersions.includes(status.kekVersion!))).toBe(true);
    expect(status.keysRewrapped).toBeGreaterThan(0);
    const [counts] = await ctx.dataSource.query(
      `SELECT count(*) FILTER (WHERE campaign_id = $1 AND wrapped IS NOT NULL)::int AS "liveInB",
              count(*) FILTER (WHERE wrapped IS NOT NULL AND kek_version <> $2)::int AS "oldLive"
         FROM crypto.data_keys`,
      [b, status.kekVersion],
    );
    expect(counts).toEqual({ liveInB: 0, oldLive: 0 });
    ctx.cache.flush();
    expect((await openAll(ctx, blobs.b)).every(isErased)).toBe(true);
    expect(await openAll(ctx, blobs.a)).toEqual(blobs.a.map((_, i) => ({ name: `Person ${i}`, email: `p${i}@example.no` })));
    expect((await openAll(ctx, blobs.c)).filter(isErased)).toHaveLength(0);

    const keyringText = await readFile(ctx.keyring.description.replace(/^keyring file /, ''), 'utf8');
    expect(keyringText).not.toContain(oldKek);
    expect(await ctx.blindIndex.find(controllerId, 'email', 'P7@Example.no')).toEqual([{ customerId: blobs.a[7].customer.customerId, campaignId: a, live: true }]);
    const [{ stale }] = await ctx.dataSource.query(`SELECT count(*)::int AS stale FROM crypto.blind_index WHERE index_key_version <> $1`, [status.indexKeyVersion]);
    expect(stale).toBe(0);

    // A row put back as it was before the rotation (an old backup) was wrapped by retired material.
    await ctx.dataSource.query(`UPDATE crypto.data_keys SET wrapped = $2, kek_version = $3 WHERE key_id = $1`, [blobs.a[0].customer.contentKeyId, snapshot.wrapped, snapshot.kek_version]);
    ctx.cache.flush();
    await expect(ctx.sealer.open(blobs.a[0].sealed, blobs.a[0].context)).rejects.toThrow(KekUnavailable);
  }, 60_000);
});

describe('several instances on one database', () => {
  let database: TestDatabase;
  let first: CryptoContext;
  let second: CryptoContext;

  beforeAll(async () => {
    database = await createTestDatabase();
    first = await startCryptoContext(database.url);
    // Same keyring folder: the second instance is another process of the same deployment.
    second = await startCryptoContext(database.url, { dataDir: first.dataDir });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
    await database.drop();
  });

  it("evicts the second instance's cached key within a second of the destroy committing", async () => {
    const campaign = randomUUID();
    const [blob] = await sealFor(first, await enroll(first, campaign, controllerId, 1));
    expect(await second.sealer.open(blob.sealed, blob.context)).toEqual({ name: 'Person 0', email: 'p0@example.no' });
    expect(second.cache.size).toBeGreaterThan(0);

    await first.shredder.destroyNow({ customerIds: [blob.customer.customerId], scopes: ['content'] }, { actor: 'x' }, { vacuum: false });
    const committed = Date.now();
    let elapsed = -1;
    while (Date.now() - committed < 5000) {
      if (isErased(await second.sealer.open(blob.sealed, blob.context))) {
        elapsed = Date.now() - committed;
        break;
      }
      await sleep(5);
    }
    expect(elapsed).toBeGreaterThanOrEqual(0);
    expect(elapsed).toBeLessThan(1000);
  });

  it('a cache fill racing the eviction does not survive it', async () => {
    const campaign = randomUUID();
    const [blob] = await sealFor(first, await enroll(first, campaign, controllerId, 1));
    second.cache.flush();
    // Hold the second instance's key read after it has read the (still live) row.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let readStarted!: () => void;
    const started = new Promise<void>((r) => (readStarted = r));
    const original = second.store.rows.bind(second.store);
    let calls = 0;
    second.store.rows = async (...args: Parameters<typeof original>) => {
      const rows = await original(...args);
      calls += 1;
      if (calls === 1) {
        readStarted();
        await gate;
      }
      return rows;
    };
    const evictionsBefore = second.cache.evictions;
    try {
      const opening = second.sealer.open(blob.sealed, blob.context);
      await started;
      await first.shredder.destroyNow({ customerIds: [blob.customer.customerId], scopes: ['content'] }, { actor: 'x' }, { vacuum: false });
      // Wait for the notification to reach the second instance, then let the stale fill finish.
      const deadline = Date.now() + 2000;
      while (second.cache.evictions === evictionsBefore && Date.now() < deadline) await sleep(5);
      expect(second.cache.evictions).toBeGreaterThan(evictionsBefore);
      release();
      expect(isErased(await opening)).toBe(true);
      expect(calls).toBeGreaterThanOrEqual(2);
      expect(isErased(await second.sealer.open(blob.sealed, blob.context))).toBe(true);
    } finally {
      second.store.rows = original;
      release();
    }
  });

  it('a killed LISTEN connection leads to a full flush', async () => {
    const campaign = randomUUID();
    const blobs = await sealFor(first, await enroll(first, campaign, controllerId, 5));
    await openAll(second, blobs);
    expect(second.cache.size).toBeGreaterThanOrEqual(5);
    const pid = await second.cache.listenerPid();
    expect(pid).toEqual(expect.any(Number));
    await first.dataSource.query('SELECT pg_terminate_backend($1)', [pid]);
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && (second.cache.isListening === true && (await second.cache.listenerPid()) === pid)) await sleep(10);
    expect(second.cache.size).toBe(0);
    while (Date.now() < deadline && !second.cache.isListening) await sleep(20);
    expect(second.cache.isListening).toBe(true);
    expect(await second.cache.listenerPid()).not.toBe(pid);
  });
});

describe('instances whose keyring files differ', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('the instance lacking the active KEK version refuses to wrap and says why', async () => {
    const current = await startCryptoContext(database.url);
    // The stale instance has yesterday's copy of the same keyring file.
    const staleDir = await mkdtemp(join(tmpdir(), 'stale-keyring-'));
    await copyFile(join(current.dataDir, 'keyring.json'), join(staleDir, 'keyring.json'));
    const stale = await startCryptoContext(database.url, { dataDir: staleDir });
    try {
      // The current deployment adds and activates version 2; the stale instance's file lacks it.
      const { kekVersion } = await current.app.get<KekProvider>(KEK_PROVIDER).addVersions();
      expect(kekVersion).toBe(2);
      await current.dataSource.query(`UPDATE crypto.keyring_state SET active_kek_version = 2`);
      await expect(enroll(stale, randomUUID(), controllerId, 1)).rejects.toThrow(KekUnavailable);
      await expect(enroll(stale, randomUUID(), controllerId, 1)).rejects.toThrow(/KEK version 2 is needed to wrap new data keys but keyring file .* lacks it/);
      const [{ v1 }] = await stale.dataSource.query(`SELECT count(*)::int AS v1 FROM crypto.data_keys WHERE kek_version = 1`);
      expect(v1).toBe(0);
      // The current instance reloads its provider and wraps under version 2.
      const [created] = await enroll(current, randomUUID(), controllerId, 1);
      const [{ kek_version }] = await current.dataSource.query(`SELECT kek_version FROM crypto.data_keys WHERE key_id = $1`, [created.contentKeyId]);
      expect(kek_version).toBe(2);
    } finally {
      await stale.close();
      await current.close();
      await rm(staleDir, { recursive: true, force: true });
    }
  });
});

describe('a keyring file with other material under the same version', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('stops the instance at start instead of wrapping keys nobody else could open', async () => {
    const first = await startCryptoContext(database.url);
    try {
      // Another instance generates its own keyring: also "version 1", other bytes.
      await expect(startCryptoContext(database.url)).rejects.toThrow(/holds other material under KEK version 1 than this database was written with/);
      const [{ n }] = await first.dataSource.query(`SELECT count(*)::int AS n FROM crypto.kek_fingerprints`);
      expect(n).toBe(1);
      // The instance with the right file is unaffected.
      await expect(enroll(first, randomUUID(), controllerId, 1)).resolves.toHaveLength(1);
    } finally {
      await first.close();
    }
  });
});

describe('restore guard', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('destroys again, at start, keys that a restored dump brought back', async () => {
    const ctx = await startCryptoContext(database.url);
    const campaign = randomUUID();
    const blobs = await sealFor(ctx, await enroll(ctx, campaign, controllerId, 10));
    const dump: { key_id: string; wrapped: Buffer }[] = await ctx.dataSource.query(`SELECT key_id, wrapped FROM crypto.data_keys WHERE campaign_id = $1`, [campaign]);
    await ctx.shredder.destroyNow({ campaignId: campaign, scopes: ['content', 'reference'] }, { actor: 'x' }, { vacuum: false });
    await ctx.close({ keepDataDir: true });

    // The backup is restored: the key rows are live again.
    const restorer = await startCryptoContext(database.url, { dataDir: ctx.dataDir });
    for (const row of dump) {
      await restorer.dataSource.query(`UPDATE crypto.data_keys SET wrapped = $2, destroyed_at = NULL, destroyed_by = NULL, destroyed_certificate = NULL WHERE key_id = $1`, [row.key_id, row.wrapped]);
    }
    await restorer.close();

    const restarted = await startCryptoContext(database.url, { dataDir: ctx.dataDir });
    try {
      const [{ live }] = await restarted.dataSource.query(`SELECT count(*)::int AS live FROM crypto.data_keys WHERE campaign_id = $1 AND wrapped IS NOT NULL`, [campaign]);
      expect(live).toBe(0);
      expect((await openAll(restarted, blobs)).every(isErased)).toBe(true);
      expect(await restarted.restoreGuard.run()).toEqual({ reDestroyed: 0, intentsCompleted: 0, intentsDropped: 0, intentsInProgress: 0 });
    } finally {
      await restarted.close();
      await rm(ctx.dataDir, { recursive: true, force: true });
    }
  });

  it('completes on start an erasure whose transaction committed before the ledger commit mark, and drops one that rolled back', async () => {
    const own = await createTestDatabase();
    const ctx = await startCryptoContext(own.url);
    const [committedCampaign, rolledBackCampaign] = [randomUUID(), randomUUID()];
    await enroll(ctx, committedCampaign, controllerId, 3);
    const survivors = await enroll(ctx, rolledBackCampaign, controllerId, 3);
    // Crash after commit, before confirm(): the ledger holds only the intent.
    await ctx.dataSource.transaction((tx) => ctx.shredder.destroy(tx, { campaignId: committedCampaign, scopes: ['content'] }, { actor: 'x' }));
    await expect(
      ctx.dataSource.transaction(async (tx) => {
        await ctx.shredder.destroy(tx, { campaignId: rolledBackCampaign, scopes: ['content'] }, { actor: 'x' });
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash before commit');
    expect((await ctx.ledger.read()).pending).toHaveLength(2);
    await ctx.close({ keepDataDir: true });

    const restarted = await startCryptoContext(own.url, { dataDir: ctx.dataDir });
    try {
      const ledger = await restarted.ledger.read();
      expect(ledger.pending).toHaveLength(0);
      expect(ledger.committed).toHaveLength(1);
      expect(ledger.committed[0].keyIds).toHaveLength(3);
      const [{ live }] = await restarted.dataSource.query(`SELECT count(*)::int AS live FROM crypto.data_keys WHERE key_id = ANY($1::uuid[]) AND wrapped IS NOT NULL`, [survivors.map((s) => s.contentKeyId)]);
      expect(live).toBe(3);
    } finally {
      await restarted.close();
      await rm(ctx.dataDir, { recursive: true, force: true });
      await own.drop();
    }
  });
});
