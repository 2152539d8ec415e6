import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KeyShredder } from '../keys/key-shredder';
import { ErasureLedger } from './erasure-ledger';

export interface RestoreGuardReport {
  /** Keys live in the database but destroyed according to the ledger, destroyed again. */
  reDestroyed: number;
  /** Intents whose transaction committed, or whose fate cannot be known: commit mark added. */
  intentsCompleted: number;
  /** Intents whose transaction aborted: dropped. */
  intentsDropped: number;
  /** Intents whose transaction is still running (another instance is erasing): left alone. */
  intentsInProgress: number;
}

type IntentFate = 'committed' | 'aborted' | 'in progress' | 'unknown';

/**
 * Restoring an old backup must not resurrect erased data while the KEK that wrapped it is still
 * active. At start, every key the ledger lists as destroyed is destroyed again, and open intents
 * are settled by their transaction's fate as PostgreSQL reports it (`pg_xact_status`): committed
 * completes the entry, aborted drops it, in progress (another instance sharing the keyring folder
 * is erasing right now) leaves it to that instance's commit mark. An intent whose fate cannot be
 * known (no transaction id recorded, a transaction id this cluster has not reached, as after a
 * restore, or one too old to look up) counts as committed: destroying a live key again is safe,
 * losing an erasure is not. Key rows are never used to guess: a restored backup has them live.
 */
@Injectable()
export class RestoreGuard {
  private readonly logger = new Logger(RestoreGuard.name);

  constructor(
    @Inject(ErasureLedger) private readonly ledger: ErasureLedger,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(KeyShredder) private readonly shredder: KeyShredder,
  ) {}

  async run(): Promise<RestoreGuardReport> {
    const { committed, pending } = await this.ledger.read();
    let intentsCompleted = 0;
    let intentsInProgress = 0;
    const dropped = new Set<string>();
    for (const entry of pending) {
      const fate = await this.fateOf(entry.xid);
      if (fate === 'in progress') {
        intentsInProgress += 1;
      } else if (fate === 'aborted') {
        dropped.add(entry.id);
      } else {
        await this.ledger.recordCommit(entry.id);
        committed.push(entry);
        intentsCompleted += 1;
      }
    }
    if (dropped.size > 0) await this.ledger.rewrite(() => true, { dropPending: dropped });

    const keyIds = committed.flatMap((entry) => entry.keyIds);
    const reDestroyed =
      keyIds.length === 0
        ? 0
        : (await this.dataSource.transaction((tx) => this.shredder.destroy(tx, { keyIds }, { actor: 'restore-guard' }, { ledger: false }))).keysDestroyed;
    const report = { reDestroyed, intentsCompleted, intentsDropped: dropped.size, intentsInProgress };
    if (reDestroyed > 0) this.logger.warn(report, 'restore guard destroyed keys that the erasure ledger lists as erased (was an old backup restored?)');
    else if (intentsCompleted + dropped.size + intentsInProgress > 0) this.logger.log(report, 'restore guard settled erasure ledger intents');
    return report;
  }

  private async fateOf(xid: string | undefined): Promise<IntentFate> {
    if (!xid) return 'unknown';
    try {
      const [{ status }] = await this.dataSource.query(`SELECT pg_xact_status($1::xid8) AS status`, [xid]);
      return status ?? 'unknown'; // NULL: too old for the commit log
    } catch (error) {
      // 22023: "transaction ID … is in the future": this cluster never ran it (a restored backup).
      if ((error as { code?: string }).code === '22023') return 'unknown';
      throw error;
    }
  }
}
