import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ANALYTICS_READER_ROLE } from './1764461000000-analytics.migration';

// Readers are matched to their mappings through pg_roles. pg_has_role() given a role *name*
// raises "role does not exist", and a mapping outlives the role it names (there is no foreign
// key into pg_authid): one mapping left behind by a DROP ROLE made every BI query on every
// analytics table fail, for every reader. Names from pg_roles always exist.
const MY_ROLE_NAMES = `SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER')`;

export class AnalyticsReaderScopes1764461100000 implements MigrationInterface {
  name = 'AnalyticsReaderScopes1764461100000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP POLICY own_scopes ON analytics.reader_scopes`);
    await runner.query(`CREATE POLICY own_scopes ON analytics.reader_scopes FOR SELECT TO ${ANALYTICS_READER_ROLE} USING (role_name IN (${MY_ROLE_NAMES}))`);
    await runner.query(`
      CREATE OR REPLACE FUNCTION analytics.reader_controllers() RETURNS text[] LANGUAGE sql STABLE AS $$
        SELECT coalesce(pg_catalog.array_agg(DISTINCT s.controller_id), '{}')
          FROM analytics.reader_scopes s WHERE s.role_name IN (${MY_ROLE_NAMES})
      $$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP POLICY own_scopes ON analytics.reader_scopes`);
    await runner.query(
      `CREATE POLICY own_scopes ON analytics.reader_scopes FOR SELECT TO ${ANALYTICS_READER_ROLE} USING (pg_has_role(current_user, role_name, 'MEMBER'))`,
    );
    await runner.query(`
      CREATE OR REPLACE FUNCTION analytics.reader_controllers() RETURNS text[] LANGUAGE sql STABLE AS $$
        SELECT coalesce(array_agg(DISTINCT controller_id), '{}') FROM analytics.reader_scopes WHERE pg_has_role(current_user, role_name, 'MEMBER')
      $$`);
  }
}
