import { isErased, isSealedBlob, type PersonalData, type SealedBlob, Sealer } from '@app/crypto-shredding';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CustomerPersonal } from '../domain/events';

const TABLE = 'app.customers';

export interface CustomerListRow {
  customerId: string;
  campaignId: string;
  controllerId: string;
  seq: string;
  enrolledAt: Date;
  personal: CustomerPersonal | null;
  customerRef: string | null;
}

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

const columnContext = (customerId: string, column: 'personal' | 'reference') => ({ kind: 'column' as const, table: TABLE, rowId: customerId, column });

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

  async count(db: Pick<EntityManager, 'query'>, campaignId: string): Promise<number> {
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM ${TABLE} WHERE campaign_id = $1`, [campaignId]);
    return n;
  }

  async controllerOf(db: Pick<EntityManager, 'query'>, customerId: string): Promise<{ campaignId: string; controllerId: string } | null> {
    const rows: { campaign_id: string; controller_id: string }[] = await db.query(`SELECT campaign_id, controller_id FROM ${TABLE} WHERE customer_id = $1`, [customerId]);
    return rows[0] ? { campaignId: rows[0].campaign_id, controllerId: rows[0].controller_id } : null;
  }

  /**
   * A page in enrollment order; `after` is the last row's seq of the previous page. Ordered by the
   * bigint column, qualified: a bare `seq` would name the text alias of the select list.
   */
  async page(db: Pick<EntityManager, 'query'>, campaignId: string, limit: number, after: string | null): Promise<CustomerListRow[]> {
    const rows: { customer_id: string; campaign_id: string; controller_id: string; seq: string; enrolled_at: Date; personal: SealedBlob; reference: SealedBlob }[] = await db.query(
      `SELECT customer_id, campaign_id, controller_id, seq::text AS seq, enrolled_at, personal, reference FROM ${TABLE}
        WHERE campaign_id = $1 AND ($2::bigint IS NULL OR seq > $2::bigint) ORDER BY ${TABLE}.seq LIMIT $3`,
      [campaignId, after, limit],
    );
    return this.open(rows);
  }

  async get(db: Pick<EntityManager, 'query'>, customerId: string): Promise<CustomerListRow | null> {
    const rows = await db.query(
      `SELECT customer_id, campaign_id, controller_id, seq::text AS seq, enrolled_at, personal, reference FROM ${TABLE} WHERE customer_id = $1`,
      [customerId],
    );
    return (await this.open(rows))[0] ?? null;
  }

  private async open(rows: { customer_id: string; campaign_id: string; controller_id: string; seq: string; enrolled_at: Date; personal: SealedBlob; reference: SealedBlob }[]): Promise<CustomerListRow[]> {
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
      };
    });
  }
}
