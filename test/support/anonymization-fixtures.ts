import { expect } from '@jest/globals';
import { type Role } from '@app/platform';
import { DataSource } from 'typeorm';
import type { TestApp } from './test-app';
import { tokenFor } from './tokens';

export const bearer = async (t: TestApp, roles: Role[], controllers = ['*'], subject = 'officer-7', claims: { sellerId?: string } = {}) => ({
  Authorization: `Bearer ${await tokenFor(t.config, roles, controllers, subject, claims)}`,
});

/** Another campaign of a controller that is registered already (seedCampaign registers a new one). */
export async function createCampaign(t: TestApp, auth: Record<string, string>, controllerId: string, sellerId: string, name = 'Spring broadband'): Promise<string> {
  const created = await t.http
    .post('/v1/campaigns')
    .set(auth)
    .send({
      controllerId,
      name,
      purpose: 'Telemarketing of broadband',
      startsOn: '2026-12-01',
      endsOn: '2026-12-31',
      currency: 'NOK',
      products: [{ sku: 'BB-100', name: 'Broadband 100', unitPriceMinor: 49_900 }],
      budgets: [{ sellerId, targetMinor: 1_000_000 }],
      responseCodes: ['sold', 'call-back', 'not-interested'],
    })
    .expect(201);
  return created.body.campaignId as string;
}

/** Needles for markers: phones are also looked for as digits only and in E.164. */
export function needlesOf(markers: Record<string, string>): string[] {
  return [
    ...Object.values(markers).filter((v) => !v.startsWith('+')),
    ...Object.values(markers)
      .filter((v) => v.startsWith('+'))
      .flatMap((v) => [v, v.replace(/[^\d]/g, ''), v.replace(/ /g, '')]),
  ];
}

/** Every row of every table as text, searched for each needle (and its hex form, for bytea). Returns the hits. */
export async function scanTables(t: TestApp, needles: string[]): Promise<{ hits: string[]; rowsScanned: number }> {
  const dataSource = t.app.get(DataSource);
  const tables: { schema: string; name: string }[] = await dataSource.query(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
  );
  expect(tables.map((table) => `${table.schema}.${table.name}`)).toEqual(expect.arrayContaining(['es.events', 'crypto.data_keys', 'compliance.audit_log', 'compliance.certificates']));
  const hits: string[] = [];
  let rowsScanned = 0;
  for (const table of tables) {
    const rows: { row: string }[] = await dataSource.query(`SELECT t::text AS row FROM "${table.schema}"."${table.name}" t`);
    rowsScanned += rows.length;
    for (const { row } of rows) {
      const text = row.toLowerCase();
      for (const needle of needles) {
        if (text.includes(needle.toLowerCase()) || text.includes(Buffer.from(needle).toString('hex'))) hits.push(`${table.schema}.${table.name}: ${needle}`);
      }
    }
  }
  return { hits, rowsScanned };
}

/** Live (not destroyed) data keys of a campaign, by scope. */
export async function liveKeys(t: TestApp, campaignId: string): Promise<Record<string, number>> {
  const rows: { scope: string; n: string }[] = await t.app
    .get(DataSource)
    .query(`SELECT scope, count(*) AS n FROM crypto.data_keys WHERE campaign_id = $1 AND wrapped IS NOT NULL GROUP BY scope`, [campaignId]);
  return Object.fromEntries(rows.map((row) => [row.scope, Number(row.n)]));
}
