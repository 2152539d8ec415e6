import { createPostgresEventStore, type EventStoreLogger, type EventStoreOptions, type PostgresEventStoreKit } from '@app/event-store';
import { openDatabase } from '@app/platform';
import type { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../apps/migrations';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface EventStoreDatabase {
  database: TestDatabase;
  dataSource: DataSource;
  kit: PostgresEventStoreKit;
  /** What the event store logged (warnings about lost connections, failed batches). */
  logged: string[];
  close(): Promise<void>;
}

/** A fresh database with every migration applied, and a data source on it. */
export async function openMigratedDatabase(poolSize = 10): Promise<{ database: TestDatabase; dataSource: DataSource }> {
  const database = await createTestDatabase();
  return { database, dataSource: await openDatabase({ url: database.url, migrations: MIGRATIONS, poolSize }) };
}

/** A fresh migrated database with the PostgreSQL event store on it, built without Nest. */
export async function openEventStoreDatabase(options: EventStoreOptions & { poolSize?: number } = {}): Promise<EventStoreDatabase> {
  const { database, dataSource } = await openMigratedDatabase(options.poolSize);
  const logged: string[] = [];
  const logger: EventStoreLogger = {
    log: (message: unknown) => void logged.push(`log: ${String(message)}`),
    warn: (message: unknown) => void logged.push(`warn: ${String(message)}`),
    error: (message: unknown) => void logged.push(`error: ${String(message)}`),
  };
  const kit = createPostgresEventStore(dataSource, { logger, ...options });
  return {
    database,
    dataSource,
    kit,
    logged,
    close: async () => {
      await kit.close();
      await dataSource.destroy();
      await database.drop();
    },
  };
}

export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
