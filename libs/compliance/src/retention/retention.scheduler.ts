import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { AdvisoryLeadership } from './advisory-leadership';
import { Retention, type RetentionRun } from './retention';

/** How often every worker asks for leadership and, leading, applies the retention policy. */
export const RETENTION_INTERVAL_MS = 10 * 60_000;

/**
 * The retention policy on a schedule, in the worker: every instance ticks, the one holding the
 * advisory lock `leader:compliance.retention` applies it (standard then full anonymization, holds
 * skipped and logged, expired idempotency records purged). A tick still running skips the next.
 */
@Injectable()
export class RetentionScheduler implements OnApplicationShutdown {
  private readonly logger = new Logger(RetentionScheduler.name);
  private readonly leadership: AdvisoryLeadership;
  private running = false;

  constructor(
    @Inject(Retention) private readonly retention: Retention,
    @Inject(DataSource) dataSource: DataSource,
  ) {
    this.leadership = new AdvisoryLeadership(dataSource, 'compliance.retention', this.logger);
  }

  @Interval('compliance.retention', RETENTION_INTERVAL_MS)
  async scheduled(): Promise<void> {
    await this.tick().catch((error: unknown) => this.logger.error({ err: error }, 'retention run failed; retried at the next tick'));
  }

  /** One run when this instance leads and none is in flight; null otherwise. */
  async tick(): Promise<RetentionRun | null> {
    if (this.running || !(await this.leadership.lead())) return null;
    this.running = true;
    try {
      const run = await this.retention.apply();
      this.logger.log(
        { anonymized: run.anonymized.length, held: run.held.map((h) => ({ campaignId: h.campaignId, reasonCode: h.held })), failed: run.failed.length, idempotencyRecordsPurged: run.idempotencyRecordsPurged },
        'retention run finished',
      );
      return run;
    } finally {
      this.running = false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.leadership.resign();
  }
}
