import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MIGRATIONS_TABLE, openDatabase, PLATFORM_SCHEMAS, runMigrations } from '@app/platform';
import { type DataSource } from 'typeorm';
import { MIGRATIONS } from '../../apps/migrations';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('schema migrations', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ empty: true });
  });
  afterAll(() => database.drop());

  const appliedNames = async (dataSource: DataSource) =>
    (await dataSource.query(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY id`)).map((row: { name: string }) => row.name);

  it('apply on an empty database, creating one schema per concern', async () => {
    const dataSource = await openDatabase({ url: database.url, migrations: MIGRATIONS });
    try {
      const schemas = await dataSource.query(`SELECT nspname FROM pg_namespace WHERE nspname = ANY($1) ORDER BY nspname`, [[...PLATFORM_SCHEMAS]]);
      expect(schemas.map((row: { nspname: string }) => row.nspname)).toEqual([...PLATFORM_SCHEMAS].sort());
      expect(await appliedNames(dataSource)).toEqual(MIGRATIONS.map((migration) => new migration().name));
    } finally {
      await dataSource.destroy();
    }
  });

  it('are idempotent on a second start: nothing is applied twice', async () => {
    const dataSource = await openDatabase({ url: database.url, migrations: MIGRATIONS });
    try {
      expect(await runMigrations(dataSource)).toEqual([]);
      expect(await appliedNames(dataSource)).toHaveLength(MIGRATIONS.length);
    } finally {
      await dataSource.destroy();
    }
  });

  it('two processes starting at once on a fresh database apply each migration once', async () => {
    const fresh = await createTestDatabase({ empty: true });
    try {
      const [a, b] = await Promise.all([0, 1].map(() => openDatabase({ url: fresh.url, migrations: MIGRATIONS })));
      try {
        expect(await appliedNames(a)).toHaveLength(MIGRATIONS.length);
      } finally {
        await Promise.all([a.destroy(), b.destroy()]);
      }
    } finally {
      await fresh.drop();
    }
  });
});
