import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StreamNotFound, WrongExpectedRevision } from '../event-store.errors';
import type { EventStore, ExpectedRevision, NewEvent, Position, RecordedEvent } from '../event-store.port';

export interface EventStoreContractFixture {
  store: EventStore;
  teardown(): Promise<void>;
}

/**
 * The behaviour every `EventStore` adapter must show. Each test uses fresh stream ids, so the
 * store may be shared with other tests; `setup` runs once for the suite.
 */
export function describeEventStoreContract(name: string, setup: () => Promise<EventStoreContractFixture>): void {
  describe(`${name}: event store contract`, () => {
    let fixture: EventStoreContractFixture;
    let store: EventStore;

    beforeAll(async () => {
      fixture = await setup();
      store = fixture.store;
    });
    afterAll(() => fixture?.teardown());

    const newStream = () => `contract-${randomUUID()}`;
    const events = (count: number, type = 'Happened'): NewEvent[] =>
      Array.from({ length: count }, (_, i) => ({
        eventId: randomUUID(),
        type,
        data: { index: i, nested: { list: [1, 'two', null], flag: true } },
        metadata: { schemaVersion: 1, correlationId: randomUUID(), actor: 'contract' },
      }));
    const revisionsOf = async (streamId: string) => (await store.readStream(streamId)).map((e) => e.revision);
    const failure = async (attempt: Promise<unknown>): Promise<unknown> =>
      attempt.then(
        () => {
          throw new Error('expected the call to fail');
        },
        (error: unknown) => error,
      );
    const expectWrongRevision = async (attempt: Promise<unknown>, streamId: string, expected: ExpectedRevision, actual: bigint | 'no_stream') => {
      const error = await failure(attempt);
      expect(error).toBeInstanceOf(WrongExpectedRevision);
      expect(error).toMatchObject({ streamId, expected, actual });
    };
    /** The whole readable log, page by page. */
    const readWholeLog = async (pageSize: number): Promise<RecordedEvent[]> => {
      const all: RecordedEvent[] = [];
      for (;;) {
        const page = await store.readAll({ after: all.at(-1)?.position, limit: pageSize });
        all.push(...page);
        if (page.length < pageSize) return all;
      }
    };
    /**
     * The log once it holds these positions. A gap-safe store may show a committed event only
     * after older transactions end (on PostgreSQL, in any database of the cluster).
     */
    const readLogHolding = async (positions: Position[], pageSize = 1_000): Promise<RecordedEvent[]> => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const all = await readWholeLog(pageSize);
        const seen = new Set(all.map((e) => e.position));
        if (positions.every((p) => seen.has(p))) return all;
        if (Date.now() > deadline) throw new Error('appended events never became readable');
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    describe('append with an expected revision', () => {
      it('no_stream starts a new stream at revision 0 and returns one position per event', async () => {
        const stream = newStream();
        const written = events(3);
        const result = await store.append(stream, written, { expectedRevision: 'no_stream' });
        expect(result.nextRevision).toBe(2n);
        expect(result.positions).toHaveLength(3);
        const read = await store.readStream(stream);
        expect(read.map((e) => [e.revision, e.eventId, e.position])).toEqual(written.map((e, i) => [BigInt(i), e.eventId, result.positions[i]]));
      });

      it('no_stream on an existing stream fails with its actual revision and appends nothing', async () => {
        const stream = newStream();
        await store.append(stream, events(2), { expectedRevision: 'no_stream' });
        await expectWrongRevision(store.append(stream, events(1), { expectedRevision: 'no_stream' }), stream, 'no_stream', 1n);
        expect(await revisionsOf(stream)).toEqual([0n, 1n]);
      });

      it('any appends to a new stream and to an existing one', async () => {
        const stream = newStream();
        expect((await store.append(stream, events(1), { expectedRevision: 'any' })).nextRevision).toBe(0n);
        expect((await store.append(stream, events(2), { expectedRevision: 'any' })).nextRevision).toBe(2n);
        expect(await revisionsOf(stream)).toEqual([0n, 1n, 2n]);
      });

      it('stream_exists fails on a new stream and appends to an existing one', async () => {
        const stream = newStream();
        await expectWrongRevision(store.append(stream, events(1), { expectedRevision: 'stream_exists' }), stream, 'stream_exists', 'no_stream');
        await expect(store.readStream(stream)).rejects.toThrow(StreamNotFound);
        await store.append(stream, events(1), { expectedRevision: 'no_stream' });
        expect((await store.append(stream, events(1), { expectedRevision: 'stream_exists' })).nextRevision).toBe(1n);
      });

      it('an exact revision appends when it is the last revision', async () => {
        const stream = newStream();
        const first = await store.append(stream, events(2), { expectedRevision: 'no_stream' });
        const second = await store.append(stream, events(3), { expectedRevision: first.nextRevision });
        expect(second.nextRevision).toBe(4n);
        expect(await revisionsOf(stream)).toEqual([0n, 1n, 2n, 3n, 4n]);
      });

      it('an exact revision behind or ahead of the stream, or on a missing stream, fails and appends nothing', async () => {
        const stream = newStream();
        await store.append(stream, events(3), { expectedRevision: 'no_stream' });
        await expectWrongRevision(store.append(stream, events(2), { expectedRevision: 1n }), stream, 1n, 2n);
        await expectWrongRevision(store.append(stream, events(2), { expectedRevision: 3n }), stream, 3n, 2n);
        const missing = newStream();
        await expectWrongRevision(store.append(missing, events(1), { expectedRevision: 0n }), missing, 0n, 'no_stream');
        expect(await revisionsOf(stream)).toEqual([0n, 1n, 2n]);
        await expect(store.readStream(missing)).rejects.toThrow(StreamNotFound);
      });

      it('keeps type, data and metadata as written and stamps the time', async () => {
        const stream = newStream();
        const before = Date.now();
        const [written] = events(1, 'CustomerEnrolled');
        await store.append(stream, [written!], { expectedRevision: 'no_stream' });
        const [read] = await store.readStream(stream);
        expect(read).toMatchObject({ streamId: stream, revision: 0n, eventId: written!.eventId, type: 'CustomerEnrolled', data: written!.data, metadata: written!.metadata });
        expect(read!.recordedAt).toBeInstanceOf(Date);
        expect(Math.abs(read!.recordedAt.getTime() - before)).toBeLessThan(60_000);
      });
    });

    describe('readStream', () => {
      let stream: string;
      beforeAll(async () => {
        stream = newStream();
        await store.append(stream, events(10), { expectedRevision: 'no_stream' });
      });

      it('reads forwards from the start by default', async () => {
        expect(await revisionsOf(stream)).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i)));
      });

      it('reads forwards from a revision, inclusive, up to a limit', async () => {
        const read = await store.readStream(stream, { from: 4n, limit: 3 });
        expect(read.map((e) => e.revision)).toEqual([4n, 5n, 6n]);
      });

      it('reads backwards from the end, or from a revision, up to a limit', async () => {
        expect((await store.readStream(stream, { direction: 'backwards', limit: 3 })).map((e) => e.revision)).toEqual([9n, 8n, 7n]);
        expect((await store.readStream(stream, { direction: 'backwards', from: 2n })).map((e) => e.revision)).toEqual([2n, 1n, 0n]);
      });

      it('returns nothing past the end of an existing stream', async () => {
        expect(await store.readStream(stream, { from: 10n })).toEqual([]);
      });

      it('throws StreamNotFound for a stream without events, whatever the options', async () => {
        const missing = newStream();
        await expect(store.readStream(missing)).rejects.toThrow(StreamNotFound);
        await expect(store.readStream(missing, { direction: 'backwards', from: 3n, limit: 1 })).rejects.toMatchObject({ streamId: missing });
      });
    });

    describe('concurrent appenders', () => {
      it('20 appenders with the revision they read: one winner per revision, no gaps, losers get WrongExpectedRevision', async () => {
        const stream = newStream();
        await store.append(stream, events(1), { expectedRevision: 'no_stream' });
        const appenders = 20;
        const written = Array.from({ length: appenders }, () => events(1)[0]!);
        const winners = new Map<bigint, number>();

        // Round one: everyone read revision 0 and appends at once; exactly one can win.
        const firstRound = await Promise.allSettled(written.map((event) => store.append(stream, [event], { expectedRevision: 0n })));
        const won = firstRound.filter((r) => r.status === 'fulfilled');
        expect(won).toHaveLength(1);
        for (const result of firstRound) {
          if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(WrongExpectedRevision);
        }

        // Then each loser reads and retries until it lands.
        const pending = written.filter((_, i) => firstRound[i]!.status === 'rejected');
        winners.set(1n, 1);
        await Promise.all(
          pending.map(async (event) => {
            // Bounded, so a store that never lets a retry win fails instead of hanging.
            for (let attempt = 0; attempt < 100; attempt++) {
              const [last] = await store.readStream(stream, { direction: 'backwards', limit: 1 });
              try {
                const { nextRevision } = await store.append(stream, [event], { expectedRevision: last!.revision });
                expect(nextRevision).toBe(last!.revision + 1n);
                winners.set(nextRevision, (winners.get(nextRevision) ?? 0) + 1);
                return;
              } catch (error) {
                expect(error).toBeInstanceOf(WrongExpectedRevision);
              }
            }
            throw new Error('an appender never got its event in');
          }),
        );

        expect([...winners.values()].every((count) => count === 1)).toBe(true);
        const read = await store.readStream(stream);
        expect(read.map((e) => e.revision)).toEqual(Array.from({ length: appenders + 1 }, (_, i) => BigInt(i)));
        expect(new Set(read.slice(1).map((e) => e.eventId))).toEqual(new Set(written.map((e) => e.eventId)));
      });
    });

    describe('the global log', () => {
      it('is a total order, stable across repeated reads and page sizes', async () => {
        const streams = [newStream(), newStream(), newStream()];
        const appended: Position[] = [];
        for (let round = 0; round < 3; round++) {
          const results = await Promise.all(streams.map((s) => store.append(s, events(4), { expectedRevision: 'any' })));
          appended.push(...results.flatMap((r) => r.positions));
        }
        const first = await readLogHolding(appended);
        const again = await readLogHolding(appended, 7);
        expect(again.length).toBeGreaterThanOrEqual(first.length);
        again.length = first.length; // anything appended meanwhile by other users of the store
        expect(again.map((e) => e.position)).toEqual(first.map((e) => e.position));
        expect(again.map((e) => e.eventId)).toEqual(first.map((e) => e.eventId));
        for (let i = 1; i < first.length; i++) {
          expect(store.comparePositions(first[i - 1]!.position, first[i]!.position)).toBeLessThan(0);
          expect(store.comparePositions(first[i]!.position, first[i - 1]!.position)).toBeGreaterThan(0);
        }
        expect(new Set(first.map((e) => e.eventId)).size).toBe(first.length);
        // Within a stream the global order follows the revisions.
        for (const s of streams) {
          const revisions = first.filter((e) => e.streamId === s).map((e) => e.revision);
          expect(revisions).toEqual(Array.from({ length: 12 }, (_, i) => BigInt(i)));
        }
      });

      it('readAll after a position returns exactly what follows it', async () => {
        const stream = newStream();
        const { positions } = await store.append(stream, events(5), { expectedRevision: 'no_stream' });
        const all = await readLogHolding(positions);
        const index = all.findIndex((e) => e.position === positions[1]);
        expect(index).toBeGreaterThanOrEqual(0);
        const after = await store.readAll({ after: positions[1], limit: 3 });
        expect(after.map((e) => e.position)).toEqual(all.slice(index + 1, index + 4).map((e) => e.position));
        expect(after.map((e) => e.position)).toEqual(positions.slice(2, 5));
      });

      it('readAll with types returns only those types, in log order, after the position', async () => {
        const stream = newStream();
        const mixed = events(6).map((e, i) => ({ ...e, type: i % 3 === 0 ? 'Kept' : 'Skipped' }));
        const { positions } = await store.append(stream, mixed, { expectedRevision: 'no_stream' });
        await readLogHolding(positions);
        const kept = await store.readAll({ after: positions[0], types: ['Kept'], limit: 10 });
        expect(kept.filter((e) => e.streamId === stream).map((e) => e.position)).toEqual([positions[3]]);
        expect(kept.every((e) => e.type === 'Kept')).toBe(true);
      });

      it("positions round-trip through their string form and compare like the log's order", async () => {
        const { positions } = await store.append(newStream(), events(2), { expectedRevision: 'no_stream' });
        const [a, b] = positions as [Position, Position];
        const text = store.positionToString(a);
        expect(typeof text).toBe('string');
        expect(store.comparePositions(store.parsePosition(text), a)).toBe(0);
        expect(store.comparePositions(a, b)).toBeLessThan(0);
        expect(() => store.parsePosition(`${text}x`)).toThrow();
      });
    });

    describe('subscribeAll', () => {
      it('catches up, then delivers new events live, in log order, until stopped', async () => {
        const stream = newStream();
        const { positions } = await store.append(stream, events(3), { expectedRevision: 'no_stream' });
        const received: RecordedEvent[] = [];
        const subscription = store.subscribeAll({ after: positions[0], pollIntervalMs: 20, batchSize: 2, filter: (e) => e.streamId === stream }, async (batch) => {
          received.push(...batch);
        });
        try {
          await store.append(stream, events(2), { expectedRevision: 2n });
          await waitUntil(() => received.length >= 4, 5_000);
          expect(received.map((e) => e.revision)).toEqual([1n, 2n, 3n, 4n]);
        } finally {
          await subscription.stop();
        }
        await store.append(stream, events(1), { expectedRevision: 4n });
        await new Promise((r) => setTimeout(r, 100));
        expect(received).toHaveLength(4);
        await expect(subscription.done).resolves.toBeUndefined();
      });
    });
  });
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
