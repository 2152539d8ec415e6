import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROJECTIONS, ProjectionRebuilder } from '@app/analytics';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { type AnalyticsDataset, seedAnalyticsDataset } from '../../support/analytics-dataset';
import { analyticsQueries, fetchAnswers } from '../../support/analytics-routes';
import { waitUntil } from '../../support/event-store-database';
import { startTestApp, type TestApp } from '../../support/test-app';
import { tokenFor } from '../../support/tokens';

// A rebuild replays the whole log into shadow tables and swaps them in: the routes must answer
// byte for byte as before, and events appended while it runs must be counted once, whichever of
// the rebuild and the live runner applies them.

describe('projection rebuild', () => {
  let t: TestApp;
  let d: AnalyticsDataset;
  let dataSource: DataSource;
  let rebuilder: ProjectionRebuilder;
  let analyst: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp({ withWorker: true });
    dataSource = t.app.get(DataSource);
    rebuilder = t.app.get(ProjectionRebuilder);
    d = await seedAnalyticsDataset(t);
    analyst = { Authorization: `Bearer ${await tokenFor(t.config, ['analyst'], ['*'], 'bi-analyst')}` };
  });
  afterAll(() => t.close());

  /** A session of its own (not from the app's pool) that can hold locks while the app works. */
  async function session(): Promise<pg.Client & { pid: number }> {
    const client = new pg.Client({ connectionString: t.database.url });
    await client.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return Object.assign(client, { pid: rows[0]!.pid });
  }

  /** Backends waiting for a lock `blockerPid` holds, with what they run. */
  const waitersOf = async (blockerPid: number): Promise<{ pid: number; query: string }[]> =>
    dataSource.query(`SELECT pid, query FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND $1 = ANY(pg_blocking_pids(pid))`, [blockerPid]);

  async function sell(customerKey: keyof AnalyticsDataset['customers'], sellerId: string, sku: string, quantity: number): Promise<string> {
    const res = await t.http.post(`/v1/customers/${d.customers[customerKey]}/sales`).set(d.service).send({ sellerId, sku, quantity, at: '2026-12-10T12:00:00Z' });
    expect(res.status).toBe(201);
    return res.body.position;
  }

  it('rebuilding every projection answers every route byte for byte as before, twice over, with security and grants intact', async () => {
    const queries = [...analyticsQueries(d), '/v1/analytics/records?currency=NOK'];
    const before = await fetchAnswers(t, analyst, queries, d.position);
    expect([...before.values()].every((answer) => answer.status === 200)).toBe(true);

    for (let round = 1; round <= 2; round++) {
      for (const projection of PROJECTIONS) {
        const result = await rebuilder.rebuild(projection.name);
        expect(result).toMatchObject({ projection: projection.name, eventsApplied: expect.any(Number), position: expect.any(String) });
        expect(result.eventsApplied).toBeGreaterThan(0);
        const [{ position }] = await dataSource.query('SELECT position FROM es.checkpoints WHERE subscription_id = $1', [`projection:${projection.name}`]);
        expect(position).toBe(result.position);
      }
      const after = await fetchAnswers(t, analyst, queries, d.position);
      expect(after).toEqual(before);
    }

    // The swapped-in tables are the projections' tables in every respect BI readers rely on.
    const tables: { name: string; rls: boolean; policies: number; readable: boolean }[] = await dataSource.query(
      `SELECT c.relname AS name, c.relrowsecurity AS rls,
              (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies,
              has_table_privilege('analytics_reader', c.oid, 'SELECT') AS readable
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'analytics' AND c.relkind = 'r' AND c.relname <> 'reader_scopes' ORDER BY 1`,
    );
    expect(tables).toEqual(
      ['activity_daily', 'budgets', 'campaigns', 'responses_daily', 'sales', 'sales_daily'].map((name) => ({ name, rls: true, policies: 1, readable: true })),
    );
    const leftovers = await dataSource.query(`SELECT relname FROM pg_class WHERE relname LIKE '%\\_\\_rebuild' AND relkind = 'r'`);
    expect(leftovers).toEqual([]);
  });

  it('while a rebuild runs the routes keep answering from the live tables; sales appended meanwhile are counted exactly once after the swap', async () => {
    const bySeller = async (waitFor?: string) => t.http.get(`/v1/analytics/sales?groupBy=seller${waitFor ? `&waitFor=${waitFor}` : ''}`).set(analyst).expect(200);
    const before = await bySeller(d.position);
    const nokBefore = before.body.totals.find((total: { currency: string }) => total.currency === 'NOK');
    // A shadow left by an interrupted rebuild, held by a reader: the next rebuild starts by dropping
    // it, and waits there.
    await dataSource.query('CREATE TABLE analytics.sales__rebuild (leftover int)');
    const blocker = await session();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE analytics.sales__rebuild IN ACCESS SHARE MODE');
      const rebuilt = rebuilder.rebuild('sales');
      await waitUntil(async () => (await waitersOf(blocker.pid)).some((w) => w.query.includes('DROP TABLE')), 10_000, 'the rebuild started and waiting');

      expect((await bySeller()).text).toBe(before.text);
      await sell('k2', 'seller-anna', 'BB-100', 1); // 49 900
      await sell('k3', 'seller-bjorn', 'TV-MAX', 2); // 59 800
      const last = await sell('k1', 'seller-anna', 'TV-MAX', 1); // 29 900
      expect((await bySeller()).status).toBe(200);

      await blocker.query('COMMIT');
      expect((await rebuilt).projection).toBe('sales');
      const after = await bySeller(last);
      expect(after.body.totals.find((total: { currency: string }) => total.currency === 'NOK')).toEqual({
        currency: 'NOK',
        sales: nokBefore.sales + 3,
        quantity: nokBefore.quantity + 4,
        revenueMinor: nokBefore.revenueMinor + 49_900 + 59_800 + 29_900,
      });
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    }
    // Facts and aggregates agree, and no sale is in twice.
    const [check] = await dataSource.query(
      `SELECT (SELECT count(*)::int FROM analytics.sales) AS facts, (SELECT sum(sales)::int FROM analytics.sales_daily) AS aggregated,
              (SELECT count(*)::int FROM es.events WHERE type = 'ProductRegistered') AS events`,
    );
    expect(check).toEqual({ facts: check.events, aggregated: check.events, events: check.events });
  });

  it('a live batch in flight when the rebuild swaps is waited for, and its events are counted exactly once', async () => {
    const activityOf = async (waitFor: string) => {
      const res = await t.http.get(`/v1/analytics/activity?groupBy=seller&sellerId=seller-carl&waitFor=${waitFor}`).set(analyst).expect(200);
      return res.body.rows[0] as { calls: number; talkSeconds: number; sales: number; revenueMinor: number };
    };
    const before = await activityOf(d.position);
    const blocker = await session();
    try {
      // The live activity runner takes its batch (checkpoint row updated) and then waits on the table.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE analytics.activity_daily IN SHARE MODE');
      const call = await t.http
        .post(`/v1/customers/${d.customers.k5}/calls`)
        .set(d.service)
        .send({ sellerId: 'seller-carl', phone: '+4741000005', startedAt: '2026-12-10T12:00:00Z', durationSeconds: 120 })
        .expect(201);
      expect(call.body.position).toEqual(expect.any(String));
      await waitUntil(async () => (await waitersOf(blocker.pid)).some((w) => w.query.includes('activity_daily')), 10_000, 'the live batch waiting');

      const rebuilt = rebuilder.rebuild('activity');
      // The swap waits for the live batch's transaction, which holds the checkpoint row.
      await waitUntil(
        async () =>
          (await dataSource.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%es.checkpoints%' AND query NOT LIKE 'WITH stored%'`)).length > 0,
        10_000,
        'the rebuild waiting for the live batch',
      );
      const sale = await t.http.post(`/v1/customers/${d.customers.k5}/sales`).set(d.service).send({ sellerId: 'seller-carl', sku: 'BATT', quantity: 1, at: '2026-12-10T12:05:00Z' }).expect(201);

      await blocker.query('COMMIT');
      await rebuilt;
      expect(await activityOf(sale.body.position)).toMatchObject({
        calls: before.calls + 1,
        talkSeconds: before.talkSeconds + 120,
        sales: before.sales + 1,
        revenueMinor: before.revenueMinor + 45_000,
      });
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    }
    const [check] = await dataSource.query(
      `SELECT (SELECT sum(calls)::int FROM analytics.activity_daily) AS calls, (SELECT count(*)::int FROM es.events WHERE type = 'CallLogged') AS events`,
    );
    expect(check.calls).toBe(check.events);
  });
  it('a BI session keeping a live table open does not stall the log while the rebuild waits to swap', async () => {
    const bi = await session();
    try {
      // An idle BI transaction that has read the live aggregates (an ACCESS SHARE lock, no xid).
      await bi.query('BEGIN');
      await bi.query('SELECT count(*) FROM analytics.sales_daily');
      const rebuilt = rebuilder.rebuild('sales');
      await waitUntil(async () => (await waitersOf(bi.pid)).some((w) => w.query.includes('analytics.sales')), 10_000, 'the swap waiting for the BI session');

      // Other projections keep following the log meanwhile: the activity route reaches a new call.
      const call = await t.http
        .post(`/v1/customers/${d.customers.k2}/calls`)
        .set(d.service)
        .send({ sellerId: 'seller-anna', phone: '+4741000002', startedAt: '2026-12-11T12:00:00Z', durationSeconds: 60 })
        .expect(201);
      const activity = await t.http.get(`/v1/analytics/activity?groupBy=seller&sellerId=seller-anna&waitFor=${call.body.position}`).set(analyst);
      expect(activity.status).toBe(200);

      // The swap gave way (it timed out on the lock and let go) rather than waiting the session out.
      expect(t.logLines.some((line) => line.includes('swap gave way'))).toBe(true);
      await bi.query('COMMIT');
      expect((await rebuilt).projection).toBe('sales');
    } finally {
      await bi.query('ROLLBACK').catch(() => undefined);
      await bi.end();
    }
    const [check] = await dataSource.query(
      `SELECT (SELECT count(*)::int FROM analytics.sales) AS facts, (SELECT count(*)::int FROM es.events WHERE type = 'ProductRegistered') AS events`,
    );
    expect(check.facts).toBe(check.events);
  });
});
