// Analytics benchmark, run from the build:
//   npm run bench:analytics
// Starts its own embedded PostgreSQL (ephemeral settings: fsync off), writes 1,000,000 sales and
// 250,000 other events straight into es.events in their stored form, then measures: each
// projection's rebuild rate against the raw readAll rate, grouped sales queries over the
// 1,000,000-row facts (served from the aggregates), and live lag at 1,000 events/s.
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { campaignsMigrations } from '@app/campaigns';
import { cryptoMigrations } from '@app/crypto-shredding';
import { createPostgresEventStore, eventStoreMigrations, type Position, type RecordedEvent } from '@app/event-store';
import { openDatabase, platformMigrations, startEmbeddedPostgres } from '@app/platform';
import type { DataSource } from 'typeorm';
import { analyticsMigrations } from '../migrations';
import { PROJECTIONS, projectionNamed } from '../projections/catalogue';
import { subscriptionIdOf } from '../projections/projection';
import { ProjectionRebuilder } from '../projections/projection-rebuilder';
import { applyBatch, PROJECTION_BATCH_SIZE } from '../projections/projection-worker';
import type { AnalyticsFilters } from '../queries/analytics-filters';
import { AnalyticsQueries, type SalesGrouping } from '../queries/analytics-queries';

const SALES = Number(process.env.BENCH_SALES ?? 1_000_000);
const CUSTOMERS = 50_000;
const OTHER_INTERACTIONS = Math.round(SALES / 4);
const CAMPAIGNS = 20;
const SELLERS = 50;
const SKUS = 20;
const LIVE_RATE = 1_000;
const LIVE_SECONDS = 10;

const print = (line: string) => void process.stdout.write(`${line}\n`);
const quiet = { log: () => undefined, warn: (m: unknown) => print(`  warn: ${String(m)}`), error: (m: unknown) => print(`  error: ${String(m)}`) };
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const campaignId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

/** The log as the API would have written it (plain parts only: sealed slots play no part here). */
async function seed(dataSource: DataSource): Promise<number> {
  const campaigns = Array.from({ length: CAMPAIGNS }, (_, i) => ({
    campaignId: campaignId(i),
    controllerId: `controller-${i % 4}`,
    name: `Campaign ${i}`,
    purpose: 'bench',
    startsOn: '2026-01-01',
    endsOn: '2026-12-31',
    currency: i % 2 === 0 ? 'NOK' : 'USD',
    timeZone: i % 2 === 0 ? 'Europe/Oslo' : 'America/New_York',
    products: Array.from({ length: SKUS }, (_, s) => ({ sku: `SKU-${s}`, name: `Product ${s}`, unitPriceMinor: 1000 * (s + 1) })),
    budgets: Array.from({ length: SELLERS }, (_, s) => ({ sellerId: `seller-${s}`, targetMinor: 10_000_000 })),
    responseCodes: ['sold', 'call-back', 'no'],
    retention: null,
    at: '2026-01-01T08:00:00.000Z',
  }));
  await dataSource.query(
    `INSERT INTO es.events (stream_id, stream_revision, event_id, type, data, metadata)
     SELECT 'campaign-' || (c->>'campaignId'), 0, gen_random_uuid(), 'CampaignCreated', jsonb_build_object('plain', c), '{"schemaVersion":1}'
       FROM jsonb_array_elements($1::jsonb) AS c`,
    [JSON.stringify(campaigns)],
  );
  await dataSource.query(
    `INSERT INTO es.events (stream_id, stream_revision, event_id, type, data, metadata)
     SELECT 'customer-' || $2 || lpad(i::text, 12, '0'), 0, gen_random_uuid(), 'CustomerEnrolled',
            jsonb_build_object('plain', jsonb_build_object('customerId', $2 || lpad(i::text, 12, '0'), 'campaignId', $3 || lpad((i % $4)::text, 12, '0'),
              'controllerId', 'controller-' || ((i % $4) % 4), 'at', '2026-01-01T09:00:00.000Z')), '{"schemaVersion":1}'
       FROM generate_series(0, $1 - 1) AS i`,
    [CUSTOMERS, '00000000-0000-4000-9000-', '00000000-0000-4000-8000-', CAMPAIGNS],
  );
  // Sales: revision 1.. per customer stream; every sale in its customer's campaign.
  await dataSource.query(
    `INSERT INTO es.events (stream_id, stream_revision, event_id, type, data, metadata)
     SELECT 'customer-' || $2 || lpad((i % $3)::text, 12, '0'), 1 + i / $3, gen_random_uuid(), 'ProductRegistered',
            jsonb_build_object('plain', jsonb_build_object(
              'interactionId', gen_random_uuid(), 'campaignId', $4 || lpad(((i % $3) % $5)::text, 12, '0'), 'sellerId', 'seller-' || (i % $6),
              'sku', 'SKU-' || (i % $7), 'quantity', 1 + i % 3, 'unitPriceMinor', 1000 * (1 + i % $7), 'amountMinor', 1000 * (1 + i % $7) * (1 + i % 3),
              'currency', CASE WHEN ((i % $3) % $5) % 2 = 0 THEN 'NOK' ELSE 'USD' END,
              'at', to_char(timestamptz '2026-01-01 08:00:00+00' + (i % 86400) * interval '6 minutes', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))),
            '{"schemaVersion":1}'
       FROM generate_series(0, $1 - 1) AS i`,
    [SALES, '00000000-0000-4000-9000-', CUSTOMERS, '00000000-0000-4000-8000-', CAMPAIGNS, SELLERS, SKUS],
  );
  const firstFree = 1 + Math.ceil(SALES / CUSTOMERS);
  await dataSource.query(
    `INSERT INTO es.events (stream_id, stream_revision, event_id, type, data, metadata)
     SELECT 'customer-' || $2 || lpad((i % $3)::text, 12, '0'), $4 + i / $3,
            gen_random_uuid(), (ARRAY['SmsLogged','EmailLogged','CallLogged','ResponseRegistered'])[1 + i % 4],
            jsonb_build_object('plain', jsonb_build_object('interactionId', gen_random_uuid(), 'sellerId', 'seller-' || (i % $5), 'direction', 'outbound',
              'code', 'call-back', 'durationSeconds', 60 + i % 600,
              'startedAt', to_char(timestamptz '2026-01-01 08:00:00+00' + (i % 86400) * interval '6 minutes', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
              'at', to_char(timestamptz '2026-01-01 08:00:00+00' + (i % 86400) * interval '6 minutes', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))),
            '{"schemaVersion":1}'
       FROM generate_series(0, $1 - 1) AS i`,
    [OTHER_INTERACTIONS, '00000000-0000-4000-9000-', CUSTOMERS, firstFree, SELLERS],
  );
  await dataSource.query('VACUUM ANALYZE es.events');
  const [{ n }] = await dataSource.query('SELECT count(*)::int AS n FROM es.events');
  return n;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'analytics-bench-'));
  await chmod(dir, 0o711);
  const server = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), port: 55000 + Math.floor(Math.random() * 1000), ephemeral: true });
  try {
    const url = await server.ensureDatabase('bench');
    const dataSource = await openDatabase({ url, migrations: [...platformMigrations, ...cryptoMigrations, ...eventStoreMigrations, ...campaignsMigrations, ...analyticsMigrations], poolSize: 6 });
    const kit = createPostgresEventStore(dataSource, { logger: quiet });
    print(`machine: ${cpus().length} cpus, node ${process.version}; ${SALES.toLocaleString('en')} sales`);

    let started = performance.now();
    const total = await seed(dataSource);
    print(`seeded ${total.toLocaleString('en')} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // The floor: reading the whole log through the port.
    started = performance.now();
    let read = 0;
    let after: Position | undefined;
    for (;;) {
      const events = await kit.store.readAll({ after, limit: 5000 });
      if (events.length === 0) break;
      read += events.length;
      after = events.at(-1)!.position;
    }
    const rawRate = read / ((performance.now() - started) / 1000);
    print(`readAll: ${Math.round(rawRate).toLocaleString('en')} events/s`);

    const rebuilder = new ProjectionRebuilder(dataSource, kit.store);
    for (const projection of PROJECTIONS) {
      const result = await rebuilder.rebuild(projection.name);
      const seconds = result.elapsedMs / 1000;
      print(
        `rebuild ${projection.name}: ${result.eventsApplied.toLocaleString('en')} of ${total.toLocaleString('en')} events applied in ${seconds.toFixed(1)} s: ` +
          `${Math.round(result.eventsApplied / seconds).toLocaleString('en')} applied/s, ${Math.round(total / seconds).toLocaleString('en')} log events/s ` +
          `(${(total / seconds / rawRate).toFixed(2)}x readAll) [goal >= 30,000 events/s]`,
      );
    }
    await dataSource.query('VACUUM ANALYZE analytics.sales_daily');
    const [{ facts, aggregates }] = await dataSource.query(`SELECT (SELECT count(*) FROM analytics.sales)::int AS facts, (SELECT count(*) FROM analytics.sales_daily)::int AS aggregates`);
    print(`analytics.sales: ${facts.toLocaleString('en')} rows; analytics.sales_daily: ${aggregates.toLocaleString('en')} rows`);

    const queries = new AnalyticsQueries(dataSource);
    for (const groupBy of ['seller', 'campaign', 'product', 'day', 'month'] as SalesGrouping[]) {
      const cases: [string, AnalyticsFilters][] = [
        ['all controllers', { controllers: null }],
        ['one controller, one month', { controllers: ['controller-1'], from: '2026-03-01', to: '2026-03-31' }],
      ];
      for (const [label, filters] of cases) {
        const times: number[] = [];
        for (let i = 0; i < 25; i++) {
          const t0 = performance.now();
          await queries.sales({ ...filters }, groupBy);
          if (i >= 5) times.push(performance.now() - t0);
        }
        print(`sales by ${groupBy} (${label}): p50 ${quantile(times, 0.5).toFixed(1)} ms, p99 ${quantile(times, 0.99).toFixed(1)} ms [goal < 200 ms]`);
      }
    }

    // Live: the sales projection following appends at 1,000 events/s.
    const sales = projectionNamed('sales')!;
    const lags: number[] = [];
    const types = new Set(sales.eventTypes);
    const runner = kit.runners.start({
      subscriptionId: subscriptionIdOf('sales'),
      batchSize: PROJECTION_BATCH_SIZE,
      filter: (event) => types.has(event.type),
      handler: async (events: RecordedEvent[], tx) => {
        await applyBatch(sales, events, tx);
        const now = Date.now();
        for (const event of events) if (event.streamId.startsWith('live-')) lags.push(now - event.recordedAt.getTime());
      },
    });
    while (!runner.isLeader) await new Promise((r) => setTimeout(r, 20));
    const liveStart = performance.now();
    for (let i = 0; i < LIVE_RATE * LIVE_SECONDS; i++) {
      const due = liveStart + (i * 1000) / LIVE_RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      void kit.store.append(
        `live-${randomUUID()}`,
        [
          {
            eventId: randomUUID(),
            type: 'ProductRegistered',
            data: { plain: { interactionId: randomUUID(), campaignId: campaignId(i % CAMPAIGNS), sellerId: 'seller-1', sku: 'SKU-1', quantity: 1, unitPriceMinor: 1000, amountMinor: 1000, currency: i % 2 === 0 ? 'NOK' : 'USD', at: new Date().toISOString() } },
            metadata: { schemaVersion: 1 },
          },
        ],
        { expectedRevision: 'no_stream' },
      );
    }
    const deadline = Date.now() + 10_000;
    while (lags.length < LIVE_RATE * LIVE_SECONDS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    print(`live lag at ${LIVE_RATE} events/s: ${lags.length} events, p50 ${quantile(lags, 0.5)} ms, p99 ${quantile(lags, 0.99)} ms, max ${Math.max(...lags)} ms [goal p99 < 250 ms]`);

    await kit.close();
    await dataSource.destroy();
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

void main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
