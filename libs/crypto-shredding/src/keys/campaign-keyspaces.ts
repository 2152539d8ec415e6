import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { KeyDestroyed, KeyspaceClosed } from '../errors';

/**
 * Why these locks close both races with an anonymization (all under READ COMMITTED):
 *
 * - Enrollment of new customers takes the campaign's keyspace row FOR SHARE (`lockForWrite`) before
 *   creating keys. The destroyer takes the same row FOR UPDATE first, which waits until every
 *   enrollment holding FOR SHARE has committed or rolled back; its UPDATE of the key rows starts
 *   after that, so it sees (and destroys) every key those enrollments created. An enrollment that
 *   asks for FOR SHARE after the destroyer waits behind it, then re-reads the row as committed,
 *   finds it no longer live, and fails with KeyspaceClosed: no key is created after the shred.
 * - Appends to an existing customer take that customer's key row FOR SHARE (`lockCustomerKey`).
 *   The destroyer's UPDATE of the row waits for them, so they commit first and are shredded with
 *   the rest. An append arriving after the UPDATE waits for the destroyer's row lock, then
 *   re-checks the updated row, sees `wrapped IS NULL`, and fails with KeyDestroyed (410): nothing
 *   lands under a live key after the shred.
 * - A seller rename takes the seller's key row FOR SHARE (`lockLiveKey`) for the same reason
 *   against a seller erasure: the rename commits first and its name is shredded, or it sees the
 *   key gone and is refused.
 * - Legal-hold changes take the keyspace FOR SHARE (`lockShared`, any status); an anonymization
 *   takes it FOR UPDATE (`lockForDestroy`) before it reads the holds it decides on, so it sees every
 *   hold committed before it and a hold placed later waits for it to commit. Archiving all of a
 *   campaign's customers takes it FOR UPDATE too: no enrollment is in flight across it.
 */
@Injectable()
export class CampaignKeyspaces {
  async open(tx: EntityManager, campaignId: string, controllerId: string): Promise<void> {
    await tx.query(
      `INSERT INTO crypto.campaign_keyspaces (campaign_id, controller_id) VALUES ($1, $2) ON CONFLICT (campaign_id) DO NOTHING`,
      [campaignId, controllerId],
    );
  }

  /** FOR SHARE on the keyspace; throws KeyspaceClosed unless it is live. */
  async lockForWrite(tx: EntityManager, campaignId: string): Promise<void> {
    const rows: { status: string }[] = await tx.query(
      `SELECT status FROM crypto.campaign_keyspaces WHERE campaign_id = $1 FOR SHARE`,
      [campaignId],
    );
    if (rows.length === 0 || rows[0].status !== 'live') throw new KeyspaceClosed(campaignId, rows[0]?.status ?? null);
  }

  /**
   * FOR SHARE on the keyspace whatever its status; null when there is none. For changes that
   * must not cross a decision taken under `lockForDestroy` (a legal hold placed while an
   * anonymization reads the holds) but are allowed on an anonymized campaign.
   */
  async lockShared(tx: EntityManager, campaignId: string): Promise<string | null> {
    const rows: { status: string }[] = await tx.query(`SELECT status FROM crypto.campaign_keyspaces WHERE campaign_id = $1 FOR SHARE`, [campaignId]);
    return rows[0]?.status ?? null;
  }

  /** FOR SHARE on a customer's key row; throws KeyDestroyed when its key is gone. */
  async lockCustomerKey(tx: EntityManager, keyId: string): Promise<void> {
    if (!(await this.lockLiveKey(tx, keyId))) throw new KeyDestroyed(keyId);
  }

  /** FOR SHARE on a data key row; false when the key is destroyed (or absent). */
  async lockLiveKey(tx: EntityManager, keyId: string): Promise<boolean> {
    const rows: { destroyed: boolean }[] = await tx.query(
      `SELECT wrapped IS NULL AS destroyed FROM crypto.data_keys WHERE key_id = $1 FOR SHARE`,
      [keyId],
    );
    return rows.length > 0 && !rows[0].destroyed;
  }

  /**
   * FOR UPDATE on the keyspace: what a destroyer takes before touching any key of the campaign,
   * and before reading what it decides on (legal holds). Also what archiving every customer of a
   * campaign takes, so no enrollment is in flight across it.
   */
  async lockForDestroy(tx: EntityManager, campaignId: string): Promise<string | null> {
    const rows: { status: string }[] = await tx.query(
      `SELECT status FROM crypto.campaign_keyspaces WHERE campaign_id = $1 FOR UPDATE`,
      [campaignId],
    );
    return rows[0]?.status ?? null;
  }

  async close(tx: EntityManager, campaignId: string, actor: string): Promise<void> {
    await tx.query(
      `UPDATE crypto.campaign_keyspaces SET status = 'anonymized', closed_at = now(), closed_by = $2 WHERE campaign_id = $1 AND status = 'live'`,
      [campaignId, actor],
    );
  }

  /**
   * The keyspace's state and, once anonymized, whether the reference keys went too (full mode):
   * some reference key of the campaign is destroyed and none lives. One customer anonymized in
   * full before a standard anonymization of its campaign does not make the campaign's full.
   */
  async describe(db: Pick<EntityManager, 'query'>, campaignId: string): Promise<{ status: string; closedAt: Date | null; closedBy: string | null; referenceKeysDestroyed: boolean } | null> {
    const rows: { status: string; closed_at: Date | null; closed_by: string | null; reference_gone: boolean }[] = await db.query(
      `SELECT k.status, k.closed_at, k.closed_by,
              (EXISTS (SELECT 1 FROM crypto.data_keys d WHERE d.campaign_id = k.campaign_id AND d.scope = 'reference' AND d.wrapped IS NULL)
               AND NOT EXISTS (SELECT 1 FROM crypto.data_keys d WHERE d.campaign_id = k.campaign_id AND d.scope = 'reference' AND d.wrapped IS NOT NULL)) AS reference_gone
         FROM crypto.campaign_keyspaces k WHERE k.campaign_id = $1`,
      [campaignId],
    );
    const row = rows[0];
    return row ? { status: row.status, closedAt: row.closed_at, closedBy: row.closed_by, referenceKeysDestroyed: row.reference_gone } : null;
  }

  async status(db: Pick<EntityManager, 'query'>, campaignId: string): Promise<string | null> {
    const rows: { status: string }[] = await db.query(`SELECT status FROM crypto.campaign_keyspaces WHERE campaign_id = $1`, [campaignId]);
    return rows[0]?.status ?? null;
  }
}
