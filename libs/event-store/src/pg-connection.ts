import type pg from 'pg';
import type { DataSource } from 'typeorm';

/**
 * Settings for a dedicated `pg.Client` (LISTEN, leader locks) on the same database as the data
 * source: these sessions must outlive any pooled connection, so they never come from the pool.
 */
export function dedicatedClientConfig(dataSource: DataSource, applicationName: string): pg.ClientConfig {
  const options = dataSource.options;
  if (options.type !== 'postgres') throw new TypeError(`the PostgreSQL event store needs a postgres data source, not ${options.type}`);
  return {
    connectionString: options.url,
    host: options.host,
    port: options.port,
    user: options.username,
    password: options.password,
    database: options.database,
    // TypeORM hands the same value to pg; only the typings disagree.
    ssl: options.ssl as pg.ClientConfig['ssl'],
    // PostgreSQL truncates longer names; keep the distinguishing end.
    application_name: applicationName.slice(-63),
    keepAlive: true,
  };
}
