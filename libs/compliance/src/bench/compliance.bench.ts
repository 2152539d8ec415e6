// Anonymization benchmark, run from the build:
//   npm run bench:compliance            (BENCH_CUSTOMERS=100000 by default; BENCH_VIA=http to go through the route)
// Starts its own embedded PostgreSQL (ephemeral settings: fsync off) and the campaigns and
// compliance modules over HTTP. Two campaigns of BENCH_CUSTOMERS customers each, enrolled through
// the bulk route (real keys, blind index, read models); the second gets 49 more events per
// customer, copies of a real stored SMS event written straight into es.events. Each campaign is
// anonymized standard, then full, through the Anonymizations service (the route's code path).
// Goals: standard < 1.5 s, full < 2.5 s, t(50)/t(1) <= 1.2.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CampaignsModule, campaignsMigrations } from '@app/campaigns';
import { CryptoShreddingModule, cryptoEntities, cryptoMigrations, cryptoShreddingOptions } from '@app/crypto-shredding';
import { EventStoreModule, eventStoreMigrations, SealedEventStoreModule } from '@app/event-store';
import { configureHttpApp, HttpPlatformModule, issueToken, loadConfig, PlatformModule, platformMigrations, startEmbeddedPostgres } from '@app/platform';
import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { Anonymizations } from '../anonymization/anonymizations';
import { ComplianceModule } from '../compliance.module';
import type { AnonymizationMode } from '../domain/anonymization-rules';
import { complianceMigrations } from '../migrations';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const VIA_HTTP = process.env.BENCH_VIA === 'http';
const BATCH = 10_000;
const EXTRA_EVENTS = 49;

const print = (line: string) => void process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(3)} s`;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'compliance-bench-'));
  await chmod(dir, 0o711);
  const server = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: 55000 + Math.floor(Math.random() * 1000), ephemeral: true });
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'warn', LOG_FORMAT: 'json', DATA_DIR: join(dir, 'data') });
  const database = {
    url: await server.ensureDatabase('bench'),
    migrations: [...platformMigrations, ...cryptoMigrations, ...eventStoreMigrations, ...campaignsMigrations, ...complianceMigrations],
    entities: [...cryptoEntities],
  };
  @Module({
    imports: [
      PlatformModule.forRoot({ config, database }),
      EventStoreModule.forRoot(),
      CryptoShreddingModule.forRoot(cryptoShreddingOptions(config)),
      SealedEventStoreModule.forRoot(),
      HttpPlatformModule,
      CampaignsModule,
      ComplianceModule,
    ],
  })
  class BenchModule {}
  const app: INestApplication = await NestFactory.create<NestExpressApplication>(BenchModule, { bodyParser: false, logger: ['error', 'warn'] });
  configureHttpApp(app);
  try {
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const service = await issueToken(config, { subject: 'bench', roles: ['service'], controllers: ['*'] });
    const officer = await issueToken(config, { subject: 'officer-7', roles: ['compliance'], controllers: ['*'] });
    const call = async (method: string, path: string, body: unknown, token = service) => {
      const response = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<Record<string, unknown>>;
    };
    await call('POST', '/v1/controllers', { id: 'bench', name: 'Bench AS' });
    await call('PUT', '/v1/sellers/s1', { name: 'Seller' });
    const dataSource = app.get(DataSource);

    const campaign = async (name: string, eventsPerCustomer: number) => {
      const { campaignId } = (await call('POST', '/v1/campaigns', {
        controllerId: 'bench', name, purpose: 'Benchmark', startsOn: '2026-12-01', endsOn: '2026-12-31', currency: 'NOK',
        products: [{ sku: 'P1', name: 'Product', unitPriceMinor: 1000 }], budgets: [{ sellerId: 's1', targetMinor: 1_000_000 }],
      })) as { campaignId: string };
      const started = performance.now();
      const customerIds: string[] = [];
      for (let from = 0; from < CUSTOMERS; from += BATCH) {
        const customers = Array.from({ length: Math.min(BATCH, CUSTOMERS - from) }, (_, k) => {
          const i = from + k;
          return { customerRef: `${name}-${i}`, name: `Person ${i}`, email: `p${i}@${name}.example`, phone: `+479${String(i).padStart(7, '0')}` };
        });
        customerIds.push(...((await call('POST', `/v1/campaigns/${campaignId}/customers`, { customers })) as { customerIds: string[] }).customerIds);
      }
      let seeded = `${customerIds.length} customers enrolled in ${seconds(performance.now() - started)}`;
      if (eventsPerCustomer > 1) {
        const copied = performance.now();
        // One real SMS in its stored form (sealed part and all), copied to every customer's stream.
        await call('POST', `/v1/customers/${customerIds[0]}/sms`, { sellerId: 's1', direction: 'outbound', phone: '+4791234567', body: 'Offer: broadband 100 at half price' });
        const extra = eventsPerCustomer - 2; // enrolled + the SMS above already make two on the first stream
        await dataSource.query(
          `INSERT INTO es.events (stream_id, stream_revision, event_id, type, data, metadata)
           SELECT 'customer-' || c.id, r, gen_random_uuid(), s.type, jsonb_set(s.data, '{plain,customerId}', to_jsonb(c.id)), s.metadata
             FROM unnest($1::text[]) AS c(id)
             CROSS JOIN generate_series(2, $2 + 1) AS r
             CROSS JOIN (SELECT type, data, metadata FROM es.events WHERE stream_id = $3 AND stream_revision = 1) AS s`,
          [customerIds, extra, `customer-${customerIds[0]}`],
        );
        await dataSource.query(
          `INSERT INTO es.events (stream_id, stream_revision, event_id, type, data, metadata)
           SELECT 'customer-' || c.id, 1, gen_random_uuid(), s.type, jsonb_set(s.data, '{plain,customerId}', to_jsonb(c.id)), s.metadata
             FROM unnest($1::text[]) AS c(id)
             CROSS JOIN (SELECT type, data, metadata FROM es.events WHERE stream_id = $2 AND stream_revision = 1) AS s`,
          [customerIds.slice(1), `customer-${customerIds[0]}`],
        );
        await dataSource.query('ANALYZE es.events');
        seeded += `, ${EXTRA_EVENTS} more events each written in ${seconds(performance.now() - copied)}`;
      }
      print(`  ${name}: ${seeded}`);
      return campaignId;
    };

    const anonymize = async (campaignId: string, name: string, mode: AnonymizationMode): Promise<number> => {
      const body = { mode, reasonCode: 'purpose-fulfilled' as const, reference: 'BENCH-1', confirm: name };
      const started = performance.now();
      if (VIA_HTTP) {
        await call('POST', `/v1/campaigns/${campaignId}/anonymize`, body, officer);
      } else {
        const request = { principal: { subject: 'officer-7', roles: ['compliance' as const], controllers: ['*'] }, route: `BENCH ${campaignId}`, body, correlationId: randomUUID() };
        const { certificate } = await app.get(Anonymizations).anonymizeCampaign(request, campaignId, body);
        if (certificate.customersAffected !== CUSTOMERS) throw new Error(`${certificate.customersAffected} customers affected, expected ${CUSTOMERS}`);
      }
      return performance.now() - started;
    };

    print(`Anonymizing a campaign of ${CUSTOMERS} customers through ${VIA_HTTP ? 'POST /v1/campaigns/:id/anonymize' : 'the Anonymizations service'}`);
    const one = await campaign('one-event', 1);
    const fifty = await campaign('fifty-events', 1 + EXTRA_EVENTS);
    await dataSource.query('VACUUM ANALYZE');
    const t1 = { standard: await anonymize(one, 'one-event', 'standard'), full: await anonymize(one, 'one-event', 'full') };
    const t50 = { standard: await anonymize(fifty, 'fifty-events', 'standard'), full: await anonymize(fifty, 'fifty-events', 'full') };
    const [{ events }] = await dataSource.query('SELECT count(*)::int AS events FROM es.events');
    print(`  es.events: ${events} rows`);
    print(`  1 event per customer:   standard ${seconds(t1.standard)} (goal < 1.5 s), full ${seconds(t1.full)} (goal < 2.5 s)`);
    print(`  50 events per customer: standard ${seconds(t50.standard)}, full ${seconds(t50.full)}`);
    print(`  t(50)/t(1): standard ${(t50.standard / t1.standard).toFixed(2)}, full ${(t50.full / t1.full).toFixed(2)} (goal <= 1.2)`);
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
