import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { EntityManager } from 'typeorm';
import { type EventStoreDatabase, openEventStoreDatabase, sleep, waitUntil } from '../../../test/support/event-store-database';
import { CheckpointConflict } from './event-store.errors';
import type { NewEvent, RecordedEvent } from './event-store.port';
import type { SubscriptionRunner } from './subscription-runner';

const events = (count: number): NewEvent[] =>
  Array.from({ length: count }, (_, i) => ({ eventId: randomUUID(), type: 'SaleRegistered', data: { i }, metadata: { schemaVersion: 1 } }));

describe('subscription runners: one leader per subscription, fenced checkpoints', () => {
  let db: EventStoreDatabase;
  let admin: pg.Client;
  let started: SubscriptionRunner[] = [];

  beforeAll(async () => {
    db = await openEventStoreDatabase({ pollIntervalMs: 20 });
    await db.dataSource.query('CREATE TABLE public.processed (event_id uuid NOT NULL, runner text NOT NULL)');
    admin = new pg.Client({ connectionString: db.database.url });
    await admin.connect();
  });
  afterEach(async () => {
    await Promise.all(started.map((runner) => runner.stop()));
    started = [];
  });
  afterAll(async () => {
    await admin.end();
    await db.close();
  });

  /** A projection that records which runner applied which event, in the checkpoint's transaction. */
  const record = (runner: string) => async (batch: { eventId: string }[], tx: EntityManager) => {
    await tx.query('INSERT INTO public.processed (event_id, runner) SELECT unnest($1::uuid[]), $2', [batch.map((e) => e.eventId), runner]);
  };
  const processed = async (ids: string[]): Promise<{ event_id: string; runner: string }[]> =>
    db.dataSource.query('SELECT event_id::text, runner FROM public.processed WHERE event_id = ANY($1::uuid[])', [ids]);
  const start = (subscriptionId: string, name: string, stream: string, handler: (batch: RecordedEvent[], tx: EntityManager) => Promise<void> = record(name)) => {
    const runner = db.kit.runners.start({
      subscriptionId,
      handler,
      filter: (e) => e.streamId === stream,
      batchSize: 10,
      pollIntervalMs: 20,
      retryMs: 50,
      heartbeatMs: 200,
    });
    started.push(runner);
    return runner;
  };

  it('two runners for one subscription: only the leader processes; killing its lock connection hands over without loss or duplication', async () => {
    const subscriptionId = `handover-${randomUUID()}`;
    const stream = `sales-${randomUUID()}`;
    const written: string[] = [];
    const append = async (count: number) => {
      const batch = events(count);
      await db.kit.store.append(stream, batch, { expectedRevision: 'any' });
      written.push(...batch.map((e) => e.eventId));
    };

    // The leader's handler can be held inside its transaction, to lose the lock mid-batch.
    let hold: Promise<void> | null = null;
    let release = () => {};
    let held = false;
    const gated = (name: string) => async (batch: RecordedEvent[], tx: EntityManager) => {
      if (hold && name === leaderName) {
        held = true;
        await hold;
      }
      await record(name)(batch, tx);
    };
    let leaderName = '';
    const runners = { one: start(subscriptionId, 'one', stream, gated('one')), two: start(subscriptionId, 'two', stream, gated('two')) };
    await waitUntil(() => runners.one.isLeader || runners.two.isLeader, 5_000, 'a leader');
    await sleep(200); // both have tried for the lock by now
    expect([runners.one.isLeader, runners.two.isLeader].filter(Boolean)).toHaveLength(1);
    leaderName = runners.one.isLeader ? 'one' : 'two';
    const followerName = leaderName === 'one' ? 'two' : 'one';
    const [leader, follower] = [runners[leaderName as 'one'], runners[followerName as 'one']];

    for (let i = 0; i < 4; i++) await append(5);
    await waitUntil(async () => (await processed(written)).length === 20, 5_000, '20 processed');
    expect(new Set((await processed(written)).map((row) => row.runner))).toEqual(new Set([leaderName]));
    expect(follower.isLeader).toBe(false);

    // The leader takes a batch and stalls inside its transaction; then its lock connection dies.
    hold = new Promise((resolve) => (release = resolve));
    await append(5);
    await waitUntil(() => held, 5_000, 'leader inside a batch');
    const pid = leader.leaderBackendPid;
    expect(pid).toEqual(expect.any(Number));
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await waitUntil(() => !leader.isLeader && follower.isLeader, 5_000, 'handover');
    await append(5);
    await sleep(200);
    release();
    hold = null;

    await waitUntil(async () => (await processed(written)).length >= 30, 5_000, '30 processed');
    await append(5);
    await waitUntil(async () => (await processed(written)).length >= 35, 5_000, '35 processed');
    await sleep(200);
    const rows = await processed(written);
    expect(rows.map((row) => row.event_id).sort()).toEqual([...written].sort());
    // Everything appended after the handover was applied by the new leader alone.
    expect(rows.filter((row) => written.slice(30).includes(row.event_id)).map((row) => row.runner)).toEqual(Array(5).fill(followerName));
    expect(leader.isLeader).toBe(false);
    expect(db.logged).toContainEqual(expect.stringMatching(`leadership of ${subscriptionId} lost`));
    const last = (await db.kit.store.readStream(stream, { direction: 'backwards', limit: 1 }))[0]!;
    expect(await db.kit.checkpoints.read(subscriptionId)).toBe(last.position);
  });

  it("a stale runner's checkpoint write is rejected with CheckpointConflict and its work is rolled back", async () => {
    const subscriptionId = `stale-${randomUUID()}`;
    const stream = `sales-${randomUUID()}`;
    const { positions } = await db.kit.store.append(stream, events(3), { expectedRevision: 'no_stream' });
    const [p0, p1, p2] = positions as [(typeof positions)[0], (typeof positions)[0], (typeof positions)[0]];
    const staleWork = async (tx: EntityManager) => {
      await tx.query("INSERT INTO public.processed (event_id, runner) VALUES ($1, 'stale')", [randomUUID()]);
    };
    const staleRows = async () => (await db.dataSource.query("SELECT count(*)::int AS n FROM public.processed WHERE runner = 'stale'"))[0].n;

    // The live leader moved the checkpoint from nothing to p0, then to p1.
    await db.kit.checkpoints.withCheckpoint(subscriptionId, null, p0, async () => {});
    await db.kit.checkpoints.withCheckpoint(subscriptionId, p0, p1, async () => {});

    // A stale runner still believes the checkpoint is unset, or at p0.
    await expect(db.kit.checkpoints.withCheckpoint(subscriptionId, null, p0, staleWork)).rejects.toThrow(CheckpointConflict);
    await expect(db.kit.checkpoints.withCheckpoint(subscriptionId, p0, p2, staleWork)).rejects.toMatchObject({ subscriptionId, expected: p0 });
    expect(await staleRows()).toBe(0);
    expect(await db.kit.checkpoints.read(subscriptionId)).toBe(p1);
    // A checkpoint never moves backwards.
    await expect(db.kit.checkpoints.withCheckpoint(subscriptionId, p1, p0, staleWork)).rejects.toThrow(RangeError);
  });

  it('two writers racing from the same checkpoint: one commits its work, the other gets CheckpointConflict', async () => {
    const subscriptionId = `race-${randomUUID()}`;
    const { positions } = await db.kit.store.append(`sales-${randomUUID()}`, events(2), { expectedRevision: 'no_stream' });
    await db.kit.checkpoints.withCheckpoint(subscriptionId, null, positions[0]!, async () => {});
    const work = (name: string) => async (tx: EntityManager) => {
      await tx.query('INSERT INTO public.processed (event_id, runner) VALUES ($1, $2)', [randomUUID(), name]);
      await sleep(50);
    };
    const names = [`racer-a-${subscriptionId}`, `racer-b-${subscriptionId}`];
    const outcomes = await Promise.allSettled(names.map((name) => db.kit.checkpoints.withCheckpoint(subscriptionId, positions[0]!, positions[1]!, work(name))));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: expect.any(CheckpointConflict) });
    const [{ n }] = await db.dataSource.query('SELECT count(*)::int AS n FROM public.processed WHERE runner = ANY($1)', [names]);
    expect(n).toBe(1);
  });

  it('a leader whose checkpoint was moved by someone else resumes from the stored checkpoint, not from its own', async () => {
    const subscriptionId = `moved-${randomUUID()}`;
    const stream = `sales-${randomUUID()}`;
    const first = events(3);
    await db.kit.store.append(stream, first, { expectedRevision: 'no_stream' });
    const runner = start(subscriptionId, 'solo', stream);
    await waitUntil(async () => (await processed(first.map((e) => e.eventId))).length === 3, 5_000, 'first three');
    await waitUntil(async () => (await db.kit.checkpoints.read(subscriptionId)) !== null, 5_000, 'a checkpoint');
    const checkpoint = (await db.kit.checkpoints.read(subscriptionId))!;

    // Another writer (a stale leader's last batch) applies the next events and moves the checkpoint past them.
    const taken = events(3);
    const { positions } = await db.kit.store.append(stream, taken, { expectedRevision: 2n });
    await db.kit.checkpoints.withCheckpoint(subscriptionId, checkpoint, positions[2]!, (tx) => record('other')(taken, tx));
    const later = events(2);
    await db.kit.store.append(stream, later, { expectedRevision: 5n });

    await waitUntil(async () => (await processed(later.map((e) => e.eventId))).length === 2, 5_000, 'later events');
    await sleep(100);
    const rows = await processed([...first, ...taken, ...later].map((e) => e.eventId));
    const byEvent = new Map(rows.map((row) => [row.event_id, row.runner]));
    expect(rows).toHaveLength(8);
    expect([...first, ...taken, ...later].map((e) => byEvent.get(e.eventId))).toEqual([...Array(3).fill('solo'), ...Array(3).fill('other'), ...Array(2).fill('solo')]);
    expect(runner.isLeader).toBe(true);
  });

  it('stopping the leader hands leadership to the other runner', async () => {
    const subscriptionId = `stop-${randomUUID()}`;
    const stream = `sales-${randomUUID()}`;
    const [a, b] = [start(subscriptionId, 'a', stream), start(subscriptionId, 'b', stream)];
    await waitUntil(() => a.isLeader || b.isLeader, 5_000, 'a leader');
    const [leader, follower] = a.isLeader ? [a, b] : [b, a];
    await leader.stop();
    await waitUntil(() => follower.isLeader, 5_000, 'the follower leads');
    const batch = events(2);
    await db.kit.store.append(stream, batch, { expectedRevision: 'no_stream' });
    await waitUntil(async () => (await processed(batch.map((e) => e.eventId))).length === 2, 5_000, 'processed by the follower');
  });
});
