import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { APPENDED_CHANNEL, EVENT_STORE_OPTIONS, type EventStoreOptions, resolveEventStoreOptions } from './event-store.options';
import { dedicatedClientConfig } from './pg-connection';

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5_000;

/**
 * One LISTEN connection per process that wakes polling subscribers early. It connects when the
 * first subscriber waits and reconnects with backoff; wake-ups are only an optimisation, so while
 * it is down subscribers simply poll.
 */
@Injectable()
export class AppendListener implements OnModuleDestroy {
  private readonly connection: pg.ClientConfig;
  private readonly logger;
  private client: pg.Client | null = null;
  private connecting = false;
  private reconnectDelayMs = RECONNECT_MIN_MS;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly waiters = new Set<() => void>();
  /** Bumped on every wake-up; a waiter that saw an older value does not wait. */
  private wakeups = 0;

  constructor(@Inject(DataSource) dataSource: DataSource, @Inject(EVENT_STORE_OPTIONS) options: EventStoreOptions) {
    this.connection = dedicatedClientConfig(dataSource, 'campaign-ledger:es-listen');
    this.logger = resolveEventStoreOptions(options).logger;
  }

  /** Current wake-up count: read it before a query, pass it to `wait` after. */
  get generation(): number {
    return this.wakeups;
  }

  get connected(): boolean {
    return this.client !== null;
  }

  /**
   * Resolves on the next wake-up after `generation` (at once if one happened), after `timeoutMs`,
   * or on abort; true when a wake-up ended the wait.
   */
  wait(generation: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    this.ensureConnected();
    if (generation !== this.wakeups) return Promise.resolve(true);
    if (this.closed || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve(generation !== this.wakeups);
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private wakeAll(): void {
    this.wakeups += 1;
    for (const waiter of [...this.waiters]) waiter();
  }

  private ensureConnected(): void {
    if (this.closed || this.client || this.connecting || this.reconnectTimer) return;
    this.connecting = true;
    void this.connect().finally(() => (this.connecting = false));
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(this.connection);
    client.on('notification', () => this.wakeAll());
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${APPENDED_CHANNEL}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.scheduleReconnect(error as Error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.reconnectDelayMs = RECONNECT_MIN_MS;
    // Anything committed while we were not listening went unannounced.
    this.wakeAll();
  }

  private lost(client: pg.Client, error?: Error): void {
    if (this.client !== client) return;
    this.client = null;
    void client.end().catch(() => undefined);
    if (!this.closed) this.scheduleReconnect(error);
  }

  private scheduleReconnect(error?: Error): void {
    if (this.closed || this.reconnectTimer) return;
    this.logger.warn(`LISTEN ${APPENDED_CHANNEL} connection lost, reconnecting in ${this.reconnectDelayMs} ms${error ? `: ${error.message}` : ''}`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.ensureConnected();
    }, this.reconnectDelayMs);
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, RECONNECT_MAX_MS);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.wakeAll();
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }
}
