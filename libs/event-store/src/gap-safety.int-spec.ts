import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { QueryRunner } from 'typeorm';
import { type EventStoreDatabase, openEventStoreDatabase, sleep, waitUntil } from '../../../test/support/event-store-database';
import type { NewEvent, Position, RecordedEvent } from './event-store.port';
import { comparePositions, decodePosition } from './position.codec';

const events = (count: number): NewEvent[] =>
  Array.from({ length: count }, (_, i) => ({ eventId: randomUUID(), type: 'Happened', data: { i }, metadata: { schemaVersion: 1 } }));

/** Three readers that run throughout a test: a leader-elected runner with a checkpoint, a subscription, and a readAll loop. */
function startReaders(db: EventStoreDatabase, streams: string[]) {
  const ours = (e: RecordedEvent) => streams.includes(e.streamId);
  const subscriptionId = `gap-${randomUUID()}`;
  const byRunner: RecordedEvent[] = [];
  const bySubscription: RecordedEvent[] = [];
  const byPolling: RecordedEvent[] = [];
  const runner = db.kit.runners.start({
    subscriptionId,
    filter: ours,
    pollIntervalMs: 10,
    retryMs: 20,
    handler: async (batch) => void byRunner.push(...batch),
  });
  const subscription = db.kit.store.subscribeAll({ filter: ours, pollIntervalMs: 10 }, async (batch) => void bySubscription.push(...batch));
  let polling = true;
  const poller = (async () => {
    let cursor: Position | undefined;
    while (polling) {
      const batch = await db.kit.store.readAll({ after: cursor, limit: 3 });
      byPolling.push(...batch.filter(ours));
      cursor = batch.at(-1)?.position ?? cursor;
      if (batch.length === 0) await sleep(5);
    }
  })();
  return {
    lists: { runner: byRunner, subscription: bySubscription, polling: byPolling },
    checkpoint: () => db.kit.checkpoints.read(subscriptionId),
    /** How far each reader has gone: the runner's stored checkpoint and the subscription's cursor. */
    cursors: async () => [await db.kit.checkpoints.read(subscriptionId), subscription.position],
    stop: async () => {
      polling = false;
      await Promise.all([runner.stop(), subscription.stop(), poller]);
    },
  };
}

describe('gap safety: readers never pass an event that can still commit', () => {
  let db: EventStoreDatabase;
  let txA: QueryRunner;
  let readers: ReturnType<typeof startReaders> | undefined;

  beforeAll(async () => {
    db = await openEventStoreDatabase({ pollIntervalMs: 10 });
  });
  afterEach(async () => {
    if (txA?.isTransactionActive) await txA.rollbackTransaction();
    if (txA && !txA.isReleased) await txA.release();
    await readers?.stop();
    readers = undefined;
  });
  afterAll(() => db.close());

  const openTransaction = async () => {
    txA = db.dataSource.createQueryRunner();
    await txA.connect();
    await txA.startTransaction();
    return txA;
  };
  const idsOf = (list: RecordedEvent[]) => list.map((e) => e.eventId);
  const before = (cursor: Position | null, position: Position) => cursor === null || comparePositions(cursor, position) < 0;

  it('A appends and stays open, B appends and commits: nothing of B is read until A commits, then A, B once each', async () => {
    const [streamA, streamB] = [`a-${randomUUID()}`, `b-${randomUUID()}`];
    readers = startReaders(db, [streamA, streamB]);
    const tx = await openTransaction();
    const a = await db.kit.store.append(streamA, events(2), { expectedRevision: 'no_stream', tx: tx.manager });
    const b = await db.kit.store.append(streamB, events(2), { expectedRevision: 'no_stream' });
    expect(comparePositions(a.positions[1]!, b.positions[0]!)).toBeLessThan(0);

    // B is committed and announced; give the readers many polls.
    await sleep(300);
    const visible = await db.kit.store.readAll({ limit: 10_000 });
    expect(visible.filter((e) => e.streamId === streamB)).toEqual([]);
    for (const list of Object.values(readers.lists)) expect(list).toEqual([]);
    for (const cursor of await readers.cursors()) expect(before(cursor, a.positions[0]!)).toBe(true);

    await tx.commitTransaction();
    db.kit.store.notifyAppended();
    const expected = [...idsOf(await db.kit.store.readStream(streamA)), ...idsOf(await db.kit.store.readStream(streamB))];
    for (const list of Object.values(readers.lists)) await waitUntil(() => list.length >= 4, 5_000, 'all four events read');
    await sleep(100);
    for (const list of Object.values(readers.lists)) expect(idsOf(list)).toEqual(expected);
    await waitUntil(async () => (await readers!.checkpoint()) === b.positions[1], 5_000, 'checkpoint at the last event');
  });

  it('A takes its transaction id first, C appends and commits, then A appends and commits: A is read first, C is never passed', async () => {
    const [streamA, streamC] = [`a-${randomUUID()}`, `c-${randomUUID()}`];
    readers = startReaders(db, [streamA, streamC]);
    const tx = await openTransaction();
    // A writes elsewhere first: this is the moment its transaction id is fixed.
    await tx.query('CREATE TEMP TABLE side_effect (n int) ON COMMIT DROP');
    await tx.query('INSERT INTO side_effect VALUES (1)');
    const [{ xid }] = await tx.query('SELECT pg_current_xact_id()::text AS xid');

    const c = await db.kit.store.append(streamC, events(2), { expectedRevision: 'no_stream' });
    await sleep(300);
    expect((await db.kit.store.readAll({ limit: 10_000 })).filter((e) => e.streamId === streamC)).toEqual([]);
    for (const list of Object.values(readers.lists)) expect(list).toEqual([]);
    for (const cursor of await readers.cursors()) expect(before(cursor, c.positions[0]!)).toBe(true);

    const a = await db.kit.store.append(streamA, events(2), { expectedRevision: 'no_stream', tx: tx.manager });
    // A's rows are inserted after C's (larger identity values) but belong before them in the log:
    // a reader ordering by position alone would have checkpointed past A's slot at C.
    const [rawA, rawC] = [decodePosition(a.positions[0]!), decodePosition(c.positions[1]!)];
    expect(rawA.transactionId).toBe(BigInt(xid));
    expect(rawA.position).toBeGreaterThan(rawC.position);
    expect(comparePositions(a.positions[1]!, c.positions[0]!)).toBeLessThan(0);
    await sleep(100);
    for (const list of Object.values(readers.lists)) expect(list).toEqual([]);
    for (const cursor of await readers.cursors()) expect(before(cursor, a.positions[0]!)).toBe(true);

    await tx.commitTransaction();
    db.kit.store.notifyAppended();
    const expected = [...idsOf(await db.kit.store.readStream(streamA)), ...idsOf(await db.kit.store.readStream(streamC))];
    for (const list of Object.values(readers.lists)) await waitUntil(() => list.length >= 4, 5_000, 'all four events read');
    await sleep(100);
    for (const list of Object.values(readers.lists)) expect(idsOf(list)).toEqual(expected);
    await waitUntil(async () => (await readers!.checkpoint()) === c.positions[1], 5_000, 'checkpoint at the last event');
  });
});
