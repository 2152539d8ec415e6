import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Keyring } from '../keyring/keyring';
import { type DataKeyRow, type KeyOwner, type KeyScope, newDataKey, newDataKeys, wrapDataKey } from './data-key';

export interface CreatedKey {
  keyId: string;
  /** The plain data key, so the caller can seal at once without unwrapping again. */
  dek: Buffer;
}

export interface PreparedKeys {
  created: CreatedKey[];
  rows: string;
  kekVersion: number;
}

export interface ExistingKey {
  keyId: string;
  destroyed: boolean;
}

type Queryable = Pick<EntityManager, 'query'>;

export interface KeyDescription extends KeyOwner {
  keyId: string;
  destroyedAt: Date | null;
  certificateId: string | null;
}

const ROW_COLUMNS = `key_id AS "keyId", scope, subject_id AS "subjectId", campaign_id AS "campaignId",
  controller_id AS "controllerId", kek_version AS "kekVersion", wrapped`;

/** Data keys in `crypto.data_keys`: one per (subject, scope), wrapped under the active KEK. */
@Injectable()
export class DataKeyStore {
  constructor(
    @Inject(Keyring) private readonly keyring: Keyring,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  /**
   * Creates keys for owners that have none, in one statement: 10,000 customers is one round trip.
   * Runs in the caller's transaction; fails on an existing (subject, scope).
   */
  async createMany(tx: EntityManager, owners: KeyOwner[]): Promise<CreatedKey[]> {
    if (owners.length === 0) return [];
    const prepared = this.prepareMany(await this.keyring.wrappingKek(tx), owners);
    await this.insertPrepared(tx, prepared);
    return prepared.created;
  }

  /**
   * The CPU half of createMany: new keys wrapped under `kek` (from Keyring.wrappingKek in the same
   * transaction). Bulk callers prepare, send the insert, and do other work while it runs.
   */
  prepareMany(kek: { version: number; key: Buffer }, owners: KeyOwner[]): PreparedKeys {
    const created = newDataKeys(owners.length);
    // One JSON document (see the event store's bulk append for why), wrapped keys in base64.
    const rows = JSON.stringify(
      owners.map((owner, i) => ({
        k: created[i].keyId,
        s: owner.scope,
        sub: owner.subjectId,
        c: owner.campaignId,
        ctl: owner.controllerId,
        w: wrapDataKey(kek.key, created[i].keyId, owner, created[i].dek).toString('base64'),
      })),
    );
    return { created, rows, kekVersion: kek.version };
  }

  async insertPrepared(tx: EntityManager, prepared: PreparedKeys): Promise<void> {
    if (prepared.created.length === 0) return;
    await tx.query(
      `INSERT INTO crypto.data_keys (key_id, scope, subject_id, campaign_id, controller_id, kek_version, wrapped)
       SELECT k, s, sub, c, ctl, $2::integer, decode(w, 'base64')
         FROM jsonb_to_recordset($1::jsonb) AS t(k uuid, s text, sub text, c uuid, ctl text, w text)`,
      [prepared.rows, prepared.kekVersion],
    );
  }

  /** The key of (subject, scope), created when missing. A destroyed key is returned as destroyed. */
  async getOrCreate(tx: EntityManager, owner: KeyOwner): Promise<ExistingKey & { dek?: Buffer }> {
    const existing = await this.find(tx, owner.scope, [owner.subjectId]);
    const found = existing.get(owner.subjectId);
    if (found) return found;
    const kek = await this.keyring.wrappingKek(tx);
    const key = newDataKey();
    const inserted: { key_id: string }[] = await tx.query(
      `INSERT INTO crypto.data_keys (key_id, scope, subject_id, campaign_id, controller_id, kek_version, wrapped)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (subject_id, scope) DO NOTHING RETURNING key_id`,
      [key.keyId, owner.scope, owner.subjectId, owner.campaignId, owner.controllerId, kek.version, wrapDataKey(kek.key, key.keyId, owner, key.dek)],
    );
    if (inserted.length > 0) return { keyId: key.keyId, destroyed: false, dek: key.dek };
    // Another transaction created it first.
    const raced = (await this.find(tx, owner.scope, [owner.subjectId])).get(owner.subjectId);
    if (!raced) throw new Error(`data key for ${owner.scope} ${owner.subjectId} vanished`);
    return raced;
  }

  /** Key ids of these subjects in one scope, with whether each is destroyed. */
  async find(db: Queryable, scope: KeyScope, subjectIds: string[]): Promise<Map<string, ExistingKey>> {
    const rows: { subject_id: string; key_id: string; destroyed: boolean }[] = await db.query(
      `SELECT subject_id, key_id, wrapped IS NULL AS destroyed FROM crypto.data_keys WHERE scope = $1 AND subject_id = ANY($2::text[])`,
      [scope, subjectIds],
    );
    return new Map(rows.map((row) => [row.subject_id, { keyId: row.key_id, destroyed: row.destroyed }]));
  }

  /** The keys of these subjects with their tombstone details (no key material). */
  async describe(db: Queryable, subjectIds: string[]): Promise<KeyDescription[]> {
    if (subjectIds.length === 0) return [];
    return db.query(
      `SELECT key_id AS "keyId", scope, subject_id AS "subjectId", campaign_id AS "campaignId", controller_id AS "controllerId",
              destroyed_at AS "destroyedAt", destroyed_certificate AS "certificateId"
         FROM crypto.data_keys WHERE subject_id = ANY($1::text[])`,
      [subjectIds],
    );
  }

  /** Rows by key id (wrapped NULL for destroyed keys); absent ids are not in the map. */
  async rows(keyIds: string[], db: Queryable = this.dataSource): Promise<Map<string, DataKeyRow>> {
    if (keyIds.length === 0) return new Map();
    const rows: DataKeyRow[] = await db.query(`SELECT ${ROW_COLUMNS} FROM crypto.data_keys WHERE key_id = ANY($1::uuid[])`, [keyIds]);
    return new Map(rows.map((row) => [row.keyId, row]));
  }
}
