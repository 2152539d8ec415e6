import type { Position, ReadAllOptions, RecordedEvent, SubscribeAllOptions, Subscription, SubscriptionHandler } from './event-store.port';

export interface WakeupSource {
  readonly generation: number;
  /** True when a wake-up, not the timeout, ended the wait. */
  wait(generation: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
}

/** First re-read after a wake-up that found nothing readable yet; doubles up to the poll interval. */
const FIRST_RETRY_MS = 10;

/**
 * Reads the gap-safe log in batches from its cursor: back to back while catching up, then waits
 * for a wake-up or the poll interval. Delivery is at least once per subscription object; exactly
 * once across restarts needs a checkpoint stored with the handler's work (see SubscriptionRunner).
 */
export class PollingSubscription implements Subscription {
  readonly done: Promise<void>;
  private readonly stopping = new AbortController();
  private cursor: Position | null;

  constructor(
    private readonly log: { readAll(options: ReadAllOptions): Promise<RecordedEvent[]> },
    private readonly wakeups: WakeupSource,
    private readonly options: SubscribeAllOptions & { batchSize: number; pollIntervalMs: number },
    private readonly handler: SubscriptionHandler,
  ) {
    this.cursor = options.after ?? null;
    this.done = this.run();
    // Callers that never look at `done` must not crash the process with an unhandled rejection.
    this.done.catch(() => undefined);
  }

  get position(): Position | null {
    return this.cursor;
  }

  private async run(): Promise<void> {
    const { batchSize, pollIntervalMs, filter } = this.options;
    const signal = this.stopping.signal;
    // Set by a wake-up that the next read could not satisfy: the events are committed but an
    // older transaction (in any database of the cluster) still holds them below the horizon.
    // Re-read soon, backing off, rather than sleep a whole poll interval.
    let retryMs: number | null = null;
    let woken = false;
    while (!signal.aborted) {
      // Taken before the read, so a wake-up that arrives during it is not slept through.
      const generation = this.wakeups.generation;
      const events = await this.log.readAll({ after: this.cursor ?? undefined, limit: batchSize });
      if (signal.aborted) return;
      if (events.length > 0) {
        retryMs = null;
        const last = events[events.length - 1]!.position;
        const delivered = filter ? events.filter(filter) : events;
        if (delivered.length > 0) await this.handler(delivered, { last });
        this.cursor = last;
        if (events.length === batchSize) continue;
      } else if (woken || retryMs !== null) {
        retryMs = retryMs === null ? FIRST_RETRY_MS : retryMs * 2;
        if (retryMs >= pollIntervalMs) retryMs = null;
      }
      woken = await this.wakeups.wait(generation, retryMs ?? pollIntervalMs, signal);
    }
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.done.catch(() => undefined);
  }
}
