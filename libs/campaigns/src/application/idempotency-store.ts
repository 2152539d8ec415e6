import { createHmac, timingSafeEqual } from 'node:crypto';
import { Keyring } from '@app/crypto-shredding';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface IdempotencyScope {
  subject: string;
  route: string;
  key: string;
}

export interface StoredResponse {
  status: number;
  body: unknown;
}

const TTL_HOURS = 24;

/** JSON with sorted keys: the same body written in another key order is the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Idempotency records: one per (token subject, route, key). Same-key requests are serialized by a
 * transaction-scoped advisory lock, so concurrent repeats wait for the first and replay its answer.
 */
@Injectable()
export class IdempotencyStore {
  constructor(@Inject(Keyring) private readonly keyring: Keyring) {}

  async lock(tx: EntityManager, scope: IdempotencyScope): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7301))`, [JSON.stringify([scope.subject, scope.route, scope.key])]);
  }

  /** The stored response when the key was used with this body; `mismatch` when with another body. */
  async find(tx: EntityManager, scope: IdempotencyScope, body: unknown): Promise<StoredResponse | 'mismatch' | null> {
    const rows: { request_hmac: Buffer; hmac_key_version: number; status: number; response: unknown }[] = await tx.query(
      `SELECT request_hmac, hmac_key_version, status, response FROM app.idempotency_records
        WHERE subject = $1 AND route = $2 AND idempotency_key = $3 AND expires_at > now()`,
      [scope.subject, scope.route, scope.key],
    );
    const record = rows[0];
    if (!record) return null;
    const key = (await this.keyring.indexKeysForLookup(tx)).get(record.hmac_key_version);
    const same = key !== undefined && timingSafeEqual(this.hmac(key, scope, body), record.request_hmac);
    return same ? { status: record.status, body: record.response } : 'mismatch';
  }

  async save(tx: EntityManager, scope: IdempotencyScope, body: unknown, response: StoredResponse, customerIds: string[]): Promise<void> {
    // No lock on the keyring state: a record outlives no rotation that matters (24 h), and a
    // lock here would put every command on one row.
    const { version, key } = await this.keyring.activeIndexKey(tx, { lock: false });
    await tx.query(
      `DELETE FROM app.idempotency_records WHERE subject = $1 AND route = $2 AND idempotency_key = $3`,
      [scope.subject, scope.route, scope.key],
    );
    await tx.query(
      `INSERT INTO app.idempotency_records (subject, route, idempotency_key, request_hmac, hmac_key_version, status, response, customer_ids, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(hours => $9))`,
      [scope.subject, scope.route, scope.key, this.hmac(key, scope, body), version, response.status, JSON.stringify(response.body), customerIds, TTL_HOURS],
    );
  }

  /** Rows naming these customers go with their anonymization. */
  async forgetCustomers(tx: EntityManager, customerIds: string[]): Promise<number> {
    const rows: unknown[] = await tx.query(
      `WITH gone AS (DELETE FROM app.idempotency_records WHERE customer_ids && $1::uuid[] RETURNING 1) SELECT * FROM gone`,
      [customerIds],
    );
    return rows.length;
  }

  /** Deletes records expired before `now` (they replay nothing any more: `find` ignores them); returns how many. */
  async purgeExpired(db: Pick<EntityManager, 'query'>, now: Date): Promise<number> {
    const [{ n }] = await db.query(`WITH gone AS (DELETE FROM app.idempotency_records WHERE expires_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`, [now]);
    return n;
  }

  private hmac(key: Buffer, scope: IdempotencyScope, body: unknown): Buffer {
    return createHmac('sha256', key).update('idempotency/v1\u0000').update(`${scope.subject}\u0000${scope.route}\u0000`).update(canonical(body)).digest();
  }
}
