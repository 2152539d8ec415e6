import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CheckpointConflict } from './event-store.errors';
import type { CheckpointStore, Position } from './event-store.port';
import { comparePositions, parsePosition } from './position.codec';

/**
 * Checkpoints of subscriptions (projections, process managers) in `es.checkpoints`, written in
 * the same transaction as the work they account for.
 */
@Injectable()
export class PostgresCheckpointStore implements CheckpointStore {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async read(subscriptionId: string): Promise<Position | null> {
    const rows: { position: string }[] = await this.dataSource.query('SELECT position FROM es.checkpoints WHERE subscription_id = $1', [
      subscriptionId,
    ]);
    return rows.length === 0 ? null : parsePosition(rows[0]!.position);
  }

  /**
   * Runs `work` and moves the checkpoint from `expected` (null: none stored yet) to `next` in one
   * transaction. Throws `CheckpointConflict`, committing nothing, when the stored checkpoint is
   * not `expected`: that fences a runner that lost its leadership without knowing it yet.
   * The checkpoint is written first so that a second writer waits on its row lock before doing
   * any work, and then finds the position moved.
   */
  async withCheckpoint<T>(subscriptionId: string, expected: Position | null, next: Position, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    if (expected !== null && comparePositions(next, expected) <= 0) {
      throw new RangeError(`checkpoint of ${subscriptionId} must move forwards: ${next} is not after ${expected}`);
    }
    return this.dataSource.transaction(async (tx) => {
      const [{ moved }]: { moved: number }[] =
        expected === null
          ? await tx.query(
              `WITH stored AS (
                 INSERT INTO es.checkpoints (subscription_id, position) VALUES ($1, $2)
                 ON CONFLICT (subscription_id) DO NOTHING RETURNING 1
               ) SELECT count(*)::int AS moved FROM stored`,
              [subscriptionId, next],
            )
          : await tx.query(
              `WITH stored AS (
                 UPDATE es.checkpoints SET position = $3, updated_at = now()
                 WHERE subscription_id = $1 AND position = $2 RETURNING 1
               ) SELECT count(*)::int AS moved FROM stored`,
              [subscriptionId, expected, next],
            );
      if (moved !== 1) throw new CheckpointConflict(subscriptionId, expected);
      return work(tx);
    });
  }
}
