import { isErased, isSealedBlob, type PersonalData, type SealedBlob, Sealer } from '@app/crypto-shredding';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CustomerPersonal } from '../domain/events';
import type { LegalHold } from '../domain/legal-hold';

const TABLE = 'app.customers';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Which customers a list or a selection covers: the working list (default), the archived ones, or both. */
export type ArchiveStatus = 'active' | 'archived' | 'all';

const ARCHIVE_FILTER: Record<ArchiveStatus, string> = {
  active: 'archived_at IS NULL',
  archived: 'archived_at IS NOT NULL',
  all: 'true',
};

/** Where a customer belongs and what holds it: the row every write to the customer locks first. */
export interface CustomerOwner {
  campaignId: string;
  controllerId: string;
  archivedAt: Date | null;
  legalHold: LegalHold | null;
}

export interface CustomerListRow {
  customerId: string;
  campaignId: string;
  controllerId: string;
  seq: string;
  enrolledAt: Date;
  personal: CustomerPersonal | null;
  customerRef: string | null;
  archivedAt: Date | null;
  legalHold: LegalHold | null;
}

type StoredRow = {
  customer_id: string;
  campaign_id: string;
  controller_id: string;
  seq: string;
  enrolled_at: Date;
  personal: SealedBlob;
  reference: SealedBlob;
  archived_at: Date | null;
  legal_hold: LegalHold | null;
};
const ROW_COLUMNS = `customer_id, campaign_id, controller_id, seq::text AS seq, enrolled_at, personal, reference, archived_at, legal_hold`;

export interface NewCustomerRow {
  customerId: string;
  campaignId: string;
  controllerId: string;
  enrolledAt: string;
  personal: CustomerPersonal;
  customerRef: string;
  contentKeyId: string;
  referenceKeyId: string;
}

export interface PreparedCustomerRows {
  rows: string;
  count: number;
}

export const columnContext = (customerId: string, column: 'personal' | 'reference') => ({ kind: 'column' as const, table: TABLE, rowId: customerId, column });

/**
 * The customer list behind `GET /v1/campaigns/:id/customers`, written in the transaction of the
 * events it derives from. Personal columns are sealed (bound to table, row and column) and opened
 * on read through the key cache; a destroyed key reads as null.
 */
@Injectable()
export class CustomerListReadModel {
  constructor(@Inject(Sealer) private readonly sealer: Sealer) {}

  /** Seals new rows; with every key in `knownKeys` (created in this transaction) it does no I/O. */
  async prepareRows(rows: NewCustomerRow[], tx?: EntityManager, knownKeys?: ReadonlyMap<string, Buffer>): Promise<PreparedCustomerRows> {
    const sealed = await this.sealer.sealMany(
      rows.flatMap((row) => [
        { keyId: row.contentKeyId, plain: row.personal, context: columnContext(row.customerId, 'personal') },
        { keyId: row.referenceKeyId, plain: { customerRef: row.customerRef }, context: columnContext(row.customerId, 'reference') },
      ]),
      tx,
      knownKeys,
    );
    return {
      count: rows.length,
      rows: JSON.stringify(rows.map((row, i) => ({ o: i, cu: row.customerId, ca: row.campaignId, ctl: row.controllerId, at: row.enrolledAt, p: sealed[2 * i], r: sealed[2 * i + 1] }))),
    };
  }

  async insertPrepared(tx: EntityManager, prepared: PreparedCustomerRows): Promise<void> {
    if (prepared.count === 0) return;
    await tx.query(
      `INSERT INTO ${TABLE} (customer_id, campaign_id, controller_id, enrolled_at, personal, reference)
       SELECT cu, ca, ctl, at, p, r FROM jsonb_to_recordset($1::jsonb) AS t(o integer, cu uuid, ca uuid, ctl text, at timestamptz, p jsonb, r jsonb)
        ORDER BY o`, // the list pages in enrollment order (seq is assigned in insert order)
      [prepared.rows],
    );
  }

  /** Replaces the sealed personal column with the merged details. */
  async updatePersonal(tx: EntityManager, customerId: string, contentKeyId: string, personal: CustomerPersonal): Promise<void> {
    const sealed = await this.sealer.seal(contentKeyId, personal, columnContext(customerId, 'personal'), tx);
    await tx.query(`UPDATE ${TABLE} SET personal = $2, updated_at = now() WHERE customer_id = $1`, [customerId, JSON.stringify(sealed)]);
  }

  async count(db: Pick<EntityManager, 'query'>, campaignId: string): Promise<{ customers: number; archived: number }> {
    const [row] = await db.query(
      `SELECT count(*)::int AS customers, (count(*) FILTER (WHERE archived_at IS NOT NULL))::int AS archived FROM ${TABLE} WHERE campaign_id = $1`,
      [campaignId],
    );
    return row;
  }

  /**
   * The customer's campaign, controller, archive state and hold. With a lock, the row is taken
   * FOR SHARE (an append: waits for an archive or a hold change in flight, then reads what it
   * committed) or FOR UPDATE (a change of the row: details, hold). The commands on one customer
   * (interactions, details, holds) take this row before its stream, so two of them never hold one
   * each and wait for the other.
   */
  async ownerOf(db: Pick<EntityManager, 'query'>, customerId: string, lock?: 'share' | 'update'): Promise<CustomerOwner | null> {
    const rows: { campaign_id: string; controller_id: string; archived_at: Date | null; legal_hold: LegalHold | null }[] = await db.query(
      `SELECT campaign_id, controller_id, archived_at, legal_hold FROM ${TABLE} WHERE customer_id = $1 ${lock === 'share' ? 'FOR SHARE' : lock === 'update' ? 'FOR UPDATE' : ''}`,
      [customerId],
    );
    const row = rows[0];
    return row ? { campaignId: row.campaign_id, controllerId: row.controller_id, archivedAt: row.archived_at, legalHold: row.legal_hold } : null;
  }

  /** Campaign and hold of each of these customers (absent ids are not in the map): one query for 100,000. */
  async owners(db: Pick<EntityManager, 'query'>, customerIds: string[]): Promise<Map<string, CustomerOwner>> {
    const ids = customerIds.filter((id) => UUID.test(id));
    if (ids.length === 0) return new Map();
    const rows: { customer_id: string; campaign_id: string; controller_id: string; archived_at: Date | null; legal_hold: LegalHold | null }[] = await db.query(
      `SELECT customer_id, campaign_id, controller_id, archived_at, legal_hold FROM ${TABLE} WHERE customer_id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((row) => [row.customer_id, { campaignId: row.campaign_id, controllerId: row.controller_id, archivedAt: row.archived_at, legalHold: row.legal_hold }]));
  }

  /**
   * What archiving or unarchiving would touch: the given ids that are no customer of the campaign,
   * and how many of the rest (or of all its customers, for `null`) are archived and how many not.
   */
  async selection(db: Pick<EntityManager, 'query'>, campaignId: string, customerIds: string[] | null): Promise<{ unknown: Set<string>; archived: number; active: number }> {
    if (customerIds === null) {
      const [row] = await db.query(
        `SELECT (count(*) FILTER (WHERE archived_at IS NOT NULL))::int AS archived, (count(*) FILTER (WHERE archived_at IS NULL))::int AS active FROM ${TABLE} WHERE campaign_id = $1`,
        [campaignId],
      );
      return { unknown: new Set(), archived: row.archived, active: row.active };
    }
    const found: { customer_id: string; archived: boolean }[] = await db.query(
      `SELECT customer_id::text AS customer_id, archived_at IS NOT NULL AS archived FROM ${TABLE} WHERE campaign_id = $1 AND customer_id = ANY($2::uuid[])`,
      [campaignId, [...new Set(customerIds.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))]],
    );
    const known = new Set(found.map((row) => row.customer_id));
    const archived = found.filter((row) => row.archived).length;
    return { unknown: new Set(customerIds.filter((id) => !known.has(id.toLowerCase()))), archived, active: found.length - archived };
  }

  /**
   * Archives (`at`) or unarchives (`null`) the given customers of the campaign, or all of them;
   * returns how many changed. One statement for a campaign of any size.
   */
  async setArchived(tx: EntityManager, campaignId: string, customerIds: string[] | null, at: string | null): Promise<number> {
    const [{ n }] = await tx.query(
      `WITH changed AS (
         UPDATE ${TABLE} SET archived_at = $3::timestamptz, updated_at = now()
          WHERE campaign_id = $1 AND ($2::uuid[] IS NULL OR customer_id = ANY($2::uuid[]))
            AND ${at === null ? 'archived_at IS NOT NULL' : 'archived_at IS NULL'}
         RETURNING 1)
       SELECT count(*)::int AS n FROM changed`,
      [campaignId, customerIds, at],
    );
    return n;
  }

  async setLegalHold(tx: EntityManager, customerId: string, hold: LegalHold | null): Promise<void> {
    await tx.query(`UPDATE ${TABLE} SET legal_hold = $2::jsonb, updated_at = now() WHERE customer_id = $1`, [customerId, hold === null ? null : JSON.stringify(hold)]);
  }

  /** Ids of the campaign's customers in enrollment order (100,000 ids are a few MB). */
  async customerIds(db: Pick<EntityManager, 'query'>, campaignId: string, status: ArchiveStatus): Promise<string[]> {
    const rows: { customer_id: string }[] = await db.query(
      `SELECT customer_id FROM ${TABLE} WHERE campaign_id = $1 AND ${ARCHIVE_FILTER[status]} ORDER BY ${TABLE}.seq`,
      [campaignId],
    );
    return rows.map((row) => row.customer_id);
  }

  /** The campaign's customers under a hold of their own. */
  async held(db: Pick<EntityManager, 'query'>, campaignId: string): Promise<{ customerId: string; legalHold: LegalHold }[]> {
    const rows: { customer_id: string; legal_hold: LegalHold }[] = await db.query(
      `SELECT customer_id, legal_hold FROM ${TABLE} WHERE campaign_id = $1 AND legal_hold IS NOT NULL ORDER BY ${TABLE}.seq`,
      [campaignId],
    );
    return rows.map((row) => ({ customerId: row.customer_id, legalHold: row.legal_hold }));
  }

  /**
   * A page in enrollment order; `after` is the last row's seq of the previous page. Ordered by the
   * bigint column, qualified: a bare `seq` would name the text alias of the select list.
   */
  async page(db: Pick<EntityManager, 'query'>, campaignId: string, limit: number, after: string | null, status: ArchiveStatus = 'active'): Promise<CustomerListRow[]> {
    const rows: StoredRow[] = await db.query(
      `SELECT ${ROW_COLUMNS} FROM ${TABLE}
        WHERE campaign_id = $1 AND ${ARCHIVE_FILTER[status]} AND ($2::bigint IS NULL OR seq > $2::bigint) ORDER BY ${TABLE}.seq LIMIT $3`,
      [campaignId, after, limit],
    );
    return this.open(rows);
  }

  async get(db: Pick<EntityManager, 'query'>, customerId: string): Promise<CustomerListRow | null> {
    const rows = await db.query(`SELECT ${ROW_COLUMNS} FROM ${TABLE} WHERE customer_id = $1`, [customerId]);
    return (await this.open(rows))[0] ?? null;
  }

  private async open(rows: StoredRow[]): Promise<CustomerListRow[]> {
    const opened = await this.sealer.openMany(
      rows.flatMap((row) => [
        ...(isSealedBlob(row.personal) ? [{ sealed: row.personal, context: columnContext(row.customer_id, 'personal') }] : []),
        ...(isSealedBlob(row.reference) ? [{ sealed: row.reference, context: columnContext(row.customer_id, 'reference') }] : []),
      ]),
    );
    let next = 0;
    return rows.map((row) => {
      const personal = isSealedBlob(row.personal) ? opened[next++] : null;
      const reference = isSealedBlob(row.reference) ? opened[next++] : null;
      return {
        customerId: row.customer_id,
        campaignId: row.campaign_id,
        controllerId: row.controller_id,
        seq: row.seq,
        enrolledAt: row.enrolled_at,
        personal: personal && !isErased(personal) ? (personal as CustomerPersonal) : null,
        customerRef: reference && !isErased(reference) ? String((reference as PersonalData).customerRef) : null,
        archivedAt: row.archived_at,
        legalHold: row.legal_hold,
      };
    });
  }
}
