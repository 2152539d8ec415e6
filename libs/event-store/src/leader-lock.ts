import pg from 'pg';
import type { EventStoreLogger } from './event-store.options';

export interface LeaderLockOptions {
  /** How often the held connection is checked, so a silently dead one is noticed (ms). */
  heartbeatMs?: number;
  logger: EventStoreLogger;
}

/**
 * A PostgreSQL session advisory lock named after a subscription, held on a dedicated connection:
 * whoever holds it leads. The server drops the lock when that session ends, so a crashed or cut
 * off leader is replaced; `lost` tells the leader itself. A leader that has not noticed yet is
 * still fenced by the conditional checkpoint write.
 */
export class LeaderLock {
  private client: pg.Client | null = null;
  private holding = false;
  private pid: number | null = null;
  private heartbeat: NodeJS.Timeout | undefined;
  private onLost: (() => void) | undefined;
  private lostSignal: Promise<void> = Promise.resolve();

  constructor(
    private readonly connection: pg.ClientConfig,
    readonly name: string,
    private readonly options: LeaderLockOptions,
  ) {}

  get held(): boolean {
    return this.holding;
  }

  /** Backend process id of the session holding the lock, while held. */
  get backendPid(): number | null {
    return this.holding ? this.pid : null;
  }

  /** Settles when a held lock is lost (the session died); already settled when not held. */
  get lost(): Promise<void> {
    return this.lostSignal;
  }

  /** Takes the lock if it is free; never waits for it. */
  async tryAcquire(): Promise<boolean> {
    if (this.holding) return true;
    const client = this.client ?? (await this.connect());
    const { rows } = await client.query<{ acquired: boolean; pid: number }>(
      'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS acquired, pg_backend_pid() AS pid',
      [this.key],
    );
    if (!rows[0]!.acquired || this.client !== client) return false;
    this.holding = true;
    this.pid = rows[0]!.pid;
    this.lostSignal = new Promise((resolve) => (this.onLost = resolve));
    this.heartbeat = setInterval(() => {
      client.query('SELECT 1').catch((error: Error) => this.drop(client, error));
    }, this.options.heartbeatMs ?? 5_000);
    this.heartbeat.unref();
    return true;
  }

  /** Gives the lock up, keeping the connection for the next attempt. */
  async release(): Promise<void> {
    if (!this.holding) return;
    const client = this.client;
    this.markLost();
    await client?.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [this.key]).catch(() => undefined);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.markLost();
    await client?.end().catch(() => undefined);
  }

  private get key(): string {
    return `es.subscription:${this.name}`;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client(this.connection);
    client.on('error', (error) => this.drop(client, error));
    client.on('end', () => this.drop(client));
    await client.connect();
    this.client = client;
    return client;
  }

  private drop(client: pg.Client, error?: Error): void {
    if (this.client !== client) return;
    if (this.holding) this.options.logger.warn(`leadership of ${this.name} lost: ${error?.message ?? 'connection closed'}`);
    this.client = null;
    this.markLost();
    void client.end().catch(() => undefined);
  }

  private markLost(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.holding = false;
    this.onLost?.();
    this.onLost = undefined;
  }
}
