import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KEYS_DESTROYED_CHANNEL } from '../keys/key-cache';
import { changedRows } from '../keys/sql';
import { ErasureLedger } from './erasure-ledger';

export interface RestoreGuardReport {
  /** Keys live in the database but destroyed according to the ledger, destroyed again. */
  reDestroyed: number;
  /** Intents whose transaction had committed (keys destroyed in the database): commit mark added. */
  intentsCompleted: number;
  /** Intents whose transaction never committed (keys live): dropped. */
  intentsDropped: number;
}

/**
 * Restoring an old backup must not resurrect erased data while the KEK that wrapped it is still
 * active. At start, every key the ledger lists as destroyed is destroyed again, and intents left
 * by a crash between the database commit and the ledger's commit mark are settled.
 */
@Injectable()
export class RestoreGuard {
  private readonly logger = new Logger(RestoreGuard.name);

  constructor(
    @Inject(ErasureLedger) private readonly ledger: ErasureLedger,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async run(): Promise<RestoreGuardReport> {
    const { committed, pending } = await this.ledger.read();
    let intentsCompleted = 0;
    const dropped = new Set<string>();
    for (const entry of pending) {
      const [{ destroyed }] = await this.dataSource.query(
        `SELECT count(*) FILTER (WHERE wrapped IS NULL)::int AS destroyed FROM crypto.data_keys WHERE key_id = ANY($1::uuid[])`,
        [entry.keyIds],
      );
      if (destroyed > 0) {
        await this.ledger.recordCommit(entry.id);
        committed.push(entry);
        intentsCompleted += 1;
      } else {
        dropped.add(entry.id);
      }
    }
    if (dropped.size > 0) await this.ledger.rewrite(() => true, dropped);

    const keyIds = committed.flatMap((entry) => entry.keyIds);
    let reDestroyed = 0;
    if (keyIds.length > 0) {
      reDestroyed = await this.dataSource.transaction(async (tx) => {
        const rows = await changedRows<{ key_id: string }>(
          tx,
          `UPDATE crypto.data_keys SET wrapped = NULL, destroyed_at = now(), destroyed_by = 'restore-guard'
            WHERE key_id = ANY($1::uuid[]) AND wrapped IS NOT NULL RETURNING key_id`,
          [keyIds],
        );
        if (rows.length > 0) {
          const ids = rows.map((row) => row.key_id);
          await tx.query(`DELETE FROM crypto.blind_index WHERE key_id = ANY($1::uuid[])`, [ids]);
          for (let i = 0; i < ids.length; i += 180) {
            await tx.query(`SELECT pg_notify($1, $2)`, [KEYS_DESTROYED_CHANNEL, JSON.stringify({ keyIds: ids.slice(i, i + 180) })]);
          }
        }
        return rows.length;
      });
    }
    const report = { reDestroyed, intentsCompleted, intentsDropped: dropped.size };
    if (reDestroyed > 0) this.logger.warn(report, 'restore guard destroyed keys that the erasure ledger lists as erased (was an old backup restored?)');
    else if (intentsCompleted + dropped.size > 0) this.logger.log(report, 'restore guard settled erasure ledger intents');
    return report;
  }
}
