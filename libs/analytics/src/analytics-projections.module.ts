import { Module } from '@nestjs/common';
import { ProjectionMetrics } from './projections/projection-metrics';
import { ProjectionRebuilder } from './projections/projection-rebuilder';
import { ProjectionStatuses } from './projections/projection-status';
import { ProjectionWorker } from './projections/projection-worker';

/**
 * The projection runners (worker host), and the rebuilder that swaps a projection's tables under
 * them. Its providers are handed sealed events and get no Sealer: nothing here can open personal data.
 */
@Module({
  providers: [ProjectionStatuses, ProjectionMetrics, ProjectionWorker, ProjectionRebuilder],
  exports: [ProjectionStatuses, ProjectionRebuilder],
})
export class AnalyticsProjectionsModule {}

/** Rebuild and status, for the CLI (no runners started). */
@Module({
  providers: [ProjectionStatuses, ProjectionRebuilder],
  exports: [ProjectionStatuses, ProjectionRebuilder],
})
export class ProjectionOperationsModule {}
