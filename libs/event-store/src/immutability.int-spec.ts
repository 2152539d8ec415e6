import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type EventStoreDatabase, openEventStoreDatabase } from '../../../test/support/event-store-database';

describe('es.events is append-only', () => {
  let db: EventStoreDatabase;
  const stream = `immutable-${randomUUID()}`;

  beforeAll(async () => {
    db = await openEventStoreDatabase();
    await db.kit.store.append(
      stream,
      [{ eventId: randomUUID(), type: 'CustomerEnrolled', data: { seller: 's1' }, metadata: { schemaVersion: 1 } }],
      { expectedRevision: 'no_stream' },
    );
  });
  afterAll(() => db.close());

  const stored = async () => (await db.dataSource.query('SELECT count(*)::int AS n, min(data::text) AS data FROM es.events'))[0];

  it.each([
    ['UPDATE', `UPDATE es.events SET data = '{"seller":"forged"}'`],
    ['UPDATE', `UPDATE es.events SET type = 'X' WHERE false`],
    ['DELETE', 'DELETE FROM es.events'],
    ['DELETE', 'DELETE FROM es.events WHERE false'],
    ['TRUNCATE', 'TRUNCATE es.events'],
    ['TRUNCATE', 'TRUNCATE es.events, es.checkpoints'],
  ])('refuses %s (%s), even for the table owner, and leaves the events as they were', async (operation, sql) => {
    await expect(db.dataSource.query(sql)).rejects.toThrow(`es.events is append-only: ${operation} refused`);
    expect(await stored()).toEqual({ n: 1, data: '{"seller": "s1"}' });
  });

  it('still takes new events', async () => {
    const result = await db.kit.store.append(stream, [{ eventId: randomUUID(), type: 'Called', data: {}, metadata: { schemaVersion: 1 } }], { expectedRevision: 0n });
    expect(result.nextRevision).toBe(1n);
    expect((await stored()).n).toBe(2);
  });
});
