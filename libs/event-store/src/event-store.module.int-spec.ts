import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Global, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { openMigratedDatabase, sleep, waitUntil } from '../../../test/support/event-store-database';
import type { TestDatabase } from '../../../test/support/test-database';
import { EventStoreModule } from './event-store.module';
import { EVENT_STORE, type EventStore, type RecordedEvent } from './event-store.port';
import { PostgresEventStore } from './postgres-event-store';
import { SubscriptionRunners } from './subscription-runners';

describe('EventStoreModule', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let app: INestApplicationContext;

  beforeAll(async () => {
    ({ database, dataSource } = await openMigratedDatabase(4));

    // Stands in for the platform's global DatabaseModule.
    @Global()
    @Module({ providers: [{ provide: DataSource, useValue: dataSource }], exports: [DataSource] })
    class DatabaseStandIn {}
    const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
    @Module({ imports: [DatabaseStandIn, EventStoreModule.forRoot({ pollIntervalMs: 50, logger: silent })] })
    class HostModule {}

    app = await NestFactory.createApplicationContext(HostModule, { logger: false });
    await app.init();
  });
  let closed = false;
  afterAll(async () => {
    if (!closed) await app?.close();
    await dataSource.destroy();
    await database.drop();
  });

  const sessions = async () =>
    (
      await dataSource.query(`SELECT application_name FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'campaign-ledger:es-%'`)
    ).map((row: { application_name: string }) => row.application_name);

  it('provides the PostgreSQL adapter under EVENT_STORE, and runners that apply batches with their checkpoint', async () => {
    const store = app.get<EventStore>(EVENT_STORE);
    expect(store).toBe(app.get(PostgresEventStore));

    const stream = `module-${randomUUID()}`;
    const applied: RecordedEvent[] = [];
    const runner = app.get(SubscriptionRunners).start({
      subscriptionId: 'module-test',
      filter: (e) => e.streamId === stream,
      retryMs: 50,
      handler: async (events) => void applied.push(...events),
    });
    const received: RecordedEvent[] = [];
    store.subscribeAll({ filter: (e) => e.streamId === stream }, async (events) => void received.push(...events));

    const { positions } = await store.append(stream, [{ eventId: randomUUID(), type: 'Enrolled', data: {}, metadata: { schemaVersion: 1 } }], {
      expectedRevision: 'no_stream',
    });
    await waitUntil(() => applied.length === 1 && received.length === 1, 5_000, 'delivery');
    await waitUntil(() => runner.position === positions[0], 5_000, 'checkpoint');
    expect(await sessions()).toEqual(expect.arrayContaining(['campaign-ledger:es-listen', 'campaign-ledger:es-lead:module-test']));
  });

  it('closes the LISTEN and leadership connections when the application closes', async () => {
    await app.close();
    closed = true;
    await sleep(100);
    expect(await sessions()).toEqual([]);
  });
});
