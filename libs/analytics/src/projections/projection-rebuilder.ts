import { type Position, PostgresEventStore } from '@app/event-store';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { projectionNamed } from './catalogue';
import { type ProjectionDefinition, SHADOW_SUFFIX, shadowTableNames, subscriptionIdOf } from './projection';
import { applyBatch } from './projection-worker';

export interface RebuildProgress {
  projection: string;
  /** Events of the projection's types read from the log (the others are skipped where they are stored). */
  eventsRead: number;
  eventsApplied: number;
  /** Readable events of those types when the rebuild started (the progress bar's total). */
  eventsTotal: number;
}

export interface RebuildResult extends RebuildProgress {
  position: Position | null;
  elapsedMs: number;
}

export class UnknownProjection extends Error {
  override readonly name = 'UnknownProjection';
}

const READ_BATCH = 10_000;

/**
 * How long the swap waits for the live tables (ms), how long it pauses before trying again, and
 * how often it tries. While it waits, its transaction id holds back every reader of the log
 * (cluster-wide) and its lock request queues every reader of those tables, so it must not wait
 * for as long as a BI tool keeps a transaction open on them: it gives way and tries again.
 */
const SWAP_LOCK_TIMEOUT_MS = 1_000;
const SWAP_RETRY_PAUSE_MS = 1_000;
const SWAP_ATTEMPTS = 120;
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * Rebuilds a projection from position 0 into shadow tables while the live ones keep serving, then
 * swaps them in one transaction: it locks the projection's checkpoint row (the live runner's next
 * batch waits on it) and the live tables, applies what arrived meanwhile, drops the live tables,
 * renames the shadows and stores the rebuild's position as the checkpoint. The live runner then
 * finds its checkpoint moved and resumes from it, on the new tables.
 */
@Injectable()
export class ProjectionRebuilder {
  private readonly logger = new Logger(ProjectionRebuilder.name);

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(PostgresEventStore) private readonly store: PostgresEventStore,
  ) {}

  async rebuild(name: string, onProgress?: (progress: RebuildProgress) => void): Promise<RebuildResult> {
    const projection = projectionNamed(name);
    if (!projection) throw new UnknownProjection(`no projection named ${name}`);
    const started = Date.now();
    const shadows = shadowTableNames(projection);
    const progress: RebuildProgress = { projection: name, eventsRead: 0, eventsApplied: 0, eventsTotal: await this.readableEvents(projection.eventTypes) };

    await this.dataSource.transaction(async (tx) => {
      for (const table of projection.tables) await tx.query(`DROP TABLE IF EXISTS ${table.schema}.${table.name}${SHADOW_SUFFIX}`);
      for (const table of projection.tables) {
        for (const statement of table.create(shadows[table.name])) await tx.query(statement);
      }
    });

    // Catch up outside any long transaction: one short transaction per batch.
    let position = await this.catchUp(projection, null, progress, onProgress);
    for (const table of projection.tables) {
      for (const statement of table.indexes?.(shadows[table.name]) ?? []) await this.dataSource.query(statement);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const swapped = await this.dataSource.transaction((tx) => this.swap(tx, projection, position));
        position = swapped.position;
        progress.eventsRead += swapped.eventsRead;
        progress.eventsApplied += swapped.eventsApplied;
        break;
      } catch (error) {
        if ((error as { driverError?: { code?: string } }).driverError?.code !== LOCK_NOT_AVAILABLE || attempt === SWAP_ATTEMPTS) throw error;
        this.logger.warn({ projection: name, attempt }, 'swap gave way: a live table is in use (a long query or an open transaction); trying again');
        await new Promise((resolve) => setTimeout(resolve, SWAP_RETRY_PAUSE_MS));
        position = await this.catchUp(projection, position, progress, onProgress);
      }
    }
    onProgress?.({ ...progress, eventsTotal: progress.eventsRead });
    const result = { ...progress, eventsTotal: progress.eventsRead, position, elapsedMs: Date.now() - started };
    this.logger.log({ projection: name, events: result.eventsRead, elapsedMs: result.elapsedMs }, 'projection rebuilt and swapped in');
    return result;
  }

  /**
   * Applies the readable log after `from` to the shadows, a batch per transaction, reading only the
   * projection's event types and reading the next batch while this one is written; returns where it stopped.
   */
  private async catchUp(projection: ProjectionDefinition, from: Position | null, progress: RebuildProgress, onProgress?: (progress: RebuildProgress) => void): Promise<Position | null> {
    const shadows = shadowTableNames(projection);
    const read = (after: Position | null) => this.store.readTypes({ after: after ?? undefined, limit: READ_BATCH, types: projection.eventTypes });
    let position = from;
    let next = read(position);
    for (;;) {
      const { events, scannedTo } = await next;
      if (events.length === 0) return scannedTo;
      position = scannedTo;
      next = read(position);
      await this.dataSource.transaction((tx) => applyBatch(projection, events, tx, shadows));
      progress.eventsRead += events.length;
      progress.eventsApplied += events.length;
      onProgress?.({ ...progress, eventsTotal: Math.max(progress.eventsTotal, progress.eventsRead) });
    }
  }

  private async swap(tx: EntityManager, projection: ProjectionDefinition, caughtUp: Position | null): Promise<{ position: Position | null; eventsRead: number; eventsApplied: number }> {
    const subscriptionId = subscriptionIdOf(projection.name);
    // Fences the live runner: its next checkpoint update waits here, then finds the position moved.
    await tx.query(`INSERT INTO es.checkpoints (subscription_id, position) VALUES ($1, $2) ON CONFLICT (subscription_id) DO NOTHING`, [
      subscriptionId,
      caughtUp ?? '00000000000000000000-00000000000000000000',
    ]);
    await tx.query(`SELECT position FROM es.checkpoints WHERE subscription_id = $1 FOR UPDATE`, [subscriptionId]);
    // The live tables next, before any work, waiting a bounded time (see SWAP_LOCK_TIMEOUT_MS).
    // The live runner holds no lock on them while it waits for the checkpoint row above.
    await tx.query(`SET LOCAL lock_timeout = ${SWAP_LOCK_TIMEOUT_MS}`);
    await tx.query(`LOCK TABLE ${projection.tables.map((table) => `${table.schema}.${table.name}`).join(', ')} IN ACCESS EXCLUSIVE MODE`);
    const shadows = shadowTableNames(projection);
    let position = caughtUp;
    let eventsRead = 0;
    for (;;) {
      const { events, scannedTo } = await this.store.readTypes({ after: position ?? undefined, limit: READ_BATCH, types: projection.eventTypes });
      // Up to the readable head, other types included: the live runner goes on from there.
      position = scannedTo;
      if (events.length === 0) break;
      await applyBatch(projection, events, tx, shadows);
      eventsRead += events.length;
    }
    const eventsApplied = eventsRead;
    for (const table of projection.tables) {
      await tx.query(`DROP TABLE ${table.schema}.${table.name}`);
      await tx.query(`ALTER TABLE ${table.schema}.${table.name}${SHADOW_SUFFIX} RENAME TO ${table.name}`);
    }
    if (position) await tx.query(`UPDATE es.checkpoints SET position = $2, updated_at = now() WHERE subscription_id = $1`, [subscriptionId, position]);
    return { position, eventsRead, eventsApplied };
  }

  private async readableEvents(types: readonly string[]): Promise<number> {
    const [{ n }] = await this.dataSource.query(
      `SELECT count(*)::bigint AS n FROM es.events WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot()) AND type = ANY($1::text[])`,
      [[...types]],
    );
    return Number(n);
  }
}
