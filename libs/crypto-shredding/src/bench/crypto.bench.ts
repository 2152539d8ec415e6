// Measures the crypto core against the figures its issue sets. Run: `npm run bench:crypto`.
// Starts its own embedded PostgreSQL under the OS temporary folder and removes it afterwards.
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, platformMigrations, startEmbeddedPostgres } from '@app/platform';
import { BlindIndex } from '../blind-index/blind-index';
import { ErasureLedger } from '../keyring/erasure-ledger';
import { Keyring } from '../keyring/keyring';
import { LocalKeyringProvider } from '../keyring/local-keyring.provider';
import { CampaignKeyspaces } from '../keys/campaign-keyspaces';
import { newDataKey } from '../keys/data-key';
import { DataKeyStore } from '../keys/data-key-store';
import { KeyCache } from '../keys/key-cache';
import { KeyShredder } from '../keys/key-shredder';
import { cryptoMigrations } from '../migrations/1764374500000-crypto-keys.migration';
import { KeyringRotation } from '../rotation/keyring-rotation';
import { openWithKey, sealWithKey } from '../sealing/seal-codec';

const results: Record<string, string> = {};
const time = async <T>(work: () => Promise<T> | T): Promise<[T, number]> => {
  const started = process.hrtime.bigint();
  const value = await work();
  return [value, Number(process.hrtime.bigint() - started) / 1e6];
};

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'crypto-bench-'));
  await chmod(dir, 0o711);
  const server = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), port: 54000 + Math.floor(Math.random() * 1000), ephemeral: true });
  try {
    const url = await server.ensureDatabase('bench');
    const dataSource = await openDatabase({ url, migrations: [...platformMigrations, ...cryptoMigrations] });
    const provider = new LocalKeyringProvider({ file: join(dir, 'keyring.json'), createIfMissing: true });
    const keyring = new Keyring(provider, dataSource);
    await keyring.initialize();
    const ledger = new ErasureLedger(join(dir, 'erasure-ledger.jsonl'));
    const store = new DataKeyStore(keyring, dataSource);
    const keyspaces = new CampaignKeyspaces();
    const cache = new KeyCache({ ttlMs: 60_000, max: 1000 }, store, keyring, dataSource);
    const shredder = new KeyShredder(keyspaces, ledger, cache, dataSource);
    const rotation = new KeyringRotation(dataSource, keyring, provider, new BlindIndex(keyring, { defaultPhoneRegion: 'NO' }, dataSource), ledger);

    // Seal and open small objects on one core.
    const { dek, keyId } = newDataKey();
    const objects = Array.from({ length: 200_000 }, (_, i) => ({ name: `Kari Nordmann ${i}`, email: `kari${i}@example.no`, phone: '+4791234567' }));
    const context = { kind: 'event' as const, streamId: 'customer-x', eventId: 'e', slot: 'personal' as const };
    // Warm-up pass so the figure is the steady state, not the JIT's first minutes.
    for (const o of objects.slice(0, 20_000)) openWithKey(dek, sealWithKey(dek, keyId, o, context), context);
    const [sealed, sealMs] = await time(() => objects.map((o) => sealWithKey(dek, keyId, o, context)));
    const [, openMs] = await time(() => sealed.map((s) => openWithKey(dek, s, context)));
    results['seal (objects/s, one core)'] = Math.round(objects.length / (sealMs / 1000)).toLocaleString('en');
    results['open (objects/s, one core)'] = Math.round(objects.length / (openMs / 1000)).toLocaleString('en');

    // Bulk key creation for 10,000 customers (content + reference keys: 20,000 rows).
    const campaign = randomUUID();
    const [, createMs] = await time(() =>
      dataSource.transaction(async (tx) => {
        await keyspaces.open(tx, campaign, 'c1');
        await keyspaces.lockForWrite(tx, campaign);
        const owners = Array.from({ length: 10_000 }, () => randomUUID()).flatMap((subjectId) => [
          { scope: 'content' as const, subjectId, campaignId: campaign, controllerId: 'c1' },
          { scope: 'reference' as const, subjectId, campaignId: campaign, controllerId: 'c1' },
        ]);
        await store.createMany(tx, owners);
      }),
    );
    results['create keys for 10,000 customers (20,000 keys), ms'] = createMs.toFixed(0);

    // 100,000 keys in one campaign, destroyed at once.
    // Each customer also has an e-mail blind-index row, which goes with its key.
    const big = randomUUID();
    const blindIndex = new BlindIndex(keyring, { defaultPhoneRegion: 'NO' }, dataSource);
    await dataSource.transaction(async (tx) => {
      await keyspaces.open(tx, big, 'c1');
      for (let i = 0; i < 10; i += 1) {
        const subjects = Array.from({ length: 10_000 }, () => randomUUID());
        const keys = await store.createMany(tx, subjects.map((subjectId) => ({ scope: 'content' as const, subjectId, campaignId: big, controllerId: 'c1' })));
        await blindIndex.put(tx, subjects.map((customerId, j) => ({ customerId, campaignId: big, controllerId: 'c1', keyId: keys[j].keyId, kind: 'email' as const, value: `p${i}-${j}@example.no` })));
      }
    });
    const [destroyed, destroyMs] = await time(() => shredder.destroyNow({ campaignId: big, scopes: ['content'] }, { actor: 'bench' }, { vacuum: false }));
    results[`destroy ${destroyed.keysDestroyed.toLocaleString('en')} keys with their index rows (transaction + ledger), ms`] = destroyMs.toFixed(0);

    // Rotation over 100,000 live keys.
    const rotated = randomUUID();
    await dataSource.transaction(async (tx) => {
      await keyspaces.open(tx, rotated, 'c1');
      for (let i = 0; i < 8; i += 1) {
        await store.createMany(tx, Array.from({ length: 10_000 }, () => ({ scope: 'content' as const, subjectId: randomUUID(), campaignId: rotated, controllerId: 'c1' })));
      }
    });
    const [{ live }] = await dataSource.query(`SELECT count(*)::int AS live FROM crypto.data_keys WHERE wrapped IS NOT NULL`);
    const rotationId = await rotation.start('bench');
    const [status, rotateMs] = await time(() => rotation.run(rotationId));
    results[`rotation of ${live.toLocaleString('en')} live keys (all phases), ms`] = rotateMs.toFixed(0);
    results['keys re-wrapped'] = status.keysRewrapped.toLocaleString('en');

    await dataSource.destroy();
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
  for (const [name, value] of Object.entries(results)) process.stdout.write(`${name.padEnd(60)} ${value}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
