import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { CountryCode } from 'libphonenumber-js';
import { DataSource, type EntityManager } from 'typeorm';
import { Keyring } from '../keyring/keyring';
import { lengthPrefixed } from '../primitives/aead';
import { type IdentifierKind, normalizeIdentifier } from './normalizers';

export const BLIND_INDEX_OPTIONS = Symbol('BLIND_INDEX_OPTIONS');
export interface BlindIndexOptions {
  defaultPhoneRegion: CountryCode;
}

export interface IndexEntry {
  customerId: string;
  campaignId: string;
  controllerId: string;
  /** The key this row goes with: content for e-mail and phone, reference for customerRef. */
  keyId: string;
  kind: IdentifierKind;
  /** As given; normalized here unless `normalized` is passed. */
  value: string;
  normalized?: string;
}

export interface PreparedIndexRows {
  rows: string;
  count: number;
  version: number;
}

export interface IndexMatch {
  customerId: string;
  campaignId: string;
  live: boolean;
}

/** HMAC-SHA256, truncated to 128 bits, over (controller id, kind, normalized value). */
export function blindHash(indexKey: Buffer, controllerId: string, kind: IdentifierKind, normalized: string): Buffer {
  return createHmac('sha256', indexKey).update(lengthPrefixed('blind-index/v1', controllerId, kind, normalized)).digest().subarray(0, 16);
}

/**
 * Finds a person's customers by identifier without storing the identifier. Rows are written under
 * the active index-key version; lookups try every version still in the keyring, so they keep
 * working through a rotation.
 */
@Injectable()
export class BlindIndex {
  constructor(
    @Inject(Keyring) private readonly keyring: Keyring,
    @Inject(BLIND_INDEX_OPTIONS) private readonly options: BlindIndexOptions,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  normalize(kind: IdentifierKind, value: string): string {
    return normalizeIdentifier(kind, value, this.options.defaultPhoneRegion);
  }

  /**
   * Writes index rows, one statement for any number; `replace` overwrites a customer's row of the
   * same kind and version (a resumed re-index). A customerRef already held by a live customer of
   * the campaign violates `blind_index_live_customer_ref` (unique_violation).
   */
  async put(tx: EntityManager, entries: IndexEntry[], options: { replace?: boolean } = {}): Promise<void> {
    if (entries.length === 0) return;
    await this.insertPrepared(tx, this.prepareRows(await this.keyring.activeIndexKey(tx), entries), options);
  }

  /** The CPU half of put: normalize and hash under `indexKey` (Keyring.activeIndexKey). */
  prepareRows(indexKey: { version: number; key: Buffer }, entries: IndexEntry[]): PreparedIndexRows {
    const rows = JSON.stringify(
      entries.map((e) => ({
        k: e.keyId,
        cu: e.customerId,
        ca: e.campaignId,
        ctl: e.controllerId,
        kind: e.kind,
        h: blindHash(indexKey.key, e.controllerId, e.kind, e.normalized ?? this.normalize(e.kind, e.value)).toString('base64'),
      })),
    );
    return { rows, count: entries.length, version: indexKey.version };
  }

  async insertPrepared(tx: EntityManager, prepared: PreparedIndexRows, options: { replace?: boolean } = {}): Promise<void> {
    if (prepared.count === 0) return;
    if (!options.replace) {
      // Callers hold the key (created in this transaction, or locked FOR SHARE by the write path).
      await tx.query(
        `INSERT INTO crypto.blind_index (key_id, customer_id, campaign_id, controller_id, kind, index_key_version, hash)
         SELECT k, cu, ca, ctl, kind, $2::integer, decode(h, 'base64')
           FROM jsonb_to_recordset($1::jsonb) AS t(k uuid, cu uuid, ca uuid, ctl text, kind text, h text)`,
        [prepared.rows, prepared.version],
      );
      return;
    }
    // A re-index writes rows from identifiers read earlier, holding no key: it locks each key row
    // FOR SHARE and skips destroyed ones, so a customer erased since the read is not indexed again
    // (a destroy in flight is waited for, then its row re-checked).
    await tx.query(
      `INSERT INTO crypto.blind_index (key_id, customer_id, campaign_id, controller_id, kind, index_key_version, hash)
       SELECT t.k, t.cu, t.ca, t.ctl, t.kind, $2::integer, decode(t.h, 'base64')
         FROM jsonb_to_recordset($1::jsonb) AS t(k uuid, cu uuid, ca uuid, ctl text, kind text, h text)
         JOIN crypto.data_keys d ON d.key_id = t.k AND d.wrapped IS NOT NULL
         FOR SHARE OF d
       ON CONFLICT (customer_id, kind, index_key_version) DO UPDATE SET hash = EXCLUDED.hash, key_id = EXCLUDED.key_id`,
      [prepared.rows, prepared.version],
    );
  }

  /** Removes a customer's rows of these kinds (all versions): a changed e-mail's old row goes. */
  async remove(tx: EntityManager, customerId: string, kinds: IdentifierKind[]): Promise<void> {
    await tx.query(`DELETE FROM crypto.blind_index WHERE customer_id = $1 AND kind = ANY($2::text[])`, [customerId, kinds]);
  }

  /** For each value, the customers matching it (one query for all values). */
  async findMany(controllerId: string, kind: IdentifierKind, values: string[], db: Pick<EntityManager, 'query'> = this.dataSource, campaignId?: string): Promise<IndexMatch[][]> {
    if (values.length === 0) return [];
    const versions = [...(await this.keyring.indexKeysForLookup(db))];
    const hashes = values.map((value) => {
      const normalized = this.normalize(kind, value);
      return versions.map(([version, key]) => ({ version, hash: blindHash(key, controllerId, kind, normalized) }));
    });
    const flat = hashes.flat();
    const rows: { customer_id: string; campaign_id: string; live: boolean; index_key_version: number; hash: Buffer }[] = await db.query(
      `SELECT customer_id, campaign_id, live, index_key_version, hash FROM crypto.blind_index
        WHERE controller_id = $1 AND kind = $2 AND (index_key_version, hash) IN (SELECT * FROM unnest($3::integer[], $4::bytea[]))
          AND ($5::uuid IS NULL OR campaign_id = $5)`,
      [controllerId, kind, flat.map((h) => h.version), flat.map((h) => h.hash), campaignId ?? null],
    );
    const byHash = new Map<string, IndexMatch[]>();
    for (const row of rows) {
      const id = `${row.index_key_version}:${row.hash.toString('hex')}`;
      byHash.set(id, [...(byHash.get(id) ?? []), { customerId: row.customer_id, campaignId: row.campaign_id, live: row.live }]);
    }
    return hashes.map((candidates) => candidates.flatMap((c) => byHash.get(`${c.version}:${c.hash.toString('hex')}`) ?? []));
  }

  /** Customers of a controller matching an identifier, under every index-key version present. */
  async find(controllerId: string, kind: IdentifierKind, value: string, db: Pick<EntityManager, 'query'> = this.dataSource, campaignId?: string): Promise<IndexMatch[]> {
    const normalized = this.normalize(kind, value);
    const versions = [...(await this.keyring.indexKeysForLookup(db))];
    const rows: { customer_id: string; campaign_id: string; live: boolean }[] = await db.query(
      `SELECT DISTINCT customer_id, campaign_id, live FROM crypto.blind_index
        WHERE controller_id = $1 AND kind = $2 AND (index_key_version, hash) IN (SELECT * FROM unnest($3::integer[], $4::bytea[]))
          AND ($5::uuid IS NULL OR campaign_id = $5)`,
      [controllerId, kind, versions.map(([v]) => v), versions.map(([, key]) => blindHash(key, controllerId, kind, normalized)), campaignId ?? null],
    );
    return rows.map((row) => ({ customerId: row.customer_id, campaignId: row.campaign_id, live: row.live }));
  }
}
