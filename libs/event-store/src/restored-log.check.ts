import type { EntityManager } from 'typeorm';
import { EventStoreError } from './event-store.errors';

/** Transactions per pg_xact segment file (32 pages of 32,768). */
const XACT_SEGMENT = 1n << 20n;
/** Room left for the transactions the cluster runs between this check and its stop. */
const HEADROOM = 1n << 16n;
const XID_RANGE = 1n << 32n;

export interface ResetWalTarget {
  /** `pg_resetwal -e`: the epoch, the high 32 bits of an xid8. */
  epoch: bigint;
  /** `pg_resetwal -x`: the 32-bit transaction counter within that epoch. */
  xid: bigint;
}

/**
 * What `pg_resetwal -e <epoch> -x <xid>` must set so that every transaction from now on gets an
 * xid8 (epoch * 2^32 + xid) above `newest`, the largest transaction id in the restored log.
 * The epoch does the work: PostgreSQL keeps it only in pg_control, so raising it is free. The
 * 32-bit counter only moves a little forward, to a pg_xact segment boundary: rows store 32-bit
 * xids compared modulo 2^32, so a jump of more than 2^31 would make existing rows look like
 * they were written in the future, and a counter in the middle of a segment that does not exist
 * yet stops the server at start ("could not access status of transaction").
 */
export function resetWalTarget(newest: bigint, next: bigint): ResetWalTarget {
  const epoch = newest / XID_RANGE + 1n;
  const low = next % XID_RANGE;
  let xid = ((low + HEADROOM) / XACT_SEGMENT + 1n) * XACT_SEGMENT;
  if (xid >= XID_RANGE) xid = XACT_SEGMENT; // past 2^32 the counter wraps; the raised epoch still orders it after `newest`
  return { epoch, xid };
}

/**
 * The log holds transaction ids the cluster has not reached yet: what a logical restore
 * (pg_dump, then pg_restore or psql) into a younger cluster produces, since rows keep their
 * `transaction_id`. Readers take only rows below the cluster's oldest running transaction, so
 * those events stay invisible, and new events sort before every stored checkpoint.
 */
export class TransactionIdsAhead extends EventStoreError {
  readonly target: ResetWalTarget;

  constructor(
    /** The largest transaction id in es.events. */
    readonly newest: bigint,
    /** The cluster's next transaction id. */
    readonly next: bigint,
  ) {
    const target = resetWalTarget(newest, next);
    super(
      `es.events holds events of transaction ${newest} but this PostgreSQL cluster's next transaction id is ${next}, ` +
        'so readers would never see them (was it restored from a logical dump into a younger cluster?): ' +
        `stop PostgreSQL, run "pg_resetwal -e ${target.epoch} -x ${target.xid} <data directory>" and start it again, ` +
        'or restore a physical backup (docs/operations.md, "Backups and restore")',
    );
    this.target = target;
  }
}

/**
 * Start-up check: throws TransactionIdsAhead when es.events holds a transaction id at or above
 * the cluster's next one. The next id is the current snapshot's xmax rather than
 * pg_current_xact_id(), which would spend a transaction id and fails on a read-only standby; in
 * a healthy cluster every row this snapshot sees was written below it.
 */
export async function assertEventLogReadable(db: Pick<EntityManager, 'query'>): Promise<void> {
  const [row]: { newest: string | null; next: string }[] = await db.query(
    `SELECT (SELECT max(transaction_id) FROM es.events)::text AS newest,
            pg_snapshot_xmax(pg_current_snapshot())::text AS next`,
  );
  if (!row || row.newest === null) return;
  const newest = BigInt(row.newest);
  const next = BigInt(row.next);
  if (newest >= next) throw new TransactionIdsAhead(newest, next);
}
