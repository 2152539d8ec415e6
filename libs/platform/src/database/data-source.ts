import { DataSource, type DataSourceOptions, type MixedList, type MigrationInterface, type EntitySchema } from 'typeorm';

// Entity and migration lists are classes, never globs: the same code runs from sources (tests) and dist.
type EntityList = MixedList<Function | string | EntitySchema>;
export type MigrationList = (new () => MigrationInterface)[];

export interface DatabaseSettings {
  url: string;
  migrations: MigrationList;
  entities?: EntityList;
  applicationName?: string;
  poolSize?: number;
}

export const MIGRATIONS_TABLE = 'typeorm_migrations';

export function dataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    entities: settings.entities ?? [],
    migrations: settings.migrations,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsRun: false,
    synchronize: false,
    logging: false,
    applicationName: settings.applicationName ?? 'campaign-ledger',
    extra: {
      max: settings.poolSize ?? 10,
      // A forgotten open transaction holds back every event-store reader; cut it off.
      options: '-c idle_in_transaction_session_timeout=60000',
    },
  };
}

// Any constant works; it only has to be the same in every process migrating this database.
const MIGRATION_LOCK_KEY = 7_301_442_019;

/**
 * Applies pending migrations under a session advisory lock, so an api and a worker starting
 * together against one database never run the same migration twice. Returns the names applied.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
  }
}

/** Opens a data source and brings its schema up to date. */
export async function openDatabase(settings: DatabaseSettings): Promise<DataSource> {
  const dataSource = new DataSource(dataSourceOptions(settings));
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
