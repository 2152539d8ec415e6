import type pg from 'pg';
import type { EntityManager } from 'typeorm';
import { CheckpointConflict } from './event-store.errors';
import type { EventStoreLogger } from './event-store.options';
import type { CheckpointStore, EventStore, Position, RecordedEvent, Subscription } from './event-store.port';
import { LeaderLock } from './leader-lock';

export interface SubscriptionRunnerOptions {
  /** Names the checkpoint and the leadership lock; one leader per id across all instances. */
  subscriptionId: string;
  /** Applies one batch; every write goes through `tx`, which also stores the checkpoint. */
  handler: (events: RecordedEvent[], tx: EntityManager) => Promise<void>;
  /** Events it rejects are not given to the handler; the checkpoint still moves past them. */
  filter?: (event: RecordedEvent) => boolean;
  batchSize?: number;
  pollIntervalMs?: number;
  /** Pause between a follower's attempts to lead, and after a failed batch (ms). */
  retryMs?: number;
  /** Liveness check of the lock connection (ms). */
  heartbeatMs?: number;
}

export interface SubscriptionRunnerDependencies {
  store: EventStore;
  checkpoints: CheckpointStore;
  /** Settings of the dedicated connection that holds the leadership lock. */
  connection: pg.ClientConfig;
  logger: EventStoreLogger;
}

class LeadershipLost extends Error {}

/**
 * Runs one subscription on whichever instance holds its leadership lock: reads the checkpoint,
 * subscribes from it, and hands each batch to the handler inside `withCheckpoint`, so the work
 * and the checkpoint commit together, once. Followers retry for the lock; a leader whose lock
 * connection dies stops taking batches at once (an in-flight one is fenced by the checkpoint).
 */
export class SubscriptionRunner {
  private readonly lock: LeaderLock;
  private readonly stopping = new AbortController();
  private readonly stopped = new Promise<void>((resolve) => this.stopping.signal.addEventListener('abort', () => resolve(), { once: true }));
  private running: Promise<void> | null = null;
  private subscription: Subscription | null = null;
  private checkpoint: Position | null = null;

  constructor(
    private readonly dependencies: SubscriptionRunnerDependencies,
    private readonly options: SubscriptionRunnerOptions,
  ) {
    this.lock = new LeaderLock(dependencies.connection, options.subscriptionId, {
      heartbeatMs: options.heartbeatMs,
      logger: dependencies.logger,
    });
  }

  get subscriptionId(): string {
    return this.options.subscriptionId;
  }

  get isLeader(): boolean {
    return this.lock.held;
  }

  /** Backend pid of the session holding the lock, while leading (for operators and tests). */
  get leaderBackendPid(): number | null {
    return this.lock.backendPid;
  }

  /** The checkpoint as this runner last read or committed it. */
  get position(): Position | null {
    return this.checkpoint;
  }

  start(): this {
    this.running ??= this.run();
    return this;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
    await this.lock.close();
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      let leading = false;
      try {
        leading = await this.lock.tryAcquire();
      } catch (error) {
        this.dependencies.logger.warn(`${this.subscriptionId}: cannot try for leadership: ${(error as Error).message}`);
      }
      if (!leading) {
        await pause(this.options.retryMs ?? 1_000, signal);
        continue;
      }
      try {
        await this.lead();
      } finally {
        await this.lock.release();
      }
    }
  }

  private async lead(): Promise<void> {
    const signal = this.stopping.signal;
    const { subscriptionId, handler, filter } = this.options;
    while (!signal.aborted && this.lock.held) {
      let failure: unknown = null;
      try {
        let cursor = await this.dependencies.checkpoints.read(subscriptionId);
        this.checkpoint = cursor;
        this.subscription = this.dependencies.store.subscribeAll(
          { after: cursor ?? undefined, batchSize: this.options.batchSize, pollIntervalMs: this.options.pollIntervalMs },
          async (events, { last }) => {
            if (!this.lock.held || signal.aborted) throw new LeadershipLost();
            const relevant = filter ? events.filter(filter) : events;
            await this.dependencies.checkpoints.withCheckpoint(subscriptionId, cursor, last, async (tx) => {
              if (relevant.length > 0) await handler(relevant, tx);
            });
            cursor = last;
            this.checkpoint = last;
          },
        );
        await Promise.race([this.subscription.done, this.lock.lost, this.stopped]);
      } catch (error) {
        failure = error;
      } finally {
        await this.subscription?.stop();
        this.subscription = null;
      }
      if (signal.aborted || !this.lock.held || failure instanceof LeadershipLost) return;
      if (failure instanceof CheckpointConflict) {
        // Someone else moved the checkpoint (a stale leader's last batch): start again from it.
        this.dependencies.logger.warn(`${subscriptionId}: ${failure.message}; resuming from the stored checkpoint`);
      } else if (failure) {
        this.dependencies.logger.error(`${subscriptionId}: batch failed, retrying: ${(failure as Error).message}`);
        await pause(this.options.retryMs ?? 1_000, signal);
      }
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
