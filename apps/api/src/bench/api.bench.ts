// Measures the campaigns API over real HTTP in one process: bulk enrollment and single
// interaction latency. Run: `npm run bench:api`. Uses its own embedded PostgreSQL.
import 'reflect-metadata';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueToken, loadConfig, startEmbeddedPostgres } from '@app/platform';
import { ENTITIES, MIGRATIONS } from '../../../migrations';
import { createApiApp } from '../api.app';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'api-bench-'));
  await chmod(dir, 0o711);
  const server = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: 55000 + Math.floor(Math.random() * 1000) });
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'warn', LOG_FORMAT: 'json', DATA_DIR: join(dir, 'data') });
  const app = await createApiApp({ config, database: { url: await server.ensureDatabase('bench'), migrations: MIGRATIONS, entities: ENTITIES } });
  try {
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const token = await issueToken(config, { subject: 'bench', roles: ['service'], controllers: ['*'] });
    const call = async (method: string, path: string, body: unknown) => {
      const response = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<Record<string, unknown>>;
    };
    await call('POST', '/v1/controllers', { id: 'bench', name: 'Bench AS' });
    await call('PUT', '/v1/sellers/s1', { name: 'Seller' });
    const { campaignId } = (await call('POST', '/v1/campaigns', {
      controllerId: 'bench', name: 'Bench', purpose: 'Benchmark', startsOn: '2026-12-01', endsOn: '2026-12-31', currency: 'NOK',
      products: [{ sku: 'P1', name: 'Product', unitPriceMinor: 1000 }],
    })) as { campaignId: string };

    const customers = Array.from({ length: 10_000 }, (_, i) => ({ customerRef: `REF-${i}`, name: `Person ${i}`, email: `person${i}@example.no`, phone: `+479${String(i).padStart(7, '0')}`, fields: { segment: 'B2C' } }));
    const runs: number[] = [];
    let customerIds: string[] = [];
    for (let run = 0; run < 4; run += 1) {
      const batch = customers.map((c) => ({ ...c, customerRef: `${c.customerRef}-${run}` }));
      const started = performance.now();
      ({ customerIds } = (await call('POST', `/v1/campaigns/${campaignId}/customers`, { customers: batch })) as { customerIds: string[] });
      runs.push(performance.now() - started);
    }

    const sms = async (customerId: string, i: number) => {
      const started = performance.now();
      await call('POST', `/v1/customers/${customerId}/sms`, { sellerId: 's1', direction: 'outbound', phone: '+4791234567', body: `message ${i}` });
      return performance.now() - started;
    };
    // Typical load: many customers with a handful of interactions each. The first 100 warm up.
    const spread: number[] = [];
    for (let i = 0; i < 600; i += 1) {
      const ms = await sms(customerIds[i % 100], i);
      if (i >= 100) spread.push(ms);
    }
    // One customer whose stream grows to 300 events: the state is rebuilt from the stream each time.
    const long: number[] = [];
    for (let i = 0; i < 300; i += 1) long.push(await sms(customerIds[5000], i));
    spread.sort((a, b) => a - b);
    const tail = long.slice(200).sort((a, b) => a - b);
    const out = {
      'enroll 10,000 customers x 3 identifiers, first request after start (ms)': runs[0].toFixed(0),
      'enroll 10,000 customers x 3 identifiers, next 3 requests (ms)': runs.slice(1).map((ms) => ms.toFixed(0)).join(' / '),
      'POST sms, 100 customers x 5 each: p50 / p95 / p99 (ms)': [50, 95, 99].map((p) => percentile(spread, p).toFixed(2)).join(' / '),
      'POST sms, one customer at 200-300 events: p50 / p95 (ms)': [50, 95].map((p) => percentile(tail, p).toFixed(2)).join(' / '),
    };
    for (const [name, value] of Object.entries(out)) process.stdout.write(`${name.padEnd(70)} ${value}\n`);
  } finally {
    await app.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
