import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type EventStoreDatabase, openEventStoreDatabase } from '../../../test/support/event-store-database';
import { backendPid, waitForLockWaiter } from '../../../test/support/lock-waits';
import { StreamNotFound, WrongExpectedRevision } from './event-store.errors';
import type { NewEvent } from './event-store.port';

// The bulk path for one fact on many existing streams (anonymization recorded on every customer
// of a campaign): each stream's events follow its own head, in one statement.

describe('PostgreSQL appendToStreams', () => {
  let db: EventStoreDatabase;

  beforeAll(async () => {
    db = await openEventStoreDatabase({ pollIntervalMs: 50 });
  });
  afterAll(() => db.close());

  const event = (type: string, data: Record<string, unknown> = {}): NewEvent => ({ eventId: randomUUID(), type, data, metadata: { schemaVersion: 1, actor: 'bulk-test' } });
  const streamWith = async (count: number) => {
    const streamId = `bulk-${randomUUID()}`;
    await db.kit.store.append(streamId, Array.from({ length: count }, (_, i) => event('Before', { i })), { expectedRevision: 'no_stream' });
    return streamId;
  };
  const revisions = async (streamId: string) => (await db.kit.store.readStream(streamId)).map((e) => [e.revision, e.type]);
  const countAll = async () => Number((await db.dataSource.query('SELECT count(*) AS n FROM es.events'))[0].n);

  it("appends each stream's events after its own head, with positions in input order", async () => {
    const [a, b, c] = [await streamWith(1), await streamWith(3), await streamWith(2)];
    const { positions } = await db.kit.store.appendToStreams!(
      [
        { streamId: a, events: [event('Recorded', { n: 0 })] },
        { streamId: b, events: [event('Recorded', { n: 1 }), event('Recorded', { n: 2 })] },
        { streamId: c, events: [event('Recorded', { n: 3 })] },
      ],
      {},
    );
    expect(await revisions(a)).toEqual([[0n, 'Before'], [1n, 'Recorded']]);
    expect(await revisions(b)).toEqual([[0n, 'Before'], [1n, 'Before'], [2n, 'Before'], [3n, 'Recorded'], [4n, 'Recorded']]);
    expect(await revisions(c)).toEqual([[0n, 'Before'], [1n, 'Before'], [2n, 'Recorded']]);
    expect(positions).toHaveLength(4);
    const sorted = [...positions].sort((x, y) => db.kit.store.comparePositions(x, y));
    expect(positions).toEqual(sorted);
    const written = await Promise.all([a, b, c].map((s) => db.kit.store.readStream(s, { direction: 'backwards', limit: 2 })));
    expect(positions).toEqual([written[0][0].position, written[1][1].position, written[1][0].position, written[2][0].position]);
  });

  it('refuses a stream that does not exist, writing nothing to any stream', async () => {
    const a = await streamWith(1);
    const before = await countAll();
    const missing = `bulk-${randomUUID()}`;
    const error = await db.kit.store.appendToStreams!([{ streamId: a, events: [event('Recorded')] }, { streamId: missing, events: [event('Recorded')] }], {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamNotFound);
    expect(error).toMatchObject({ streamId: missing });
    expect(await countAll()).toBe(before);
  });

  it('joins the caller\'s transaction: a rollback leaves every stream as it was', async () => {
    const a = await streamWith(1);
    await expect(
      db.kit.store.transaction(async (tx) => {
        await db.kit.store.appendToStreams!([{ streamId: a, events: [event('Recorded')] }], { tx });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await revisions(a)).toEqual([[0n, 'Before']]);
  });

  it('fails with WrongExpectedRevision when another transaction appends to one of the streams meanwhile, and writes nothing', async () => {
    const [a, b] = [await streamWith(1), await streamWith(1)];
    const other = db.dataSource.createQueryRunner();
    await other.connect();
    try {
      await other.startTransaction();
      await db.kit.store.append(b, [event('Concurrent')], { expectedRevision: 0n, tx: other.manager });
      const pid = await backendPid(other.manager);
      // The bulk insert computes b's head as 0, then waits on the other transaction's revision 1.
      const bulk = db.kit.store.appendToStreams!([{ streamId: a, events: [event('Recorded')] }, { streamId: b, events: [event('Recorded')] }], {}).then(
        () => 'appended',
        (error: unknown) => error,
      );
      await waitForLockWaiter(db.dataSource, pid);
      await other.commitTransaction();
      const outcome = await bulk;
      expect(outcome).toBeInstanceOf(WrongExpectedRevision);
      expect(outcome).toMatchObject({ streamId: b, actual: 1n });
    } finally {
      if (other.isTransactionActive) await other.rollbackTransaction();
      await other.release();
    }
    expect(await revisions(a)).toEqual([[0n, 'Before']]);
    expect(await revisions(b)).toEqual([[0n, 'Before'], [1n, 'Concurrent']]);
  });

  it('writes 20,000 streams in one call', async () => {
    const streamIds = Array.from({ length: 20_000 }, () => `bulk-many-${randomUUID()}`);
    await db.kit.store.appendNewStreams!(streamIds.map((streamId) => ({ streamId, events: [event('Before')] })), {});
    const started = Date.now();
    const { positions } = await db.kit.store.appendToStreams!(streamIds.map((streamId) => ({ streamId, events: [event('Recorded')] })), {});
    const elapsed = Date.now() - started;
    expect(positions).toHaveLength(20_000);
    expect(await revisions(streamIds[12_345])).toEqual([[0n, 'Before'], [1n, 'Recorded']]);
    // Generous: one statement, not 20,000 round trips (measured well under a second).
    expect(elapsed).toBeLessThan(15_000);
  });
});
