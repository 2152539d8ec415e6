// Event-store benchmark, run from the build:
//   npm run build && node dist/libs/event-store/src/bench/event-store.bench.js
// Starts its own embedded PostgreSQL (ephemeral settings: fsync and synchronous_commit off, so
// absolute figures are optimistic; the append/raw ratio is the figure to watch).
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cryptoMigrations } from '@app/crypto-shredding';
import { openDatabase, platformMigrations, startEmbeddedPostgres } from '@app/platform';
import type { DataSource } from 'typeorm';
import { createPostgresEventStore, type PostgresEventStoreKit } from '../event-store.factory';
import type { NewEvent, Position } from '../event-store.port';
import { eventStoreMigrations } from '../migrations';
import { SealingEventStore } from '../sealing/sealing-event-store';

const BATCH = 500;
const ROUNDS = 30;
const WARMUP_ROUNDS = 5;
const LAG_RATE_PER_SECOND = 1_000;
const LAG_SECONDS = 10;
const LAG_LANES = 40;

const print = (line: string) => void process.stdout.write(`${line}\n`);
const quiet = { log: () => undefined, warn: (m: unknown) => print(`  warn: ${String(m)}`), error: (m: unknown) => print(`  error: ${String(m)}`) };

function sampleEvents(count: number): NewEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    eventId: randomUUID(),
    type: 'ProductSold',
    data: {
      campaignId: '4d2c8a43-54f5-4f47-9a4f-0d0b9b1e8f11',
      customerId: randomUUID(),
      sellerId: 'b6f0c1d2-7a3e-4c55-9d0e-2f1a3b4c5d6e',
      productId: `product-${i % 12}`,
      quantity: 1 + (i % 3),
      amount: { value: 19_900 + i, currency: 'NOK' },
      outcome: 'sale',
      personal: { kid: randomUUID(), iv: 'AAAAAAAAAAAAAAAA', ct: 'x'.repeat(96) },
    },
    metadata: { schemaVersion: 1, correlationId: randomUUID(), causationId: randomUUID(), actor: 'bench' },
  }));
}

async function rawInsert(dataSource: DataSource, streamId: string, events: NewEvent[]): Promise<void> {
  const values: string[] = [];
  const params: unknown[] = [];
  events.forEach((e, i) => {
    const p = i * 6;
    values.push(`($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6})`);
    params.push(streamId, i, e.eventId, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata));
  });
  await dataSource.query(`INSERT INTO es.events (stream_id, stream_revision, event_id, type, data, metadata) VALUES ${values.join(', ')}`, params);
}

const median = (xs: number[]) => quantile(xs, 0.5);
function quantile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function appendVersusRaw(kit: PostgresEventStoreKit, dataSource: DataSource): Promise<void> {
  const appendTimes: number[] = [];
  const rawTimes: number[] = [];
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    const viaStore = sampleEvents(BATCH);
    const viaRaw = sampleEvents(BATCH);
    // Alternate which goes first, so neither always meets a warmer cache.
    const runs: [number[], () => Promise<unknown>][] = [
      [appendTimes, () => kit.store.append(`bench-append-${randomUUID()}`, viaStore, { expectedRevision: 'no_stream' })],
      [rawTimes, () => rawInsert(dataSource, `bench-raw-${randomUUID()}`, viaRaw)],
    ];
    if (round % 2 === 1) runs.reverse();
    for (const [times, run] of runs) {
      const started = performance.now();
      await run();
      if (round >= WARMUP_ROUNDS) times.push(performance.now() - started);
    }
  }
  const [a, r] = [median(appendTimes), median(rawTimes)];
  print(`append, batches of ${BATCH} (${ROUNDS} batches each, after ${WARMUP_ROUNDS} warm-up):`);
  print(`  store.append        median ${ms(a)}  p90 ${ms(quantile(appendTimes, 0.9))}  = ${Math.round((BATCH / a) * 1000)} events/s`);
  print(`  raw multi-row INSERT median ${ms(r)}  p90 ${ms(quantile(rawTimes, 0.9))}  = ${Math.round((BATCH / r) * 1000)} events/s`);
  print(`  ratio append/raw    ${(a / r).toFixed(2)}`);
}

/**
 * The figure: append through the sealing codec (real AES-GCM sealing of each event's
 * personal part, key from the key cache) against a raw multi-row INSERT of the same stored rows.
 */
async function sealedAppendVersusRaw(kit: PostgresEventStoreKit, dataSource: DataSource, dir: string): Promise<void> {
  const { CampaignKeyspaces, DataKeyStore, KeyCache, Keyring, LocalKeyringProvider, Sealer } = await import('@app/crypto-shredding');
  const keyring = new Keyring(new LocalKeyringProvider({ file: join(dir, 'keyring.json'), createIfMissing: true }), dataSource);
  await keyring.initialize();
  const keys = new DataKeyStore(keyring, dataSource);
  const cache = new KeyCache({ ttlMs: 60_000, max: 10_000 }, keys, keyring, dataSource);
  await cache.start();
  const sealing = new SealingEventStore(kit.store, new Sealer(cache));
  const campaignId = randomUUID();
  const customerId = randomUUID();
  const [key] = await dataSource.transaction(async (tx) => {
    await new CampaignKeyspaces().open(tx, campaignId, 'bench');
    return keys.createMany(tx, [{ scope: 'content', subjectId: customerId, campaignId, controllerId: 'bench' }]);
  });
  const domainEvents = () =>
    Array.from({ length: BATCH }, (_, i) => ({
      type: 'SmsLogged',
      data: { interactionId: randomUUID(), sellerId: 'seller-1', direction: 'outbound', at: new Date().toISOString() },
      personal: { phone: '+4791234567', body: `Hei! Tilbudet ditt nummer ${i} gjelder ut desember.` },
    }));
  const sealedTimes: number[] = [];
  const rawTimes: number[] = [];
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    const streamId = `customer-${randomUUID()}`;
    let sealedStart = performance.now();
    await sealing.append(streamId, domainEvents(), { expectedRevision: 'no_stream', keys: { personal: key.keyId }, metadata: { actor: 'bench' } });
    const sealedMs = performance.now() - sealedStart;
    // The same rows, as stored, inserted raw into another stream.
    const stored = await kit.store.readStream(streamId);
    const copies = stored.map((e) => ({ eventId: randomUUID(), type: e.type, data: e.data, metadata: e.metadata }));
    sealedStart = performance.now();
    await rawInsert(dataSource, `bench-raw-${randomUUID()}`, copies);
    const rawMs = performance.now() - sealedStart;
    if (round >= WARMUP_ROUNDS) {
      sealedTimes.push(sealedMs);
      rawTimes.push(rawMs);
    }
  }
  await cache.onModuleDestroy();
  const [a, r] = [median(sealedTimes), median(rawTimes)];
  print(`append with sealing, batches of ${BATCH}:`);
  print(`  sealing.append      median ${ms(a)}  = ${Math.round((BATCH / a) * 1000)} events/s`);
  print(`  raw multi-row INSERT median ${ms(r)} (same stored rows)`);
  print(`  throughput vs raw   ${(r / a).toFixed(2)}x (the issue asks >= 0.8x)`);
}

async function readAllThroughput(kit: PostgresEventStoreKit): Promise<void> {
  for (const limit of [500, 5_000]) {
    let count = 0;
    let after: Position | undefined;
    const started = performance.now();
    for (;;) {
      const page = await kit.store.readAll({ after, limit });
      if (page.length === 0) break;
      count += page.length;
      after = page[page.length - 1]!.position;
    }
    const elapsed = performance.now() - started;
    print(`readAll, pages of ${limit}: ${count} events in ${ms(elapsed)} = ${Math.round((count / elapsed) * 1000)} events/s`);
  }
}

async function subscriberLag(kit: PostgresEventStoreKit): Promise<void> {
  const sentAt = new Map<string, number>();
  const ackedAt = new Map<string, number>();
  const fromCall: number[] = [];
  const fromAck: number[] = [];
  let pendingAck: { id: string; receivedAt: number }[] = [];
  // Start after everything already stored: only the steady load is measured.
  let tail: Position | undefined;
  for (let page = await kit.store.readAll({ limit: 5_000 }); page.length > 0; page = await kit.store.readAll({ after: tail, limit: 5_000 })) {
    tail = page[page.length - 1]!.position;
  }
  const subscription = kit.store.subscribeAll({ after: tail }, async (events) => {
    const receivedAt = performance.now();
    for (const e of events) {
      fromCall.push(receivedAt - sentAt.get(e.eventId)!);
      const acked = ackedAt.get(e.eventId);
      if (acked === undefined) pendingAck.push({ id: e.eventId, receivedAt });
      else fromAck.push(receivedAt - acked);
    }
  });

  const lanes: Promise<unknown>[] = Array.from({ length: LAG_LANES }, () => Promise.resolve());
  const revisions: (bigint | 'no_stream')[] = Array.from({ length: LAG_LANES }, () => 'no_stream');
  const streams = Array.from({ length: LAG_LANES }, () => `customer-${randomUUID()}`);
  const total = LAG_RATE_PER_SECOND * LAG_SECONDS;
  let issued = 0;
  let failures = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) * LAG_RATE_PER_SECOND) / 1000));
      for (; issued < due; issued++) {
        const lane = issued % LAG_LANES;
        const [event] = sampleEvents(1);
        lanes[lane] = lanes[lane]!.then(async () => {
          sentAt.set(event!.eventId, performance.now());
          try {
            const result = await kit.store.append(streams[lane]!, [event!], { expectedRevision: revisions[lane]! });
            revisions[lane] = result.nextRevision;
            ackedAt.set(event!.eventId, performance.now());
          } catch (error) {
            failures += 1;
            print(`  append failed: ${(error as Error).message}`);
          }
        });
      }
      if (issued >= total) {
        clearInterval(tick);
        resolve();
      }
    }, 5);
  });
  await Promise.all(lanes);
  const writeSeconds = (performance.now() - started) / 1000;
  const deadline = performance.now() + 10_000;
  while (fromCall.length < total - failures && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await subscription.stop();
  for (const { id, receivedAt } of pendingAck) fromAck.push(receivedAt - ackedAt.get(id)!);
  pendingAck = [];

  print(`subscriber lag under ${LAG_RATE_PER_SECOND} appends/s (1 event each, ${LAG_LANES} writers) for ${LAG_SECONDS} s, default poll 100 ms / notify 20 ms:`);
  print(`  achieved ${Math.round(total / writeSeconds)} appends/s; delivered ${fromCall.length}/${total}; failed appends ${failures}`);
  print(`  from append call:   p50 ${ms(quantile(fromCall, 0.5))}  p99 ${ms(quantile(fromCall, 0.99))}  max ${ms(Math.max(...fromCall))}`);
  print(`  from commit ack:    p50 ${ms(quantile(fromAck, 0.5))}  p99 ${ms(quantile(fromAck, 0.99))}  max ${ms(Math.max(...fromAck))}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'event-store-bench-'));
  await chmod(dataDir, 0o711); // PostgreSQL runs as 'postgres' under root and must enter it
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), ephemeral: true });
  try {
    const url = await server.ensureDatabase('event_store_bench');
    const dataSource = await openDatabase({ url, migrations: [...platformMigrations, ...cryptoMigrations, ...eventStoreMigrations], poolSize: LAG_LANES + 5 });
    const kit = createPostgresEventStore(dataSource, { logger: quiet });
    try {
      print(`node ${process.version}, ${cpus().length} CPUs, embedded PostgreSQL (fsync off, synchronous_commit off)`);
      await appendVersusRaw(kit, dataSource);
      await sealedAppendVersusRaw(kit, dataSource, dataDir);
      await readAllThroughput(kit);
      await subscriberLag(kit);
    } finally {
      await kit.close();
      await dataSource.destroy();
    }
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
