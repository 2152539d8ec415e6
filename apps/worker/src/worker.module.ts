import { AnalyticsProjectionsModule } from '@app/analytics';
import { Module } from '@nestjs/common';

/** What the worker runs: the projections (leader-elected, one instance each across the deployment). */
@Module({ imports: [AnalyticsProjectionsModule] })
export class WorkerModule {}
