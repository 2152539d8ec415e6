import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APPENDED_CHANNEL, EVENT_STORE_OPTIONS, type EventStoreOptions, resolveEventStoreOptions } from './event-store.options';

/**
 * Tells every instance's subscribers that events were committed. Called after commit, never
 * inside the append transaction: a NOTIFY takes a database-wide lock at commit, so one per append
 * would serialize every writer. Throttled to one NOTIFY per interval (trailing): an append that
 * commits while one is pending is covered by it, since that NOTIFY is sent after the commit.
 */
@Injectable()
export class AppendNotifier implements OnModuleDestroy {
  private readonly intervalMs: number;
  private readonly logger;
  private timer: NodeJS.Timeout | undefined;
  private lastSentAt = 0;
  private closed = false;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource, @Inject(EVENT_STORE_OPTIONS) options: EventStoreOptions) {
    ({ notifyIntervalMs: this.intervalMs, logger: this.logger } = resolveEventStoreOptions(options));
  }

  /** Call after the transaction that appended has committed. */
  notifyAppended(): void {
    if (this.closed || this.timer) return;
    const wait = Math.max(0, this.lastSentAt + this.intervalMs - performance.now());
    this.timer = setTimeout(() => void this.send(), wait);
  }

  private async send(): Promise<void> {
    this.timer = undefined;
    this.lastSentAt = performance.now();
    try {
      // Autocommit on a pooled connection: outside every append transaction.
      await this.dataSource.query("SELECT pg_notify($1, '')", [APPENDED_CHANNEL]);
    } catch (error) {
      // Subscribers still poll; a lost wake-up costs at most one poll interval.
      if (this.dataSource.isInitialized) this.logger.warn(`append wake-up not sent: ${(error as Error).message}`);
    }
  }

  /** Sends a pending wake-up at once, then ignores further calls. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.timer) return;
    clearTimeout(this.timer);
    if (this.dataSource.isInitialized) await this.send();
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }
}
