import { type Position, PostgresEventStore, type RecordedEvent } from '@app/event-store';
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
 * Rebuilds a projection from position 0 into shadow tables while the live ones keep serving, then
 * swaps them in one transaction: it locks the projection's checkpoint row (the live runner's next
 * batch waits on it), applies what arrived meanwhile, drops the live tables, renames the shadows
 * and stores the rebuild's position as the checkpoint. The live runner then finds its checkpoint
 * moved and resumes from it, on the new tables.
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

    // Catch up outside any long transaction: one short transaction per batch, reading only the
    // projection's event types, and reading the next batch while this one is written.
    let position: Position | null = null;
    const read = (after: Position | null) => this.store.readAll({ after: after ?? undefined, limit: READ_BATCH, types: projection.eventTypes });
    let next = read(null);
    for (;;) {
      const events = await next;
      if (events.length === 0) break;
      position = events.at(-1)!.position;
      next = read(position);
      await this.dataSource.transaction((tx) => applyBatch(projection, events, tx, shadows));
      progress.eventsApplied += events.length;
      progress.eventsRead = progress.eventsApplied;
      onProgress?.({ ...progress, eventsTotal: Math.max(progress.eventsTotal, progress.eventsRead) });
    }

    position = await this.dataSource.transaction((tx) => this.swap(tx, projection, position, progress));
    onProgress?.({ ...progress, eventsTotal: progress.eventsRead });
    const result = { ...progress, eventsTotal: progress.eventsRead, position, elapsedMs: Date.now() - started };
    this.logger.log({ projection: name, events: result.eventsRead, elapsedMs: result.elapsedMs }, 'projection rebuilt and swapped in');
    return result;
  }

  private async swap(tx: EntityManager, projection: ProjectionDefinition, caughtUp: Position | null, progress: RebuildProgress): Promise<Position | null> {
    const subscriptionId = subscriptionIdOf(projection.name);
    // Fences the live runner: its next checkpoint update waits here, then finds the position moved.
    await tx.query(`INSERT INTO es.checkpoints (subscription_id, position) VALUES ($1, $2) ON CONFLICT (subscription_id) DO NOTHING`, [
      subscriptionId,
      caughtUp ?? '00000000000000000000-00000000000000000000',
    ]);
    await tx.query(`SELECT position FROM es.checkpoints WHERE subscription_id = $1 FOR UPDATE`, [subscriptionId]);
    const shadows = shadowTableNames(projection);
    let position = caughtUp;
    for (;;) {
      const events: RecordedEvent[] = await this.store.readAll({ after: position ?? undefined, limit: READ_BATCH, types: projection.eventTypes });
      if (events.length === 0) break;
      position = events.at(-1)!.position;
      await applyBatch(projection, events, tx, shadows);
      progress.eventsApplied += events.length;
      progress.eventsRead = progress.eventsApplied;
    }
    for (const table of projection.tables) {
      await tx.query(`DROP TABLE ${table.schema}.${table.name}`);
      await tx.query(`ALTER TABLE ${table.schema}.${table.name}${SHADOW_SUFFIX} RENAME TO ${table.name}`);
    }
    if (position) await tx.query(`UPDATE es.checkpoints SET position = $2, updated_at = now() WHERE subscription_id = $1`, [subscriptionId, position]);
    return position;
  }

  private async readableEvents(types: readonly string[]): Promise<number> {
    const [{ n }] = await this.dataSource.query(
      `SELECT count(*)::bigint AS n FROM es.events WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot()) AND type = ANY($1::text[])`,
      [[...types]],
    );
    return Number(n);
  }
}
