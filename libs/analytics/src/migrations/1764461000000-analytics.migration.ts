import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PROJECTIONS } from '../projections/catalogue';

export const ANALYTICS_READER_ROLE = 'analytics_reader';

export class Analytics1764461000000 implements MigrationInterface {
  name = 'Analytics1764461000000';

  async up(runner: QueryRunner): Promise<void> {
    // Projection state that is not for BI (customer ids among it) lives apart from `analytics`.
    await runner.query(`CREATE SCHEMA IF NOT EXISTS projections`);
    // Roles are cluster-wide: created once, by whichever database migrates first.
    await runner.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${ANALYTICS_READER_ROLE}') THEN
          BEGIN
            CREATE ROLE ${ANALYTICS_READER_ROLE} NOLOGIN;
          EXCEPTION
            WHEN insufficient_privilege THEN
              RAISE EXCEPTION 'the role ${ANALYTICS_READER_ROLE} is missing and this user may not create it: run CREATE ROLE ${ANALYTICS_READER_ROLE} NOLOGIN as an administrator, then start again';
            WHEN unique_violation OR duplicate_object THEN
              NULL; -- another database of the cluster created it at the same moment
          END;
        END IF;
      END $$`);
    await runner.query(`GRANT USAGE ON SCHEMA analytics TO ${ANALYTICS_READER_ROLE}`);
    // Which controllers' rows a BI login role may read: a role mapping, not a session setting
    // (a reader can SET any setting it likes, but cannot change its own role memberships).
    await runner.query(`
      CREATE TABLE analytics.reader_scopes (
        role_name name NOT NULL,
        controller_id text NOT NULL,
        PRIMARY KEY (role_name, controller_id)
      )`);
    await runner.query(`ALTER TABLE analytics.reader_scopes ENABLE ROW LEVEL SECURITY`);
    await runner.query(
      `CREATE POLICY own_scopes ON analytics.reader_scopes FOR SELECT TO ${ANALYTICS_READER_ROLE} USING (pg_has_role(current_user, role_name, 'MEMBER'))`,
    );
    await runner.query(`GRANT SELECT ON analytics.reader_scopes TO ${ANALYTICS_READER_ROLE}`);
    await runner.query(`
      CREATE FUNCTION analytics.reader_controllers() RETURNS text[] LANGUAGE sql STABLE AS $$
        SELECT coalesce(array_agg(DISTINCT controller_id), '{}') FROM analytics.reader_scopes WHERE pg_has_role(current_user, role_name, 'MEMBER')
      $$`);
    await runner.query(`GRANT EXECUTE ON FUNCTION analytics.reader_controllers() TO ${ANALYTICS_READER_ROLE}`);
    // The tables as the projections define them (a rebuild creates its shadows from the same DDL;
    // a later change of a table's shape comes with a migration of its own and a rebuild).
    for (const projection of PROJECTIONS) {
      for (const table of projection.tables) {
        const qualified = `${table.schema}.${table.name}`;
        for (const statement of [...table.create(qualified), ...(table.indexes?.(qualified) ?? [])]) await runner.query(statement);
      }
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const projection of [...PROJECTIONS].reverse()) {
      for (const table of projection.tables) await runner.query(`DROP TABLE IF EXISTS ${table.schema}.${table.name}`);
    }
    await runner.query(`DROP FUNCTION IF EXISTS analytics.reader_controllers()`);
    await runner.query(`DROP TABLE IF EXISTS analytics.reader_scopes`);
    await runner.query(`DROP SCHEMA IF EXISTS projections`);
  }
}

