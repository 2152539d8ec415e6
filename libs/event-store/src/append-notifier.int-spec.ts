import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { type EventStoreDatabase, openEventStoreDatabase, sleep, waitUntil } from '../../../test/support/event-store-database';
import { APPENDED_CHANNEL } from './event-store.options';
import type { NewEvent, RecordedEvent, Subscription } from './event-store.port';

const events = (count: number): NewEvent[] =>
  Array.from({ length: count }, (_, i) => ({ eventId: randomUUID(), type: 'Called', data: { i }, metadata: { schemaVersion: 1 } }));

describe('wake-ups: debounced NOTIFY after commit, LISTEN that reconnects', () => {
  let db: EventStoreDatabase;
  let listener: pg.Client;
  let notifications = 0;
  let subscription: Subscription | undefined;

  beforeAll(async () => {
    // A poll interval far longer than any wait below: only a wake-up can deliver in time. (The
    // waits allow for other test files' open transactions, which hold every reader in the
    // cluster back for a moment.)
    db = await openEventStoreDatabase({ pollIntervalMs: 10_000 });
    listener = new pg.Client({ connectionString: db.database.url });
    await listener.connect();
    listener.on('notification', () => (notifications += 1));
    await listener.query(`LISTEN ${APPENDED_CHANNEL}`);
  });
  beforeEach(async () => {
    await sleep(50); // let wake-ups of the previous test arrive
    notifications = 0;
  });
  afterEach(async () => {
    await subscription?.stop();
    subscription = undefined;
  });
  afterAll(async () => {
    await listener.end();
    await db.close();
  });

  const subscribe = (stream: string) => {
    const received: RecordedEvent[] = [];
    subscription = db.kit.store.subscribeAll({ filter: (e) => e.streamId === stream }, async (batch) => void received.push(...batch));
    return received;
  };

  it('sends at most one NOTIFY per 20 ms however many appends commit, and keeps sending while they do', async () => {
    const started = performance.now();
    let calls = 0;
    while (performance.now() - started < 300) {
      db.kit.notifier.notifyAppended();
      calls += 1;
      await sleep(1);
    }
    const elapsed = performance.now() - started;
    await sleep(60);
    expect(calls).toBeGreaterThan(50);
    expect(notifications).toBeLessThanOrEqual(Math.ceil(elapsed / 20) + 1);
    expect(notifications).toBeGreaterThanOrEqual(5);
  });

  it('store.transaction wakes subscribers after its commit, not while it is open', async () => {
    const stream = `uow-${randomUUID()}`;
    const received = subscribe(stream);
    await sleep(50);
    await db.kit.store.transaction(async (tx) => {
      await db.kit.store.append(stream, events(2), { expectedRevision: 'no_stream', tx });
      await sleep(150);
      expect(notifications).toBe(0);
    });
    await waitUntil(() => notifications === 1, 1_000, 'one NOTIFY');
    await waitUntil(() => received.length === 2, 5_000, 'delivery');
  });

  it("an append that joins the caller's own transaction wakes nobody until the caller calls notifyAppended after commit", async () => {
    const stream = `own-${randomUUID()}`;
    const received = subscribe(stream);
    await sleep(50);
    await db.dataSource.transaction((tx) => db.kit.store.append(stream, events(1), { expectedRevision: 'no_stream', tx }));
    await sleep(200);
    expect(notifications).toBe(0);
    expect(received).toEqual([]);
    db.kit.store.notifyAppended();
    await waitUntil(() => received.length === 1, 5_000, 'delivery after the wake-up');
  });

  it('a rolled-back unit of work sends nothing', async () => {
    const stream = `rolled-back-${randomUUID()}`;
    await expect(
      db.kit.store.transaction(async (tx) => {
        await db.kit.store.append(stream, events(1), { expectedRevision: 'no_stream', tx });
        throw new Error('the command failed');
      }),
    ).rejects.toThrow('the command failed');
    await sleep(100);
    expect(notifications).toBe(0);
    await expect(db.kit.store.readStream(stream)).rejects.toThrow('has no events');
  });

  it('the LISTEN connection comes back after the server kills it, and wakes subscribers again', async () => {
    const stream = `relisten-${randomUUID()}`;
    const received = subscribe(stream);
    await waitUntil(() => db.kit.listener.connected, 2_000, 'listening');
    const backends = async () =>
      (await db.dataSource.query(`SELECT pid FROM pg_stat_activity WHERE application_name = 'campaign-ledger:es-listen' AND datname = current_database()`)).map(
        (row: { pid: number }) => row.pid,
      );
    const [pid] = await backends();
    expect(pid).toEqual(expect.any(Number));
    await db.dataSource.query('SELECT pg_terminate_backend($1)', [pid]);
    await waitUntil(async () => db.kit.listener.connected && (await backends()).some((p: number) => p !== pid), 5_000, 'a new LISTEN session');
    await db.kit.store.append(stream, events(1), { expectedRevision: 'no_stream' });
    await waitUntil(() => received.length === 1, 5_000, 'delivery through the new session');
    expect(db.logged).toContainEqual(expect.stringMatching('LISTEN es_events_appended connection lost'));
  });
});
