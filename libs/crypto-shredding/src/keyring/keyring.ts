import { createHmac } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';
import { KekUnavailable, KeyringError } from '../errors';
import { KEK_PROVIDER, type KekProvider, type KeyringSnapshot } from './kek-provider';

/** Identifies a KEK without revealing it: HMAC of a fixed label under the KEK, 128 bits. */
export const kekFingerprint = (kek: Buffer): Buffer => createHmac('sha256', kek).update('kek-fingerprint/v1').digest().subarray(0, 16);

export interface ActiveVersions {
  kekVersion: number;
  indexKeyVersion: number;
}

/**
 * The key material of this instance, checked against `crypto.keyring_state`: an instance wraps
 * only under the version the database names active. When the database names a version the
 * provider lacks, the provider is reloaded once; if it is still missing, wrapping is refused
 * (never done under an older version, which a rotation may be about to retire).
 */
@Injectable()
export class Keyring {
  private readonly logger = new Logger(Keyring.name);
  private snapshot: KeyringSnapshot | undefined;

  constructor(
    @Inject(KEK_PROVIDER) private readonly provider: KekProvider,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  get description(): string {
    return this.provider.description;
  }

  /** Loads the material and records its newest versions as active when the database has none yet. */
  async initialize(): Promise<void> {
    await this.reload();
    const kek = Math.max(...this.material().keks.keys());
    const index = Math.max(...this.material().indexKeys.keys());
    await this.dataSource.query(
      `INSERT INTO crypto.keyring_state (id, active_kek_version, active_index_key_version) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING`,
      [kek, index],
    );
  }

  /** Loads the provider's material, refusing it if a version differs from what the database recorded. */
  async reload(): Promise<void> {
    const snapshot = await this.provider.load();
    await this.checkFingerprints(snapshot);
    this.snapshot = snapshot;
  }

  private async checkFingerprints(snapshot: KeyringSnapshot): Promise<void> {
    const versions = [...snapshot.keks.keys()];
    const fingerprints = versions.map((v) => kekFingerprint(snapshot.keks.get(v)!));
    await this.dataSource.query(
      `INSERT INTO crypto.kek_fingerprints (kek_version, fingerprint) SELECT * FROM unnest($1::integer[], $2::bytea[]) ON CONFLICT (kek_version) DO NOTHING`,
      [versions, fingerprints],
    );
    const recorded: { kek_version: number; fingerprint: Buffer }[] = await this.dataSource.query(
      `SELECT kek_version, fingerprint FROM crypto.kek_fingerprints WHERE kek_version = ANY($1::integer[])`,
      [versions],
    );
    const differing = recorded.filter((row) => !row.fingerprint.equals(fingerprints[versions.indexOf(row.kek_version)])).map((row) => row.kek_version);
    if (differing.length > 0) {
      throw new KeyringError(
        `${this.provider.description} holds other material under KEK version ${differing.join(', ')} than this database was written with; ` +
          'refusing to use it (keys wrapped with it could never be opened by the other instances)',
      );
    }
  }

  private material(): KeyringSnapshot {
    if (!this.snapshot) throw new KekUnavailable('the keyring has not been loaded');
    return this.snapshot;
  }

  async activeVersions(tx?: EntityManager, options: { lock?: boolean } = {}): Promise<ActiveVersions> {
    const rows: { kek: number; idx: number }[] = await (tx ?? this.dataSource).query(
      `SELECT active_kek_version AS kek, active_index_key_version AS idx FROM crypto.keyring_state WHERE id = 1${options.lock ? ' FOR SHARE' : ''}`,
    );
    if (rows.length === 0) throw new KekUnavailable('crypto.keyring_state is empty: the keyring was never initialised on this database');
    return { kekVersion: rows[0].kek, indexKeyVersion: rows[0].idx };
  }

  /**
   * The KEK to wrap new data keys under: the database's active version, or a refusal. Holds the
   * state row FOR SHARE until `tx` ends, so a rotation's activation (FOR UPDATE on the same row)
   * waits for this transaction: no key is committed under a version a rotation has moved past
   * and may retire.
   */
  async wrappingKek(tx: EntityManager): Promise<{ version: number; key: Buffer }> {
    const { kekVersion } = await this.activeVersions(tx, { lock: true });
    return { version: kekVersion, key: await this.kekOrReload(kekVersion, 'wrap new data keys') };
  }

  /**
   * The active index key, for writing blind-index rows; the state row is held FOR SHARE as in
   * `wrappingKek`. `lock: false` is for HMACs that need no such promise (idempotency records).
   */
  async activeIndexKey(tx: EntityManager, options: { lock?: boolean } = {}): Promise<{ version: number; key: Buffer }> {
    const { indexKeyVersion } = await this.activeVersions(tx, { lock: options.lock ?? true });
    if (!this.material().indexKeys.has(indexKeyVersion)) await this.reload();
    const key = this.material().indexKeys.get(indexKeyVersion);
    if (!key) {
      throw new KekUnavailable(
        `index-key version ${indexKeyVersion} is active in the database but ${this.provider.description} lacks it; this instance refuses to write blind-index rows until it has the current keyring`,
      );
    }
    return { version: indexKeyVersion, key };
  }

  /** A KEK by version, for unwrapping; reloads once when this instance lacks it. */
  async kek(version: number): Promise<Buffer> {
    return this.kekOrReload(version, 'unwrap data keys');
  }

  /** Synchronous access for hot loops that already made sure the version is present. */
  kekIfPresent(version: number): Buffer | undefined {
    return this.material().keks.get(version);
  }

  indexKeys(): ReadonlyMap<number, Buffer> {
    return this.material().indexKeys;
  }

  /**
   * The index keys to look identifiers up under, current with the database: when another process
   * (a rotation run by the CLI or another instance) activated an index key this instance lacks,
   * the provider is reloaded first, or lookups would miss every row re-indexed under it.
   */
  async indexKeysForLookup(db?: Pick<EntityManager, 'query'>): Promise<ReadonlyMap<number, Buffer>> {
    const { indexKeyVersion } = await this.activeVersions(db as EntityManager | undefined);
    if (!this.material().indexKeys.has(indexKeyVersion)) await this.reload();
    return this.material().indexKeys;
  }

  kekVersions(): number[] {
    return [...this.material().keks.keys()].sort((a, b) => a - b);
  }

  signingKey() {
    return this.material().signing;
  }

  private async kekOrReload(version: number, purpose: string): Promise<Buffer> {
    let key = this.material().keks.get(version);
    if (!key) {
      await this.reload();
      key = this.material().keks.get(version);
    }
    if (!key) {
      this.logger.error({ event: 'security.kek_missing', kekVersion: version }, 'KEK version missing from the keyring');
      throw new KekUnavailable(
        `KEK version ${version} is needed to ${purpose} but ${this.provider.description} lacks it (active versions come from crypto.keyring_state); give this instance the current keyring`,
      );
    }
    return key;
  }
}
