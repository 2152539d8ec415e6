import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ProductRegistered } from '@app/campaigns';
import { comparePositions, type Position, SealingEventStore } from '@app/event-store';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { waitUntil } from '../../support/event-store-database';
import { startTestApp, type TestApp } from '../../support/test-app';
import { tokenFor } from '../../support/tokens';
import { startWorkerContext, type WorkerContext } from '../../support/worker-context';

// Projections apply each event exactly once: a catch-up batch whose connection is killed in the
// middle commits nothing (its checkpoint moves with its rows), and two workers on one database
// take turns, one leader per projection, without applying anything twice.

// More than one catch-up batch (2,000 events) of enrollments and sales.
const CUSTOMERS = 300;
const SALES_PER_CUSTOMER = 7;
const PROJECTIONS = ['campaigns', 'sales', 'activity'];

describe('projections apply every event exactly once', () => {
  let t: TestApp;
  let dataSource: DataSource;
  let service: Record<string, string>;
  let analyst: Record<string, string>;
  let campaignId: string;
  let customerIds: string[];
  const workers: WorkerContext[] = [];
  const workerLog: string[] = [];
  /** Every sale written, as the domain would: what the totals must come to. */
  const written: { quantity: number; amountMinor: number }[] = [];

  beforeAll(async () => {
    // The api alone: no projection runs until a worker starts.
    t = await startTestApp();
    dataSource = t.app.get(DataSource);
    service = { Authorization: `Bearer ${await tokenFor(t.config, ['service'], ['*'], 'dialer')}` };
    analyst = { Authorization: `Bearer ${await tokenFor(t.config, ['analyst'], ['*'], 'bi-analyst')}` };
    await t.http.post('/v1/controllers').set(service).send({ id: 'ctl-volume', name: 'Volume AS' }).expect(201);
    for (const seller of ['seller-a', 'seller-b']) await t.http.put(`/v1/sellers/${seller}`).set(service).send({ name: 'Seller' }).expect(200);
    const created = await t.http
      .post('/v1/campaigns')
      .set(service)
      .send({
        controllerId: 'ctl-volume',
        name: 'Volume',
        purpose: 'Load',
        startsOn: '2026-12-01',
        endsOn: '2026-12-31',
        currency: 'NOK',
        products: [{ sku: 'BB-100', name: 'Broadband', unitPriceMinor: 1_000 }],
      })
      .expect(201);
    campaignId = created.body.campaignId;
    const enrolled = await t.http
      .post(`/v1/campaigns/${campaignId}/customers`)
      .set(service)
      .send({ customers: Array.from({ length: CUSTOMERS }, (_, i) => ({ customerRef: `VOL-${i}` })) })
      .expect(201);
    customerIds = enrolled.body.customerIds;

    // Volume: sales appended straight to the (sealing) event store with the plain data the
    // domain writes, far faster than thousands of HTTP requests. They carry no personal slot.
    const store = t.app.get(SealingEventStore);
    const queue = [...customerIds.entries()];
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const [c, customerId] = next;
          const sales: ProductRegistered[] = Array.from({ length: SALES_PER_CUSTOMER }, (_, s) => {
            const quantity = 1 + ((c + s) % 3);
            const unitPriceMinor = 1_000 + ((c * 7 + s) % 11) * 100;
            return {
              type: 'ProductRegistered',
              data: {
                interactionId: randomUUID(),
                campaignId,
                sellerId: s % 2 === 0 ? 'seller-a' : 'seller-b',
                sku: 'BB-100',
                quantity,
                unitPriceMinor,
                amountMinor: quantity * unitPriceMinor,
                currency: 'NOK',
                at: `2026-12-${String(10 + (s % 5)).padStart(2, '0')}T10:00:00.000Z`,
              },
            };
          });
          await store.append(`customer-${customerId}`, sales, { expectedRevision: 'any', keys: {} });
          written.push(...sales.map((sale) => ({ quantity: sale.data.quantity, amountMinor: sale.data.amountMinor })));
        }
      }),
    );
  });
  afterAll(async () => {
    for (const worker of workers) await worker.close().catch(() => undefined);
    await t.close();
  });

  async function startWorker(): Promise<WorkerContext> {
    const worker = await startWorkerContext(t.config, t.database.url, workerLog);
    workers.push(worker);
    return worker;
  }

  async function sellOverHttp(customerId: string, quantity: number): Promise<string> {
    const res = await t.http.post(`/v1/customers/${customerId}/sales`).set(service).send({ sellerId: 'seller-b', sku: 'BB-100', quantity, at: '2026-12-20T10:00:00Z' }).expect(201);
    written.push({ quantity, amountMinor: quantity * 1_000 });
    return res.body.position;
  }

  /** What every table must hold once the projections have caught up: each sale once. */
  async function expectTotalsEqualTheEvents(position: string): Promise<void> {
    const sales = written.length;
    const quantity = written.reduce((sum, sale) => sum + sale.quantity, 0);
    const revenueMinor = written.reduce((sum, sale) => sum + sale.amountMinor, 0);
    const bySeller = await t.http.get(`/v1/analytics/sales?groupBy=campaign&waitFor=${position}`).set(analyst).expect(200);
    expect(bySeller.body.totals).toEqual([{ currency: 'NOK', sales, quantity, revenueMinor }]);
    const activity = await t.http.get(`/v1/analytics/activity?groupBy=campaign&waitFor=${position}`).set(analyst).expect(200);
    expect(activity.body.rows).toEqual([expect.objectContaining({ key: campaignId, sales, revenueMinor })]);
    const [tables] = await dataSource.query(
      `SELECT (SELECT count(*)::int FROM analytics.sales) AS facts,
              (SELECT count(DISTINCT interaction_id)::int FROM analytics.sales) AS distinct_facts,
              (SELECT count(*)::int FROM es.events WHERE type = 'ProductRegistered') AS sale_events,
              (SELECT count(*)::int FROM projections.activity_customers) AS customers,
              (SELECT count(*)::int FROM analytics.campaigns) AS campaigns`,
    );
    expect(tables).toEqual({ facts: sales, distinct_facts: sales, sale_events: sales, customers: CUSTOMERS, campaigns: 1 });
  }

  const leadersOf = (name: string) => workers.filter((w) => w.runners.find((r) => r.subscriptionId === `projection:${name}`)?.isLeader).length;

  it('a catch-up batch killed in the middle commits nothing; the retry applies it once', async () => {
    expect(written.length).toBe(CUSTOMERS * SALES_PER_CUSTOMER);
    // Hold the aggregates so that the first batches of sales and activity stop half-way: after
    // moving their checkpoints (and storing the activity's customers), before their rows.
    const blocker = new pg.Client({ connectionString: t.database.url });
    await blocker.connect();
    const [{ pid: blockerPid }] = (await blocker.query('SELECT pg_backend_pid() AS pid')).rows;
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE analytics.sales_daily, analytics.activity_daily IN SHARE MODE');
    let victims: { pid: number; checkpoint_locked: boolean; context_written: boolean }[] = [];
    try {
      await startWorker();
      await waitUntil(
        async () => {
          victims = await dataSource.query(
            `SELECT a.pid,
                    EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.relation = 'es.checkpoints'::regclass AND l.mode = 'RowExclusiveLock' AND l.granted) AS checkpoint_locked,
                    EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.relation = 'projections.activity_customers'::regclass AND l.mode = 'RowExclusiveLock' AND l.granted) AS context_written
               FROM pg_stat_activity a
              WHERE a.wait_event_type = 'Lock' AND $1 = ANY(pg_blocking_pids(a.pid))`,
            [blockerPid],
          );
          return victims.length === 2;
        },
        20_000,
        'the sales and activity batches waiting',
      );
      // Both are mid-batch: checkpoint moved in their transaction; the activity one has stored customers too.
      expect(victims.map((v) => v.checkpoint_locked)).toEqual([true, true]);
      expect(victims.filter((v) => v.context_written)).toHaveLength(1);
      const terminated = await dataSource.query('SELECT pg_terminate_backend(pid) AS done FROM unnest($1::int[]) AS pid', [victims.map((v) => v.pid)]);
      expect(terminated).toEqual([{ done: true }, { done: true }]);
    } finally {
      await blocker.query('COMMIT').catch(() => undefined);
      await blocker.end();
    }

    const last = await sellOverHttp(customerIds[0], 2);
    await expectTotalsEqualTheEvents(last);
    // Nest's logger is one per process: the worker's runners may log through the api's.
    const log = [...workerLog, ...t.logLines].join('\n');
    for (const name of ['sales', 'activity']) expect(log).toContain(`projection:${name}: batch failed, retrying: terminating connection due to administrator command`);
    expect(workers[0].runners.map((r) => r.isLeader)).toEqual([true, true, true]);
  });

  it('a second worker on the same database: one leader per projection at a time, and nothing applied twice', async () => {
    const [first] = workers;
    let mostLeaders = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const name of PROJECTIONS) mostLeaders = Math.max(mostLeaders, leadersOf(name));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    try {
      const second = await startWorker();
      // While the first leads, the second waits its turn, and new events are still applied once.
      let last = await sellOverHttp(customerIds[1], 1);
      await expectTotalsEqualTheEvents(last);
      expect(second.runners.map((r) => r.isLeader)).toEqual([false, false, false]);

      // The first stops; the second takes every projection over from the stored checkpoints.
      const selling = Promise.all([3, 1, 2].map((quantity, i) => sellOverHttp(customerIds[2 + i], quantity)));
      await first.close();
      workers.splice(workers.indexOf(first), 1);
      await selling;
      await waitUntil(() => second.runners.every((r) => r.isLeader), 10_000, 'the second worker leading');
      last = await sellOverHttp(customerIds[5], 2);
      await expectTotalsEqualTheEvents(last);

      const checkpoints: { subscription_id: string; position: string }[] = await dataSource.query(
        `SELECT subscription_id, position FROM es.checkpoints WHERE subscription_id LIKE 'projection:%' ORDER BY 1`,
      );
      expect(checkpoints.map((c) => c.subscription_id)).toEqual(['projection:activity', 'projection:campaigns', 'projection:sales']);
      for (const checkpoint of checkpoints) expect(comparePositions(checkpoint.position as Position, last as Position)).toBeGreaterThanOrEqual(0);
    } finally {
      sampling = false;
      await sampler;
    }
    expect(mostLeaders).toBe(1);
  });
});
