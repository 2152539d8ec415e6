import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BlindIndex,
  CampaignKeyspaces,
  CryptoShreddingModule,
  DataKeyStore,
  ErasureLedger,
  KeyCache,
  Keyring,
  KeyringRotation,
  KeyShredder,
  RestoreGuard,
  Sealer,
} from '@app/crypto-shredding';
import { loadConfig, PlatformModule } from '@app/platform';
import { type INestApplicationContext, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource, type EntityManager } from 'typeorm';
import { ENTITIES, MIGRATIONS } from '../../apps/migrations';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface CryptoContext {
  app: INestApplicationContext;
  dataSource: DataSource;
  keyring: Keyring;
  store: DataKeyStore;
  keyspaces: CampaignKeyspaces;
  cache: KeyCache;
  shredder: KeyShredder;
  sealer: Sealer;
  blindIndex: BlindIndex;
  rotation: KeyringRotation;
  restoreGuard: RestoreGuard;
  ledger: ErasureLedger;
  dataDir: string;
  close(options?: { keepDataDir?: boolean }): Promise<void>;
}

/**
 * The crypto core as the app wires it (Nest context, real PostgreSQL), with its own keyring folder
 * unless given one; `imports` adds modules built on it (`app.get` reaches their providers).
 */
export async function startCryptoContext(databaseUrl: string, options: { dataDir?: string; keyCacheTtlMs?: number; imports?: Type[] } = {}): Promise<CryptoContext> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'crypto-ctx-')));
  await chmod(dataDir, 0o700);
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, KEY_CACHE_TTL_MS: String(options.keyCacheTtlMs ?? 60_000) });

  @Module({
    imports: [
      PlatformModule.forRoot({ config, database: { url: databaseUrl, migrations: MIGRATIONS, entities: ENTITIES, poolSize: 12 } }),
      CryptoShreddingModule.forRoot({
        keyringFile: config.keyringFile,
        erasureLedgerFile: config.erasureLedgerFile,
        createKeyringIfMissing: true,
        keyCacheTtlMs: config.KEY_CACHE_TTL_MS,
        defaultPhoneRegion: 'NO',
      }),
      ...(options.imports ?? []),
    ],
  })
  class CryptoTestModule {}

  const app = await NestFactory.createApplicationContext(CryptoTestModule, { logger: false });
  await app.init();
  return {
    app,
    dataSource: app.get(DataSource),
    keyring: app.get(Keyring),
    store: app.get(DataKeyStore),
    keyspaces: app.get(CampaignKeyspaces),
    cache: app.get(KeyCache),
    shredder: app.get(KeyShredder),
    sealer: app.get(Sealer),
    blindIndex: app.get(BlindIndex),
    rotation: app.get(KeyringRotation),
    restoreGuard: app.get(RestoreGuard),
    ledger: app.get(ErasureLedger),
    dataDir,
    close: async ({ keepDataDir = false } = {}) => {
      await app.close();
      if (!keepDataDir && !options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface EnrolledCustomer {
  customerId: string;
  contentKeyId: string;
  referenceKeyId: string;
}

/** Opens a campaign keyspace and enrolls `count` customers with content and reference keys. */
export async function enroll(ctx: CryptoContext, campaignId: string, controllerId: string, count: number, tx?: EntityManager): Promise<EnrolledCustomer[]> {
  const work = async (t: EntityManager) => {
    await ctx.keyspaces.open(t, campaignId, controllerId);
    await ctx.keyspaces.lockForWrite(t, campaignId);
    const customerIds = Array.from({ length: count }, () => randomUUID());
    const owners = customerIds.flatMap((customerId) => [
      { scope: 'content' as const, subjectId: customerId, campaignId, controllerId },
      { scope: 'reference' as const, subjectId: customerId, campaignId, controllerId },
    ]);
    const keys = await ctx.store.createMany(t, owners);
    return customerIds.map((customerId, i) => ({ customerId, contentKeyId: keys[2 * i].keyId, referenceKeyId: keys[2 * i + 1].keyId }));
  };
  return tx ? work(tx) : ctx.dataSource.transaction(work);
}

export const eventContext = (customerId: string, eventId = randomUUID()) => ({ kind: 'event' as const, streamId: `customer-${customerId}`, eventId, slot: 'personal' as const });

/**
 * A describe block's crypto context on a fresh database: started before its tests, closed and
 * dropped after them. Read `.ctx` (and `.database`) inside the tests.
 */
export function useCryptoContext(options: { keyCacheTtlMs?: number } = {}): { readonly ctx: CryptoContext; readonly database: TestDatabase } {
  const state = {} as { ctx: CryptoContext; database: TestDatabase };
  beforeAll(async () => {
    state.database = await createTestDatabase();
    state.ctx = await startCryptoContext(state.database.url, options);
  });
  afterAll(async () => {
    await state.ctx?.close();
    await state.database?.drop();
  });
  return state;
}
