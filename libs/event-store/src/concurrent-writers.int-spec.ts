import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type EventStoreDatabase, openEventStoreDatabase, waitUntil } from '../../../test/support/event-store-database';
import type { NewEvent, Position, RecordedEvent } from './event-store.port';
import { comparePositions } from './position.codec';

const WRITERS = 8;
const EVENTS_PER_WRITER = 2_000;

describe('8 concurrent writers x 2,000 events with a live subscriber', () => {
  let db: EventStoreDatabase;

  beforeAll(async () => {
    db = await openEventStoreDatabase({ poolSize: 12, pollIntervalMs: 50 });
  });
  afterAll(() => db.close());

  it('the subscriber gets every event exactly once, in the global order, and checkpoints the last position', async () => {
    const delivered: RecordedEvent[] = [];
    const subscriptionId = `writers-${randomUUID()}`;
    const runner = db.kit.runners.start({
      subscriptionId,
      batchSize: 500,
      handler: async (events, tx) => {
        delivered.push(...events);
        // Work in the checkpoint's transaction, as a projection would.
        await tx.query('SELECT 1');
      },
    });
    try {
      await waitUntil(() => runner.isLeader, 5_000, 'leadership');
      const written = await Promise.all(
        Array.from({ length: WRITERS }, async (_, writer) => {
          const stream = `writer-${writer}-${randomUUID()}`;
          const ids: string[] = [];
          let revision: bigint | 'no_stream' = 'no_stream';
          // Batch sizes 1..37, varied per writer so that commits interleave unevenly.
          for (let batch = 0; ids.length < EVENTS_PER_WRITER; batch++) {
            const size = Math.min(1 + ((batch * 7 + writer * 13) % 37), EVENTS_PER_WRITER - ids.length);
            const events: NewEvent[] = Array.from({ length: size }, () => ({
              eventId: randomUUID(),
              type: 'SaleRegistered',
              data: { writer, n: ids.length },
              metadata: { schemaVersion: 1 },
            }));
            const result = await db.kit.store.append(stream, events, { expectedRevision: revision });
            revision = result.nextRevision;
            ids.push(...events.map((e) => e.eventId));
          }
          return ids;
        }),
      );
      const total = WRITERS * EVENTS_PER_WRITER;
      await waitUntil(() => delivered.length >= total, 30_000, `${total} events delivered`);
      // Nothing beyond: no duplicate arrives late.
      await waitUntil(async () => (await db.kit.checkpoints.read(subscriptionId)) === delivered.at(-1)!.position, 5_000, 'final checkpoint');
      expect(delivered).toHaveLength(total);

      const ids = delivered.map((e) => e.eventId);
      expect(new Set(ids).size).toBe(total);
      expect(new Set(ids)).toEqual(new Set(written.flat()));
      for (let i = 1; i < delivered.length; i++) {
        if (comparePositions(delivered[i - 1]!.position, delivered[i]!.position) >= 0) {
          throw new Error(`delivery out of order at ${i}: ${delivered[i - 1]!.position} then ${delivered[i]!.position}`);
        }
      }
      // The global order is the store's, as readAll gives it from the start.
      const log: Position[] = [];
      for (let page = await db.kit.store.readAll({ limit: 5_000 }); page.length > 0; page = await db.kit.store.readAll({ after: log.at(-1), limit: 5_000 })) {
        log.push(...page.map((e) => e.position));
      }
      expect(delivered.map((e) => e.position)).toEqual(log);
      // Each writer's events arrive in its revision order.
      for (const writerIds of written) {
        const mine = new Set(writerIds);
        expect(ids.filter((id) => mine.has(id))).toEqual(writerIds);
      }
      expect(await db.kit.checkpoints.read(subscriptionId)).toBe(log.at(-1));
    } finally {
      await runner.stop();
    }
  }, 60_000);
});
