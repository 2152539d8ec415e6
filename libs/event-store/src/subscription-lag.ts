import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Position } from './event-store.port';
import { parsePosition } from './position.codec';

export interface SubscriptionLag {
  /** The stored checkpoint; null before the first batch. */
  position: Position | null;
  /** Readable events after the checkpoint (of the given types, when given). */
  lagEvents: number;
  /** Age of the oldest of them, 0 when there is none. */
  lagSeconds: number;
}

/** How far a subscription's checkpoint is behind the readable end of the log (PostgreSQL adapter). */
@Injectable()
export class SubscriptionLags {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async of(subscriptionId: string, types?: readonly string[]): Promise<SubscriptionLag> {
    const [row]: { position: string | null; lag_events: string; lag_seconds: number | null }[] = await this.dataSource.query(
      `WITH checkpoint AS (
         SELECT position, split_part(position, '-', 1)::numeric::text::xid8 AS xid, split_part(position, '-', 2)::bigint AS pos
           FROM es.checkpoints WHERE subscription_id = $1
       )
       SELECT (SELECT position FROM checkpoint) AS position, count(e.position)::text AS lag_events,
              extract(epoch FROM now() - min(e.recorded_at))::float8 AS lag_seconds
         FROM es.events e LEFT JOIN checkpoint c ON true
        WHERE e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          AND ($2::text[] IS NULL OR e.type = ANY($2::text[]))
          AND (c.xid IS NULL OR (e.transaction_id, e.position) > (c.xid, c.pos))`,
      [subscriptionId, types ? [...types] : null],
    );
    return {
      position: row.position === null ? null : parsePosition(row.position),
      lagEvents: Number(row.lag_events),
      lagSeconds: row.lag_seconds === null ? 0 : Math.max(0, Number(row.lag_seconds.toFixed(3))),
    };
  }
}
