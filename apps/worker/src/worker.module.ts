import { AnalyticsProjectionsModule } from '@app/analytics';
import { RetentionSchedulerModule } from '@app/compliance';
import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';

/**
 * What the worker runs: the projections and the retention scheduler, each leader-elected (one
 * instance runs it across the deployment).
 */
@Module({ imports: [AnalyticsProjectionsModule, ScheduleModule.forRoot(), RetentionSchedulerModule] })
export class WorkerModule {}
