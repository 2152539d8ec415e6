import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BlindIndex, type IndexEntry } from '../blind-index/blind-index';
import { ErasureLedger } from '../keyring/erasure-ledger';
import { KEK_PROVIDER, type KekProvider } from '../keyring/kek-provider';
import { Keyring } from '../keyring/keyring';
import { type DataKeyRow, unwrapDataKey, wrapDataKey } from '../keys/data-key';
import { changedRows } from '../keys/sql';
import { AuthenticationFailed } from '../primitives/aead';

export const ROTATION_PHASES = ['add', 'activate', 'rewrap', 'reindex', 'verify', 'retire', 'done'] as const;
export type RotationPhase = (typeof ROTATION_PHASES)[number];

/** Yields the identifiers of live customers, normalized or not, for re-indexing under a new key. */
export interface ReindexSource {
  liveIdentifiers(batchSize: number): AsyncIterable<IndexEntry[]>;
}

export interface RotationStatus {
  rotationId: string;
  phase: RotationPhase;
  kekVersion: number | null;
  indexKeyVersion: number | null;
  keysTotal: number;
  keysRewrapped: number;
  indexRowsRewritten: number;
  retiredVersions: number[];
  finishedAt: Date | null;
}

export interface RotationRunOptions {
  batchSize?: number;
  reindexSource?: ReindexSource;
  onProgress?: (status: RotationStatus) => void;
  /** Test hook: called after each re-wrap batch commits. */
  afterRewrapBatch?: (batch: number) => Promise<void>;
}

/** What a finished retire phase tells its observers. */
export interface KekRetirement {
  rotationId: string;
  /** The KEK versions this rotation retired. */
  kekVersions: number[];
  /** Every KEK version retired so far, by any rotation (this one included). */
  allRetiredKekVersions: number[];
}

/** Told after a rotation retired KEK versions (compliance attests irrecoverability then). */
export type RetirementObserver = (retirement: KekRetirement) => Promise<void>;

export class RotationInProgress extends Error {
  override readonly name = 'RotationInProgress';
}

/**
 * Keyring rotation as a resumable job: add a version, activate it, re-wrap every live key, re-index
 * live customers, verify, then retire the old versions by deleting their material. Each phase is
 * idempotent and the phase is stored, so a crashed rotation is simply run again.
 */
@Injectable()
export class KeyringRotation {
  private readonly logger = new Logger(KeyringRotation.name);
  private readonly retirementObservers = new Set<RetirementObserver>();

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Keyring) private readonly keyring: Keyring,
    @Inject(KEK_PROVIDER) private readonly provider: KekProvider,
    @Inject(BlindIndex) private readonly blindIndex: BlindIndex,
    @Inject(ErasureLedger) private readonly ledger: ErasureLedger,
  ) {}

  /**
   * Registers an observer of the retire phase, for every rotation this instance runs; returns the
   * unregistering function. Libs that must not be imported here (compliance) hook in this way.
   */
  onRetired(observer: RetirementObserver): () => void {
    this.retirementObservers.add(observer);
    return () => this.retirementObservers.delete(observer);
  }

  async start(requestedBy: string): Promise<string> {
    const rotationId = randomUUID();
    try {
      await this.dataSource.query(`INSERT INTO crypto.keyring_rotations (rotation_id, phase, requested_by) VALUES ($1, 'add', $2)`, [rotationId, requestedBy]);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new RotationInProgress('a keyring rotation is already running');
      throw error;
    }
    return rotationId;
  }

  async status(rotationId: string): Promise<RotationStatus | null> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(`SELECT * FROM crypto.keyring_rotations WHERE rotation_id = $1`, [rotationId]);
    const row = rows[0];
    if (!row) return null;
    return {
      rotationId,
      phase: row.phase as RotationPhase,
      kekVersion: row.kek_version as number | null,
      indexKeyVersion: row.index_key_version as number | null,
      keysTotal: Number(row.keys_total),
      keysRewrapped: Number(row.keys_rewrapped),
      indexRowsRewritten: Number(row.index_rows_rewritten),
      retiredVersions: row.retired_kek_versions as number[],
      finishedAt: row.finished_at as Date | null,
    };
  }

  /** Runs (or resumes) a rotation to the end. */
  async run(rotationId: string, options: RotationRunOptions = {}): Promise<RotationStatus> {
    const batchSize = options.batchSize ?? 5000;
    for (;;) {
      const status = await this.status(rotationId);
      if (!status) throw new Error(`no rotation ${rotationId}`);
      options.onProgress?.(status);
      if (status.phase === 'done') return status;
      const next = await this.runPhase(status, batchSize, options);
      await this.dataSource.query(`UPDATE crypto.keyring_rotations SET phase = $2, updated_at = now(), finished_at = CASE WHEN $2 = 'done' THEN now() END WHERE rotation_id = $1`, [rotationId, next]);
    }
  }

  private async runPhase(status: RotationStatus, batchSize: number, options: RotationRunOptions): Promise<RotationPhase> {
    const id = status.rotationId;
    switch (status.phase) {
      case 'add': {
        await this.keyring.reload();
        const oldKeks = this.keyring.kekVersions();
        const oldIndex = [...this.keyring.indexKeys().keys()];
        const added = await this.provider.addVersions();
        await this.dataSource.query(
          `UPDATE crypto.keyring_rotations SET kek_version = $2, index_key_version = $3, old_kek_versions = $4, old_index_key_versions = $5 WHERE rotation_id = $1`,
          [id, added.kekVersion, added.indexKeyVersion, oldKeks, oldIndex],
        );
        return 'activate';
      }
      case 'activate': {
        await this.keyring.reload();
        // The UPDATE's row lock conflicts with the FOR SHARE that every writer holds on this row
        // from reading the active versions (Keyring.wrappingKek, activeIndexKey) until it commits:
        // activation waits for all of them, and the ones after it read the new versions. So once
        // this commits, nothing can still be written under the old versions, and re-wrap sees
        // every key they wrapped.
        await this.dataSource.query(
          `UPDATE crypto.keyring_state SET active_kek_version = $1, active_index_key_version = $2, updated_at = now() WHERE id = 1`,
          [status.kekVersion, status.indexKeyVersion],
        );
        const [{ total }] = await this.dataSource.query(`SELECT count(*)::bigint AS total FROM crypto.data_keys WHERE wrapped IS NOT NULL AND kek_version <> $1`, [status.kekVersion]);
        await this.dataSource.query(`UPDATE crypto.keyring_rotations SET keys_total = $2 WHERE rotation_id = $1`, [id, total]);
        return 'rewrap';
      }
      case 'rewrap':
        await this.rewrap(id, status.kekVersion!, batchSize, options);
        return 'reindex';
      case 'reindex':
        await this.reindex(id, status.indexKeyVersion!, batchSize, options.reindexSource);
        return 'verify';
      case 'verify':
        return this.verify(status.kekVersion!, status.indexKeyVersion!);
      case 'retire':
        return this.retire(id, status.kekVersion!, status.indexKeyVersion!);
      case 'done':
        return 'done';
      default: {
        const unknownPhase: never = status.phase;
        throw new Error(`unknown rotation phase ${String(unknownPhase)}`);
      }
    }
  }

  /**
   * Re-wraps live keys in batches. The UPDATE matches the version it read and `wrapped IS NOT NULL`,
   * so a key destroyed between the read and the write stays destroyed.
   */
  private async rewrap(rotationId: string, version: number, batchSize: number, options: RotationRunOptions): Promise<void> {
    const kek = await this.keyring.kek(version);
    for (let batch = 0; ; batch += 1) {
      const rows: DataKeyRow[] = await this.dataSource.query(
        `SELECT key_id AS "keyId", scope, subject_id AS "subjectId", campaign_id AS "campaignId", controller_id AS "controllerId",
                kek_version AS "kekVersion", wrapped
           FROM crypto.data_keys WHERE wrapped IS NOT NULL AND kek_version <> $1 LIMIT $2`,
        [version, batchSize],
      );
      if (rows.length === 0) return;
      const rewrapped: Buffer[] = [];
      for (const row of rows) {
        let dek: Buffer;
        try {
          dek = unwrapDataKey(await this.keyring.kek(row.kekVersion), row as DataKeyRow & { wrapped: Buffer });
        } catch (error) {
          if (!(error instanceof AuthenticationFailed)) throw error;
          // An edited key row is an integrity incident: stop rather than retire around it.
          this.logger.error({ event: 'security.data_key_tampered', keyId: row.keyId }, 'rotation found a data key row that does not unwrap');
          throw new Error(`data key ${row.keyId} does not unwrap (its row was edited?); the rotation stopped in phase rewrap and resumes once it is resolved`, { cause: error });
        }
        rewrapped.push(wrapDataKey(kek, row.keyId, row, dek));
      }
      const updated = await changedRows(
        this.dataSource,
        `UPDATE crypto.data_keys d SET wrapped = u.w, kek_version = $4
           FROM unnest($1::uuid[], $2::integer[], $3::bytea[]) AS u(k, old, w)
          WHERE d.key_id = u.k AND d.kek_version = u.old AND d.wrapped IS NOT NULL
          RETURNING d.key_id`,
        [rows.map((r) => r.keyId), rows.map((r) => r.kekVersion), rewrapped, version],
      );
      await this.dataSource.query(`UPDATE crypto.keyring_rotations SET keys_rewrapped = keys_rewrapped + $2, updated_at = now() WHERE rotation_id = $1`, [rotationId, updated.length]);
      await options.afterRewrapBatch?.(batch);
      options.onProgress?.((await this.status(rotationId))!);
    }
  }

  private async reindex(rotationId: string, indexVersion: number, batchSize: number, source: ReindexSource | undefined): Promise<void> {
    const [{ stale }] = await this.dataSource.query(`SELECT count(*)::int AS stale FROM crypto.blind_index WHERE index_key_version <> $1`, [indexVersion]);
    if (stale === 0) return;
    if (!source) throw new Error(`${stale} blind-index rows use an old index key and no re-index source was given`);
    for await (const entries of source.liveIdentifiers(batchSize)) {
      await this.dataSource.transaction((tx) => this.blindIndex.put(tx, entries, { replace: true }));
      await this.dataSource.query(`UPDATE crypto.keyring_rotations SET index_rows_rewritten = index_rows_rewritten + $2 WHERE rotation_id = $1`, [rotationId, entries.length]);
    }
    // Rows under old versions are now duplicates of new ones (live customers) or belong to no one live.
    await this.dataSource.query(`DELETE FROM crypto.blind_index WHERE index_key_version <> $1`, [indexVersion]);
  }

  /** Proves that nothing is left under an old version (else back to the phase that moves it) and that the new KEK opens what it wrapped. */
  private async verify(kekVersion: number, indexVersion: number): Promise<RotationPhase> {
    const { oldKeys, oldIndexRows } = await this.rowsUnderOldVersions(kekVersion, indexVersion);
    if (oldKeys > 0) {
      this.logger.warn({ keys: oldKeys }, 'live keys still wrapped under a previous KEK; re-wrapping again');
      return 'rewrap';
    }
    if (oldIndexRows > 0) {
      this.logger.warn({ rows: oldIndexRows }, 'blind-index rows still under a previous index key; re-indexing again');
      return 'reindex';
    }
    const sample: DataKeyRow[] = await this.dataSource.query(
      `SELECT key_id AS "keyId", scope, subject_id AS "subjectId", campaign_id AS "campaignId", controller_id AS "controllerId",
              kek_version AS "kekVersion", wrapped FROM crypto.data_keys TABLESAMPLE SYSTEM (10) WHERE wrapped IS NOT NULL LIMIT 200`,
    );
    const kek = await this.keyring.kek(kekVersion);
    for (const row of sample) unwrapDataKey(kek, row as DataKeyRow & { wrapped: Buffer });
    return 'retire';
  }

  private async rowsUnderOldVersions(kekVersion: number, indexVersion: number): Promise<{ oldKeys: number; oldIndexRows: number }> {
    const [counts] = await this.dataSource.query(
      `SELECT (SELECT count(*) FROM crypto.data_keys WHERE wrapped IS NOT NULL AND kek_version <> $1)::int AS "oldKeys",
              (SELECT count(*) FROM crypto.blind_index WHERE index_key_version <> $2)::int AS "oldIndexRows"`,
      [kekVersion, indexVersion],
    );
    return counts;
  }

  /**
   * Deletes old material once it is proven unused: no live key under a retiring KEK version and no
   * blind-index row under a retiring index key (activation made sure none can appear any more).
   * Then compacts the erasure ledger and tells the retirement observers. The phase is idempotent:
   * when it stops after the material went (a crash, a failing observer), running the rotation
   * again records the same retired versions and tells the observers again.
   */
  private async retire(rotationId: string, kekVersion: number, indexVersion: number): Promise<RotationPhase> {
    await this.keyring.reload();
    const { oldKeys, oldIndexRows } = await this.rowsUnderOldVersions(kekVersion, indexVersion);
    if (oldKeys > 0 || oldIndexRows > 0) {
      this.logger.warn({ keys: oldKeys, rows: oldIndexRows }, 'rows under old versions appeared after verify; not retiring, verifying again');
      return 'verify';
    }
    const retiring = this.keyring.kekVersions().filter((v) => v !== kekVersion);
    const oldIndex = [...this.keyring.indexKeys().keys()].filter((v) => v !== indexVersion);
    if (retiring.length > 0 || oldIndex.length > 0) await this.provider.retire({ keks: retiring, indexKeys: oldIndex });
    await this.keyring.reload();
    const present = new Set(this.keyring.kekVersions());
    const compacted = await this.ledger.rewrite((entry) => entry.kekVersions.some((v) => present.has(v)));
    // On a resumed run the material is already gone and `retiring` is empty: the versions this
    // rotation retired are then the ones it started from that are no longer present.
    const [{ old }] = await this.dataSource.query(`SELECT old_kek_versions AS old FROM crypto.keyring_rotations WHERE rotation_id = $1`, [rotationId]);
    const retired = [...new Set<number>([...(old as number[]), ...retiring])].filter((v) => !present.has(v)).sort((a, b) => a - b);
    await this.dataSource.query(`UPDATE crypto.keyring_rotations SET retired_kek_versions = $2 WHERE rotation_id = $1`, [rotationId, retired]);
    this.logger.log({ retiredKekVersions: retired, retiredIndexKeyVersions: oldIndex, ledgerEntriesCompacted: compacted }, 'keyring versions retired');
    await this.tellRetirementObservers(rotationId, retired);
    return 'done';
  }

  private async tellRetirementObservers(rotationId: string, kekVersions: number[]): Promise<void> {
    if (this.retirementObservers.size === 0) return;
    const [{ all }] = await this.dataSource.query(
      `SELECT coalesce(array_agg(DISTINCT v ORDER BY v), '{}') AS "all" FROM crypto.keyring_rotations, unnest(retired_kek_versions) AS v`,
    );
    for (const observer of this.retirementObservers) {
      try {
        await observer({ rotationId, kekVersions, allRetiredKekVersions: all as number[] });
      } catch (error) {
        this.logger.error({ err: error, rotationId }, 'a retirement observer failed; the rotation stays in phase retire and tells it again when run again');
        throw error;
      }
    }
  }
}
