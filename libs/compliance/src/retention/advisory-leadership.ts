import type { Logger } from '@nestjs/common';
import type { DataSource, QueryRunner } from 'typeorm';

/**
 * Leadership by a PostgreSQL session advisory lock held on one connection taken from the pool for
 * as long as this instance leads: the server drops the lock when that session ends, so a crashed
 * leader is replaced by whichever instance asks next. Each `lead()` checks the held connection is
 * alive before claiming to lead.
 */
export class AdvisoryLeadership {
  private runner: QueryRunner | null = null;

  constructor(
    private readonly dataSource: DataSource,
    readonly name: string,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  get leading(): boolean {
    return this.runner !== null;
  }

  /** True when this instance leads (now or already); never waits for the lock. */
  async lead(): Promise<boolean> {
    if (this.runner) {
      try {
        await this.runner.query('SELECT 1');
        return true;
      } catch (error) {
        this.logger.warn({ err: error, lock: this.name }, 'leadership lost with its connection');
        await this.runner.release().catch(() => undefined);
        this.runner = null;
      }
    }
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    const [{ acquired }] = await runner.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS acquired', [this.key]);
    if (acquired) {
      this.runner = runner;
      return true;
    }
    await runner.release();
    return false;
  }

  /** Gives leadership up; the connection goes back to the pool without the lock. */
  async resign(): Promise<void> {
    const runner = this.runner;
    this.runner = null;
    if (!runner) return;
    await runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [this.key]).catch(() => undefined);
    await runner.release().catch(() => undefined);
  }

  private get key(): string {
    return `leader:${this.name}`;
  }
}
