import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type EventStoreDatabase, openEventStoreDatabase, waitUntil } from '../../../test/support/event-store-database';
import type { NewEvent, Position } from './event-store.port';

const event = (type: string): NewEvent => ({ eventId: randomUUID(), type, data: { n: 1 }, metadata: { schemaVersion: 1 } });

describe('PostgresEventStore.readTypes', () => {
  let db: EventStoreDatabase;

  beforeAll(async () => {
    db = await openEventStoreDatabase();
  });
  afterAll(() => db.close());

  it('returns only the types asked for and says it scanned up to the readable head, other types included', async () => {
    const stream = `s-${randomUUID()}`;
    const { positions } = await db.kit.store.append(stream, ['Kept', 'Other', 'Kept', 'Other', 'Other'].map(event), { expectedRevision: 'no_stream' });
    // Readable once no older transaction is open anywhere in the cluster.
    await waitUntil(async () => (await db.kit.store.readAll({ after: positions[3] })).length > 0);
    const page = await db.kit.store.readTypes({ types: ['Kept'], limit: 10 });
    expect(page.events.filter((e) => e.streamId === stream).map((e) => e.position)).toEqual([positions[0], positions[2]]);
    const all = await db.kit.store.readAll({ limit: 1000 });
    expect(page.scannedTo).toBe(all.at(-1)!.position);
    expect(db.kit.store.comparePositions(page.scannedTo!, positions[4] as Position)).toBeGreaterThanOrEqual(0);
    // Nothing after the head: no events, and the position stays.
    expect(await db.kit.store.readTypes({ after: page.scannedTo!, types: ['Kept'], limit: 10 })).toEqual({ events: [], scannedTo: page.scannedTo });
  });

  it('stops at the last event returned when the page is full', async () => {
    const stream = `s-${randomUUID()}`;
    const { positions } = await db.kit.store.append(stream, ['Full', 'Full', 'Other', 'Full'].map(event), { expectedRevision: 'no_stream' });
    await waitUntil(async () => (await db.kit.store.readAll({ after: positions[2] })).length > 0);
    const page = await db.kit.store.readTypes({ types: ['Full'], limit: 2 });
    expect(page.events.map((e) => e.position)).toEqual([positions[0], positions[1]]);
    expect(page.scannedTo).toBe(positions[1]);
    const rest = await db.kit.store.readTypes({ after: page.scannedTo!, types: ['Full'], limit: 2 });
    expect(rest.events.map((e) => e.position)).toEqual([positions[3]]);
  });
});
