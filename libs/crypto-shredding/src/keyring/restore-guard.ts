import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KeyShredder } from '../keys/key-shredder';
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
    @Inject(KeyShredder) private readonly shredder: KeyShredder,
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
    const reDestroyed =
      keyIds.length === 0
        ? 0
        : (await this.dataSource.transaction((tx) => this.shredder.destroy(tx, { keyIds }, { actor: 'restore-guard' }, { ledger: false }))).keysDestroyed;
    const report = { reDestroyed, intentsCompleted, intentsDropped: dropped.size };
    if (reDestroyed > 0) this.logger.warn(report, 'restore guard destroyed keys that the erasure ledger lists as erased (was an old backup restored?)');
    else if (intentsCompleted + dropped.size > 0) this.logger.log(report, 'restore guard settled erasure ledger intents');
    return report;
  }
}
