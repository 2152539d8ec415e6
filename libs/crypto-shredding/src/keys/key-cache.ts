import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { Keyring } from '../keyring/keyring';
import { AuthenticationFailed } from '../primitives/aead';
import { type DataKeyRow, unwrapDataKey } from './data-key';
import { DataKeyStore } from './data-key-store';

export const KEYS_DESTROYED_CHANNEL = 'crypto_keys_destroyed';

export type KeyState =
  | { status: 'live'; dek: Buffer; row: DataKeyRow }
  | { status: 'destroyed'; row: DataKeyRow }
  /** The row no longer unwraps: edited, or wrapped under other material. */
  | { status: 'tampered'; row: DataKeyRow };

export interface KeyCacheOptions {
  ttlMs: number;
  max: number;
  /** Connection for LISTEN; defaults to the data source's URL. */
  listenUrl?: string;
}

export const KEY_CACHE_OPTIONS = Symbol('KEY_CACHE_OPTIONS');

/** The payload of a `crypto_keys_destroyed` notification. */
export type DestroyedNotice = { campaignId: string } | { keyIds: string[] };

/**
 * Unwrapped data keys in memory for a short TTL. Destroying transactions NOTIFY on commit; this
 * cache LISTENs and evicts. Every eviction bumps a generation: a fill that started before it is
 * not kept and is loaded again, so a destroyed key is never served once its NOTIFY has arrived.
 * While the LISTEN connection is down nothing is served from the cache, and after it reconnects
 * the whole cache is flushed (notifications may have been missed).
 */
@Injectable()
export class KeyCache implements OnModuleDestroy {
  private readonly logger = new Logger(KeyCache.name);
  private readonly cache: LRUCache<string, KeyState & { status: 'live' }>;
  private generation = 0;
  private listener: pg.Client | undefined;
  private listening = false;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(KEY_CACHE_OPTIONS) private readonly options: KeyCacheOptions,
    @Inject(DataKeyStore) private readonly store: DataKeyStore,
    @Inject(Keyring) private readonly keyring: Keyring,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {
    this.cache = new LRUCache({ max: options.max, ttl: options.ttlMs });
  }

  get isListening(): boolean {
    return this.listening;
  }

  get size(): number {
    return this.cache.size;
  }

  /** How many evictions and flushes this instance has applied (observable for tests and metrics). */
  get evictions(): number {
    return this.generation;
  }

  async start(): Promise<void> {
    await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.listening = false;
    await this.listener?.end().catch(() => undefined);
  }

  /** The pid of the LISTEN connection's backend (tests terminate it to prove the flush). */
  async listenerPid(): Promise<number | undefined> {
    return (this.listener as unknown as { processID?: number } | undefined)?.processID;
  }

  /**
   * States of these keys, one database round trip for all the misses. Unknown ids are absent.
   * Pass the open transaction to see keys it created and has not committed yet.
   */
  async get(keyIds: Iterable<string>, tx?: Pick<EntityManager, 'query'>): Promise<Map<string, KeyState>> {
    const wanted = [...new Set(keyIds)];
    const result = new Map<string, KeyState>();
    if (wanted.length === 0) return result;
    let misses: string[] = [];
    for (const keyId of wanted) {
      const hit = this.listening ? this.cache.get(keyId) : undefined;
      if (hit) result.set(keyId, hit);
      else misses.push(keyId);
    }
    for (let attempt = 0; misses.length > 0; attempt += 1) {
      const generation = this.generation;
      const rows = await this.store.rows(misses, tx);
      const loaded = await this.unwrapAll(rows);
      // An eviction arrived while loading: what was read may be stale. Load again.
      if (generation !== this.generation && attempt < 5) continue;
      for (const keyId of misses) {
        const state = loaded.get(keyId);
        if (!state) continue;
        result.set(keyId, state);
        if (state.status === 'live' && this.listening && generation === this.generation) this.cache.set(keyId, state);
      }
      misses = [];
    }
    return result;
  }

  evict(notice: DestroyedNotice): void {
    this.generation += 1;
    if ('keyIds' in notice) {
      for (const keyId of notice.keyIds) this.cache.delete(keyId);
      return;
    }
    for (const [keyId, state] of this.cache.entries()) {
      if (state.row.campaignId === notice.campaignId) this.cache.delete(keyId);
    }
  }

  flush(): void {
    this.generation += 1;
    this.cache.clear();
  }

  private async unwrapAll(rows: Map<string, DataKeyRow>): Promise<Map<string, KeyState>> {
    const out = new Map<string, KeyState>();
    for (const [keyId, row] of rows) {
      if (!row.wrapped) {
        out.set(keyId, { status: 'destroyed', row });
        continue;
      }
      try {
        const kek = await this.keyring.kek(row.kekVersion);
        out.set(keyId, { status: 'live', dek: unwrapDataKey(kek, row as DataKeyRow & { wrapped: Buffer }), row });
      } catch (error) {
        if (!(error instanceof AuthenticationFailed)) throw error;
        this.logger.error({ event: 'security.data_key_tampered', keyId }, 'a data key row does not unwrap: it was edited or wrapped under other material');
        out.set(keyId, { status: 'tampered', row });
      }
    }
    return out;
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const url = this.options.listenUrl ?? (this.dataSource.options as { url?: string }).url;
    const client = new pg.Client({ connectionString: url, application_name: 'campaign-ledger-key-cache' });
    client.on('notification', (message) => {
      if (message.channel !== KEYS_DESTROYED_CHANNEL || !message.payload) return;
      try {
        this.evict(JSON.parse(message.payload) as DestroyedNotice);
      } catch {
        this.flush();
      }
    });
    const lost = () => {
      if (this.listener !== client) return;
      this.listening = false;
      this.listener = undefined;
      this.flush();
      client.end().catch(() => undefined);
      if (!this.closed) {
        this.logger.warn('key cache lost its LISTEN connection; serving nothing from cache until it reconnects');
        this.reconnectTimer = setTimeout(() => void this.connect().catch(() => undefined), 250);
      }
    };
    client.on('error', lost);
    client.on('end', lost);
    try {
      this.listener = client;
      await client.connect();
      await client.query(`LISTEN ${KEYS_DESTROYED_CHANNEL}`);
      // Anything cached before this point may have missed a notification.
      this.flush();
      this.listening = true;
    } catch (error) {
      lost();
      if (!this.closed && this.reconnectTimer === undefined) throw error;
    }
  }
}
