import { CustomerIdentifiersReindexSource } from '@app/campaigns';
import { KeyringRotation, RotationInProgress, type RotationStatus } from '@app/crypto-shredding';
import { ProblemException } from '@app/platform';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLog } from '../audit/audit-log';
import { AdvisoryLeadership } from '../retention/advisory-leadership';

export interface RotationView {
  rotationId: string;
  phase: RotationStatus['phase'];
  kekVersion: number | null;
  keysRewrapped: number;
  keysTotal: number;
  retiredVersions: number[];
}

const view = (status: RotationStatus): RotationView => ({
  rotationId: status.rotationId,
  phase: status.phase,
  kekVersion: status.kekVersion,
  keysRewrapped: status.keysRewrapped,
  keysTotal: status.keysTotal,
  retiredVersions: status.retiredVersions,
});

/**
 * Keyring rotation as a background job of the api (POST /v1/compliance/keyring/rotations): the
 * instance that starts a rotation runs it to the end (`KeyringRotation.run`, phases stored, each
 * idempotent) with the customer list as the blind index's re-index source, then appends
 * `keyring.rotated`. The runner holds the advisory lock `leader:keyring.rotation` while it runs,
 * so a rotation nobody holds the lock for was left by a crash: the next POST resumes it (202 with
 * its id) instead of starting another. A POST while one is running is 409 `rotation-in-progress`.
 */
@Injectable()
export class KeyringRotations implements OnApplicationShutdown {
  private readonly logger = new Logger(KeyringRotations.name);
  private readonly runner: AdvisoryLeadership;
  private current: Promise<void> | null = null;

  constructor(
    @Inject(KeyringRotation) private readonly rotation: KeyringRotation,
    @Inject(CustomerIdentifiersReindexSource) private readonly reindexSource: CustomerIdentifiersReindexSource,
    @Inject(AuditLog) private readonly auditLog: AuditLog,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {
    this.runner = new AdvisoryLeadership(dataSource, 'keyring.rotation', this.logger);
  }

  /** Starts a rotation, or resumes one a crash left unfinished; it runs after this returns. */
  async start(actor: string, options: { onProgress?: (status: RotationStatus) => void } = {}): Promise<{ rotationId: string; resumed: boolean }> {
    if (this.current || !(await this.runner.lead())) throw await this.inProgress();
    let rotationId: string;
    let resumed = false;
    try {
      rotationId = await this.rotation.start(actor);
    } catch (error) {
      if (!(error instanceof RotationInProgress)) {
        await this.runner.resign();
        throw error;
      }
      // Unfinished, and nobody holds the runner's lock: resume it.
      const unfinished = await this.unfinished();
      if (!unfinished) {
        await this.runner.resign();
        throw await this.inProgress();
      }
      rotationId = unfinished.rotationId;
      actor = unfinished.requestedBy;
      resumed = true;
      this.logger.warn({ rotationId }, 'resuming a keyring rotation left unfinished');
    }
    this.current = this.runToEnd(rotationId, actor, options.onProgress).finally(() => {
      this.current = null;
    });
    return { rotationId, resumed };
  }

  async status(rotationId: string): Promise<RotationView | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(rotationId)) return null;
    const status = await this.rotation.status(rotationId.toLowerCase());
    return status && view(status);
  }

  /** Waits for the rotation this instance runs (tests, shutdown). */
  async settled(): Promise<void> {
    await this.current;
  }

  async onApplicationShutdown(): Promise<void> {
    // A rotation cut off here stays in its phase and is resumed by the next POST.
    await this.runner.resign();
  }

  private async runToEnd(rotationId: string, actor: string, onProgress?: (status: RotationStatus) => void): Promise<void> {
    try {
      const done = await this.rotation.run(rotationId, { reindexSource: this.reindexSource, onProgress });
      await this.dataSource.transaction((tx) =>
        this.auditLog.append(tx, {
          actor,
          action: 'keyring.rotated',
          scope: {
            rotationId,
            kekVersions: done.retiredVersions,
            kekVersion: done.kekVersion ?? 0,
            keysTotal: done.keysTotal,
            keysRewrapped: done.keysRewrapped,
            indexRowsRewritten: done.indexRowsRewritten,
          },
        }),
      );
      this.logger.log({ rotationId, kekVersion: done.kekVersion, keysRewrapped: done.keysRewrapped, retiredVersions: done.retiredVersions }, 'keyring rotation finished');
    } catch (error) {
      this.logger.error({ err: error, rotationId }, 'keyring rotation stopped; the next POST /v1/compliance/keyring/rotations resumes it');
    } finally {
      await this.runner.resign();
    }
  }

  private async unfinished(): Promise<{ rotationId: string; requestedBy: string } | null> {
    // KeyringRotation keeps at most one unfinished row (a unique partial index).
    const rows: { rotation_id: string; requested_by: string }[] = await this.dataSource.query(
      `SELECT rotation_id, requested_by FROM crypto.keyring_rotations WHERE finished_at IS NULL LIMIT 1`,
    );
    return rows[0] ? { rotationId: rows[0].rotation_id, requestedBy: rows[0].requested_by } : null;
  }

  private async inProgress(): Promise<ProblemException> {
    const running = await this.unfinished();
    return new ProblemException('rotation-in-progress', 'a keyring rotation is already running', running ? { rotationId: running.rotationId } : {});
  }
}
