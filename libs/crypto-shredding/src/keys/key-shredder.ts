import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ErasureLedger } from '../keyring/erasure-ledger';
import type { LedgerEntry } from '../keyring/erasure-ledger';
import { CampaignKeyspaces } from './campaign-keyspaces';
import type { KeyScope } from './data-key';
import { type DestroyedNotice, KeyCache, KEYS_DESTROYED_CHANNEL } from './key-cache';
import { changedRows } from './sql';

export type DestroySelector =
  | { campaignId: string; scopes: KeyScope[] }
  | { customerIds: string[]; scopes: KeyScope[] }
  | { sellerIds: string[] }
  /** Exact keys: the restore guard re-applying the erasure ledger. */
  | { keyIds: string[] };

export interface DestroyActor {
  actor: string;
  certificateId?: string;
}

export interface DestroyResult {
  keyIds: string[];
  keysDestroyed: number;
  customersAffected: number;
  /** KEK versions that wrapped the destroyed keys (a certificate is irrecoverable once all are retired). */
  kekVersions: number[];
  /** What the key caches were told to evict. */
  notices: DestroyedNotice[];
  /** Null when nothing was left to destroy (a repeat). */
  ledgerEntry: LedgerEntry | null;
}

// A NOTIFY payload must stay under 8,000 bytes: 36-character ids, about 190 per message.
const IDS_PER_NOTICE = 180;

/**
 * Erasure is destroying keys: the wrapped key becomes NULL, the row stays as a tombstone. Runs in
 * the caller's transaction (so the anonymization, its event, audit entry and certificate commit
 * together), NOTIFYs the key caches (delivered only on commit) and writes an intent to the
 * erasure ledger (with the transaction's id) before commit. After commit the caller calls `confirm`.
 */
@Injectable()
export class KeyShredder {
  private readonly logger = new Logger(KeyShredder.name);

  constructor(
    @Inject(CampaignKeyspaces) private readonly keyspaces: CampaignKeyspaces,
    @Inject(ErasureLedger) private readonly ledger: ErasureLedger,
    @Inject(KeyCache) private readonly cache: KeyCache,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async destroy(tx: EntityManager, selector: DestroySelector, by: DestroyActor, options: { ledger?: boolean } = {}): Promise<DestroyResult> {
    let where: string;
    let parameters: unknown[];
    if ('campaignId' in selector) {
      // Keyspace first, FOR UPDATE: see CampaignKeyspaces for why this ordering closes the races.
      await this.keyspaces.lockForDestroy(tx, selector.campaignId);
      await this.keyspaces.close(tx, selector.campaignId, by.actor);
      where = `campaign_id = $1::uuid AND scope = ANY($2::text[])`;
      parameters = [selector.campaignId, selector.scopes];
    } else if ('customerIds' in selector) {
      where = `subject_id = ANY($1::text[]) AND scope = ANY($2::text[]) AND scope <> 'seller'`;
      parameters = [selector.customerIds, selector.scopes];
    } else if ('sellerIds' in selector) {
      where = `subject_id = ANY($1::text[]) AND scope = $2`;
      parameters = [selector.sellerIds, 'seller'];
    } else {
      where = `key_id = ANY($1::uuid[]) AND $2::text IS NULL`;
      parameters = [selector.keyIds, null];
    }
    // The keys first, in a statement of their own: it waits for every writer holding a key row
    // FOR SHARE (an append, a PATCH rewriting the e-mail's index row) to commit.
    const rows = await changedRows<{ key_id: string; subject_id: string; scope: KeyScope; kek_version: number }>(
      tx,
      `UPDATE crypto.data_keys SET wrapped = NULL, destroyed_at = now(), destroyed_by = $3, destroyed_certificate = $4
        WHERE ${where} AND wrapped IS NOT NULL
        RETURNING key_id, subject_id, scope, kek_version`,
      [...parameters, by.actor, by.certificateId ?? null],
    );
    const keyIds = rows.map((row) => row.key_id);
    if (keyIds.length === 0) return { keyIds, keysDestroyed: 0, customersAffected: 0, kekVersions: [], notices: [], ledgerEntry: null };

    // Then the blind-index rows that go with them, and the liveness of customerRef rows of
    // customers whose content key went (so the same person can be enrolled again). Under READ
    // COMMITTED this statement takes a new snapshot, so it sees the index rows those writers
    // committed while the UPDATE waited; inside the UPDATE's own statement (a CTE) it would not,
    // and a PATCHed e-mail would stay findable after the erasure. Writers that come later wait
    // on the key rows and find them destroyed. `destroyed_at = now()` keeps it to this
    // transaction's keys without sending the ids back.
    const [{ xid }] = await tx.query<{ xid: string }[]>(
      `WITH customers AS MATERIALIZED (
         SELECT key_id, subject_id::uuid AS customer_id, scope FROM crypto.data_keys
          WHERE ${where} AND wrapped IS NULL AND destroyed_at = now() AND scope <> 'seller'
       ), gone AS (
         DELETE FROM crypto.blind_index b USING customers c WHERE b.customer_id = c.customer_id AND b.key_id = c.key_id
       ), unlisted AS (
         UPDATE crypto.blind_index b SET live = false FROM customers c
          WHERE c.scope = 'content' AND b.customer_id = c.customer_id AND b.kind = 'customer_ref' AND b.live
            -- NOT IN, not NOT EXISTS: the planner estimates \`destroyed_at = now()\` at a row or so and
            -- would loop over the CTE for every index row (quadratic: minutes for 100,000 customers);
            -- NOT IN over it is a hashed subplan whatever the estimate. key_id is NOT NULL on both sides.
            AND b.key_id NOT IN (SELECT key_id FROM customers)
       )
       SELECT pg_current_xact_id()::text AS xid`,
      parameters,
    );

    const notices: DestroyedNotice[] =
      'campaignId' in selector
        ? [{ campaignId: selector.campaignId }]
        : chunk(keyIds, IDS_PER_NOTICE).map((ids) => ({ keyIds: ids }));
    for (const notice of notices) {
      await tx.query(`SELECT pg_notify($1, $2)`, [KEYS_DESTROYED_CHANNEL, JSON.stringify(notice)]);
    }

    const kekVersions = [...new Set(rows.map((row) => row.kek_version))].sort((a, b) => a - b);
    const ledgerEntry = options.ledger === false ? null : await this.ledger.recordIntent(keyIds, kekVersions, xid);
    const customers = new Set(rows.filter((row) => row.scope !== 'seller').map((row) => row.subject_id));
    return { keyIds, keysDestroyed: keyIds.length, customersAffected: customers.size, kekVersions, notices, ledgerEntry };
  }

  /**
   * After the destroying transaction committed: this instance's cache evicts at once (the NOTIFY
   * reaches it a moment later, and the caller's answer must not race it), the ledger's commit
   * mark, then VACUUM as hygiene.
   */
  async confirm(result: DestroyResult, options: { vacuum?: boolean } = {}): Promise<void> {
    for (const notice of result.notices) this.cache.evict(notice);
    if (!result.ledgerEntry) return;
    await this.ledger.recordCommit(result.ledgerEntry.id);
    if (options.vacuum ?? true) {
      // Hygiene only: VACUUM marks dead tuples reusable but does not zero them, and WAL, replicas
      // and backups keep the old wrapped keys. Erasure holds once the KEKs that wrapped them are retired.
      await this.dataSource.query('VACUUM crypto.data_keys').catch((error: unknown) => {
        this.logger.warn({ err: error }, 'VACUUM of crypto.data_keys failed');
      });
    }
  }

  /** Destroys in a transaction of its own and confirms it. */
  async destroyNow(selector: DestroySelector, by: DestroyActor, options: { vacuum?: boolean } = {}): Promise<DestroyResult> {
    const result = await this.dataSource.transaction((tx) => this.destroy(tx, selector, by));
    await this.confirm(result, options);
    return result;
  }
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
