import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { type EventStoreDatabase, openEventStoreDatabase } from '../../../test/support/event-store-database';
import { EventStoreModule } from './event-store.module';
import type { Position } from './event-store.port';
import { comparePositions, encodePosition } from './position.codec';
import { assertEventLogReadable, TransactionIdsAhead } from './restored-log.check';

const EPOCH = 1n << 32n;

/**
 * A pg_dump of a busy cluster restored into a fresh one: the rows keep their position and their
 * transaction_id (COPY writes both), and the source cluster's counter was ahead of the target's.
 * Three epochs ahead here, so the rows stay above this test cluster's counter for good.
 */
async function restoreInto(target: EventStoreDatabase, source: EventStoreDatabase, epochsAhead: bigint): Promise<Position> {
  const rows: { position: string; transaction_id: string }[] = await source.dataSource.query(
    `SELECT position::text, transaction_id::text, stream_id, stream_revision, event_id, type, data, metadata, recorded_at
     FROM es.events ORDER BY position`,
  );
  const restored = rows.map((row) => ({ ...row, transaction_id: (BigInt(row.transaction_id) + epochsAhead * EPOCH).toString() }));
  await target.dataSource.query(
    `INSERT INTO es.events (position, transaction_id, stream_id, stream_revision, event_id, type, data, metadata, recorded_at)
     OVERRIDING SYSTEM VALUE
     SELECT position, transaction_id::xid8, stream_id, stream_revision, event_id, type, data, metadata, recorded_at
     FROM jsonb_to_recordset($1::jsonb) AS r(position bigint, transaction_id text, stream_id text, stream_revision bigint,
       event_id uuid, type text, data jsonb, metadata jsonb, recorded_at timestamptz)`,
    [JSON.stringify(restored)],
  );
  // pg_dump sets the identity sequence past the restored positions.
  await target.dataSource.query(`SELECT setval(pg_get_serial_sequence('es.events', 'position'), (SELECT max(position) FROM es.events))`);
  const last = restored.at(-1)!;
  const checkpoint = encodePosition({ transactionId: BigInt(last.transaction_id), position: BigInt(last.position) });
  // A projection that had read the whole log before the dump.
  await target.dataSource.query('INSERT INTO es.checkpoints (subscription_id, position) VALUES ($1, $2)', ['sales-by-seller', checkpoint]);
  return checkpoint;
}

const event = (i: number) => ({ eventId: randomUUID(), type: 'SaleRegistered', data: { i }, metadata: { schemaVersion: 1 } });

describe('an event log restored from a logical dump into a younger cluster', () => {
  let source: EventStoreDatabase;
  let restored: EventStoreDatabase;
  let checkpoint: Position;

  beforeAll(async () => {
    [source, restored] = await Promise.all([openEventStoreDatabase(), openEventStoreDatabase()]);
    await source.kit.store.append('campaign-1', [event(1), event(2), event(3)], { expectedRevision: 'no_stream' });
    checkpoint = await restoreInto(restored, source, 3n);
  });
  afterAll(async () => {
    await Promise.all([source?.close(), restored?.close()]);
  });

  it('hides the restored events from readAll, and a new event sorts before the restored checkpoint', async () => {
    expect((await source.kit.store.readAll()).map((e) => e.data)).toEqual([{ i: 1 }, { i: 2 }, { i: 3 }]);
    const [{ count }] = await restored.dataSource.query('SELECT count(*)::int AS count FROM es.events');
    expect(count).toBe(3);
    expect(await restored.kit.store.readAll()).toEqual([]);

    await restored.kit.store.append('campaign-2', [event(4)], { expectedRevision: 'no_stream' });
    // readAll shows an event once no older transaction is open anywhere in the cluster (other
    // test files run beside this one): wait for that, not for a fixed time.
    let visible = await restored.kit.store.readAll();
    for (const deadline = Date.now() + 10_000; visible.length === 0 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      visible = await restored.kit.store.readAll();
    }
    expect(visible.map((e) => e.data)).toEqual([{ i: 4 }]);
    // A projection resuming from its restored checkpoint would skip the new event for good.
    expect(comparePositions(visible[0]!.position, checkpoint)).toBeLessThan(0);
  });

  it('is refused by the start-up check with one line that names the fix', async () => {
    await expect(assertEventLogReadable(source.dataSource)).resolves.toBeUndefined();

    const refusal = await assertEventLogReadable(restored.dataSource).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(TransactionIdsAhead);
    const { message, newest, next, target } = refusal as TransactionIdsAhead;
    expect(message).not.toContain('\n');
    expect(message).toMatch(/^es\.events holds events of transaction \d+ but this PostgreSQL cluster's next transaction id is \d+/);
    expect(message).toContain(`pg_resetwal -e ${target.epoch} -x ${target.xid} <data directory>`);
    expect(message).toContain('docs/operations.md, "Backups and restore"');
    const [{ newest: stored }] = await restored.dataSource.query('SELECT max(transaction_id)::text AS newest FROM es.events');
    expect(newest).toBe(BigInt(stored));
    expect(next).toBeLessThanOrEqual(newest);
    // The suggested counter is past every restored transaction.
    expect(target.epoch * EPOCH + target.xid).toBeGreaterThan(newest);
  });

  it('stops a Nest host that loads the event store (api and worker alike) at init', async () => {
    @Global()
    @Module({ providers: [{ provide: DataSource, useValue: restored.dataSource }], exports: [DataSource] })
    class DatabaseStandIn {}
    const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
    @Module({ imports: [DatabaseStandIn, EventStoreModule.forRoot({ logger: silent })] })
    class HostModule {}

    // Nest initializes an application context as it creates it.
    await expect(NestFactory.createApplicationContext(HostModule, { logger: false, abortOnError: false })).rejects.toBeInstanceOf(TransactionIdsAhead);
  });
});
