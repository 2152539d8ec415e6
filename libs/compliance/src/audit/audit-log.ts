import { ALL_CONTROLLERS } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { COMPLIANCE_CLOCK, type ComplianceClock } from '../clock';
import { type AuditEntry, type AuditEntryContent, type AuditEntryInput, type AuditScope, checkedAuditInput } from '../domain/audit-entry';
import type { ReasonCode } from '../domain/reason-codes';
import { auditEntryHash } from './audit-chain';

/** The newest entry: the chain head a certificate names. */
export interface AuditHead {
  seq: number;
  /** Hex SHA-256. */
  hash: string;
}

export type AuditBreak = 'missing-entry' | 'prev-hash-mismatch' | 'hash-mismatch' | 'controller-mismatch';

export type AuditVerification = { ok: true; entries: number; head: AuditHead | null } | { ok: false; brokenAt: number; reason: AuditBreak };

export interface AuditQuery {
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** The reader's controllers; `*` among them reads every entry, the others only entries naming one of theirs. */
  controllers: readonly string[];
  afterSeq?: number;
  limit: number;
}

interface AuditRow {
  seq: string;
  at: Date;
  actor: string;
  action: string;
  scope: AuditScope;
  controller_id: string | null;
  certificate_id: string | null;
  reason_code: ReasonCode | null;
  reference: string | null;
  prev_hash: Buffer | null;
  hash: Buffer;
}

const COLUMNS = 'seq, at, actor, action, scope, controller_id, certificate_id, reason_code, reference, prev_hash, hash';
const LOCK = `SELECT pg_advisory_xact_lock(hashtextextended('compliance.audit_log', 0))`;

const contentOf = (row: AuditRow): AuditEntryContent => ({
  seq: Number(row.seq),
  at: row.at.toISOString(),
  actor: row.actor,
  action: row.action,
  scope: row.scope,
  certificateId: row.certificate_id,
  reasonCode: row.reason_code,
  reference: row.reference,
});

const entryOf = (row: AuditRow): AuditEntry => ({
  ...contentOf(row),
  controllerId: row.controller_id,
  prevHash: row.prev_hash?.toString('hex') ?? null,
  hash: row.hash.toString('hex'),
});

/**
 * The audit log: append-only (triggers), hash-chained (audit-chain.ts), holding ids, counts,
 * actors and reason codes only (domain/audit-entry.ts refuses anything else).
 */
@Injectable()
export class AuditLog {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(COMPLIANCE_CLOCK) private readonly clock: ComplianceClock,
  ) {}

  /**
   * Appends in the caller's transaction, so the entry commits or rolls back with what it records.
   *
   * Why the chain cannot fork: every append takes the same transaction-scoped advisory lock before
   * it reads the head, and holds it until its transaction ends. PostgreSQL makes a commit visible
   * before it releases the transaction's locks, and under READ COMMITTED the head is read by a
   * statement that starts after the lock was granted, so it sees the previous holder's entry (or,
   * if that one rolled back, the entry before it: no gap). Two appends therefore never read the
   * same head. A caller whose snapshot is older (REPEATABLE READ begun before the lock) would read
   * a stale head; the primary key on seq then refuses its insert instead of letting it fork.
   */
  async append(tx: EntityManager, input: AuditEntryInput): Promise<AuditEntry> {
    const checked = checkedAuditInput(input);
    if (!tx.queryRunner?.isTransactionActive) throw new Error("AuditLog.append runs in the caller's transaction");
    await tx.query(LOCK);
    const [head]: Pick<AuditRow, 'seq' | 'at' | 'hash'>[] = await tx.query(`SELECT seq, at, hash FROM compliance.audit_log ORDER BY seq DESC LIMIT 1`);
    const now = this.clock.now();
    // Never before the previous entry (instances' clocks differ): time order follows seq order,
    // so a from/to window is one contiguous stretch of the chain.
    const at = head && head.at > now ? head.at : now;
    const content: AuditEntryContent = { seq: head ? Number(head.seq) + 1 : 1, at: at.toISOString(), ...checked };
    const prevHash = head?.hash ?? null;
    const hash = auditEntryHash(prevHash, content);
    const controllerId = content.scope.controllerId ?? null;
    await tx.query(
      `INSERT INTO compliance.audit_log (${COLUMNS}) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10, $11)`,
      [content.seq, content.at, content.actor, content.action, JSON.stringify(content.scope), controllerId, content.certificateId, content.reasonCode, content.reference, prevHash, hash],
    );
    return { ...content, controllerId, prevHash: prevHash?.toString('hex') ?? null, hash: hash.toString('hex') };
  }

  /** The newest entry's seq and hash, or null for an empty log. In a transaction after `append`, that append's entry. */
  async head(tx?: EntityManager): Promise<AuditHead | null> {
    const [row]: Pick<AuditRow, 'seq' | 'hash'>[] = await (tx ?? this.dataSource).query(`SELECT seq, hash FROM compliance.audit_log ORDER BY seq DESC LIMIT 1`);
    return row ? { seq: Number(row.seq), hash: row.hash.toString('hex') } : null;
  }

  /** The entry with this seq, or null. */
  async entry(seq: number, tx?: EntityManager): Promise<AuditEntry | null> {
    const [row]: AuditRow[] = await (tx ?? this.dataSource).query(`SELECT ${COLUMNS} FROM compliance.audit_log WHERE seq = $1`, [seq]);
    return row ? entryOf(row) : null;
  }

  /**
   * Walks the whole chain in seq order, a batch at a time, and names the first broken link: a
   * missing seq, a prev_hash that is not the previous entry's hash, a hash that is not the hash of
   * the entry's content, or a controller_id column that is not scope.controllerId. An entry whose
   * content and hash were both rewritten shows as a broken link at the next entry.
   */
  async verify(options: { batchSize?: number } = {}): Promise<AuditVerification> {
    const batchSize = options.batchSize ?? 1000;
    let expected = 1;
    let previous: Buffer | null = null;
    for (;;) {
      const rows: AuditRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM compliance.audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2`, [expected, batchSize]);
      if (rows.length === 0) break;
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq !== expected) return { ok: false, brokenAt: expected, reason: 'missing-entry' };
        const linked = previous === null ? row.prev_hash === null : row.prev_hash !== null && row.prev_hash.equals(previous);
        if (!linked) return { ok: false, brokenAt: seq, reason: 'prev-hash-mismatch' };
        if (!auditEntryHash(row.prev_hash, contentOf(row)).equals(row.hash)) return { ok: false, brokenAt: seq, reason: 'hash-mismatch' };
        if (row.controller_id !== (row.scope.controllerId ?? null)) return { ok: false, brokenAt: seq, reason: 'controller-mismatch' };
        previous = row.hash;
        expected += 1;
      }
    }
    return { ok: true, entries: expected - 1, head: previous ? { seq: expected - 1, hash: previous.toString('hex') } : null };
  }

  /** Entries ascending by seq, in a time window, limited to the reader's controllers. */
  async list(query: AuditQuery): Promise<AuditEntry[]> {
    const all = query.controllers.includes(ALL_CONTROLLERS);
    const rows: AuditRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM compliance.audit_log
        WHERE seq > $1 AND ($2::timestamptz IS NULL OR at >= $2) AND ($3::timestamptz IS NULL OR at < $3)
          AND ($4::boolean OR controller_id = ANY($5::text[]))
        ORDER BY seq LIMIT $6`,
      [query.afterSeq ?? 0, query.from ?? null, query.to ?? null, all, all ? [] : query.controllers, query.limit],
    );
    return rows.map(entryOf);
  }
}
