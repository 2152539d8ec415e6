import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { type AnalyticsDataset, seedAnalyticsDataset } from '../../support/analytics-dataset';
import { startTestApp, type TestApp } from '../../support/test-app';
import { tokenFor } from '../../support/tokens';

// BI tools read the `analytics` schema in SQL as a login role that is a member of
// analytics_reader and mapped to controllers in analytics.reader_scopes. Row-level security
// shows it its controllers' rows only, and nothing outside `analytics` is readable at all.
// Roles are cluster-wide: each gets a unique name and is dropped afterwards.

const ANALYTICS_TABLES = ['campaigns', 'budgets', 'sales', 'sales_daily', 'activity_daily', 'responses_daily'];
const FORBIDDEN_TABLES = ['es.events', 'es.checkpoints', 'crypto.data_keys', 'crypto.blind_index', 'app.customers', 'projections.sales_campaigns', 'projections.activity_campaigns', 'projections.activity_customers'];
const INSUFFICIENT_PRIVILEGE = '42501';

describe('analytics row-level security for BI login roles', () => {
  let t: TestApp;
  let d: AnalyticsDataset;
  let dataSource: DataSource;
  const suffix = randomBytes(4).toString('hex');
  const reader = `bi_nordic_${suffix}`;
  const unmapped = `bi_unmapped_${suffix}`;
  const departed = `bi_departed_${suffix}`;
  const password = randomBytes(12).toString('hex');
  const clients: pg.Client[] = [];

  /** A session logged in as `role`. */
  async function connectAs(role: string): Promise<pg.Client> {
    const url = new URL(t.database.url);
    url.username = role;
    url.password = password;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    clients.push(client);
    return client;
  }

  async function denied(client: pg.Client, sql: string): Promise<string | undefined> {
    try {
      await client.query(sql);
      return undefined;
    } catch (error) {
      return (error as { code?: string }).code;
    }
  }

  beforeAll(async () => {
    t = await startTestApp({ withWorker: true });
    dataSource = t.app.get(DataSource);
    d = await seedAnalyticsDataset(t);
    // Every projection has the whole set before SQL readers look.
    const admin = { Authorization: `Bearer ${await tokenFor(t.config, ['admin'])}` };
    for (const route of ['sales', 'budgets', 'activity']) await t.http.get(`/v1/analytics/${route}?waitFor=${d.position}`).set(admin).expect(200);
    for (const role of [reader, unmapped, departed]) await dataSource.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}' IN ROLE analytics_reader`);
    await dataSource.query(`INSERT INTO analytics.reader_scopes (role_name, controller_id) VALUES ($1, 'ctl-nordic')`, [reader]);
  });
  afterAll(async () => {
    for (const client of clients) await client.end().catch(() => undefined);
    await dataSource.query(`DELETE FROM analytics.reader_scopes WHERE role_name = ANY($1::name[])`, [[reader, unmapped, departed]]);
    for (const role of [reader, unmapped, departed]) await dataSource.query(`DROP ROLE IF EXISTS ${role}`);
    await t.close();
  });

  it("a mapped login role sees exactly its controller's rows in every analytics table", async () => {
    const bi = await connectAs(reader);
    expect((await bi.query('SELECT analytics.reader_controllers() AS controllers')).rows).toEqual([{ controllers: ['ctl-nordic'] }]);
    for (const table of ANALYTICS_TABLES) {
      const seen = (await bi.query(`SELECT controller_id, count(*)::int AS n FROM analytics.${table} GROUP BY 1 ORDER BY 1`)).rows;
      const all: { controller_id: string; n: number }[] = await dataSource.query(`SELECT controller_id, count(*)::int AS n FROM analytics.${table} GROUP BY 1 ORDER BY 1`);
      // The owner sees both controllers; the reader only the one it is mapped to, every row of it.
      expect({ table, controllers: all.map((row) => row.controller_id) }).toEqual({ table, controllers: ['ctl-atlantic', 'ctl-nordic'] });
      expect({ table, seen }).toEqual({ table, seen: all.filter((row) => row.controller_id === 'ctl-nordic') });
    }
    // Its figures are the routes' figures for that controller.
    const [sums] = (await bi.query(`SELECT currency, sum(sales)::int AS sales, sum(revenue_minor)::int AS revenue FROM analytics.sales_daily GROUP BY 1 ORDER BY 1`)).rows;
    expect(sums).toEqual({ currency: 'EUR', sales: 3, revenue: 310_000 });
    // Its own mapping only.
    expect((await bi.query('SELECT role_name, controller_id FROM analytics.reader_scopes')).rows).toEqual([{ role_name: reader, controller_id: 'ctl-nordic' }]);
  });

  it('gets permission denied on the event store, keys, customers and private projection state, and cannot write', async () => {
    const bi = await connectAs(reader);
    for (const table of FORBIDDEN_TABLES) expect({ table, code: await denied(bi, `SELECT 1 FROM ${table} LIMIT 1`) }).toEqual({ table, code: INSUFFICIENT_PRIVILEGE });
    expect(await denied(bi, `INSERT INTO analytics.reader_scopes (role_name, controller_id) VALUES (current_user, 'ctl-atlantic')`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await denied(bi, `UPDATE analytics.sales SET amount_minor = 0`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await denied(bi, `DELETE FROM analytics.budgets`)).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it('SET ROLE on an owner session gives the same view (current_user is what the mapping checks)', async () => {
    const owner = new pg.Client({ connectionString: t.database.url });
    await owner.connect();
    clients.push(owner);
    await owner.query(`SET ROLE ${reader}`);
    expect((await owner.query('SELECT current_user AS who, analytics.reader_controllers() AS controllers')).rows).toEqual([{ who: reader, controllers: ['ctl-nordic'] }]);
    expect((await owner.query('SELECT DISTINCT controller_id FROM analytics.sales')).rows).toEqual([{ controller_id: 'ctl-nordic' }]);
    expect(await denied(owner, 'SELECT 1 FROM es.events LIMIT 1')).toBe(INSUFFICIENT_PRIVILEGE);
    await owner.query('RESET ROLE');
  });

  it('a reader with no mapping sees no rows', async () => {
    const bi = await connectAs(unmapped);
    expect((await bi.query('SELECT analytics.reader_controllers() AS controllers')).rows).toEqual([{ controllers: [] }]);
    for (const table of ANALYTICS_TABLES) expect({ table, rows: (await bi.query(`SELECT count(*)::int AS n FROM analytics.${table}`)).rows }).toEqual({ table, rows: [{ n: 0 }] });
  });

  it("a mapping left behind by a dropped role does not break other readers' queries", async () => {
    await dataSource.query(`INSERT INTO analytics.reader_scopes (role_name, controller_id) VALUES ($1, 'ctl-atlantic')`, [departed]);
    await dataSource.query(`DROP ROLE ${departed}`);
    const bi = await connectAs(reader);
    expect((await bi.query('SELECT analytics.reader_controllers() AS controllers')).rows).toEqual([{ controllers: ['ctl-nordic'] }]);
    expect((await bi.query('SELECT DISTINCT controller_id FROM analytics.sales_daily')).rows).toEqual([{ controller_id: 'ctl-nordic' }]);
    expect((await bi.query('SELECT role_name FROM analytics.reader_scopes')).rows).toEqual([{ role_name: reader }]);
  });
});
