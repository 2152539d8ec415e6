export { AnalyticsModule } from './analytics.module';
export { AnalyticsProjectionsModule, ProjectionOperationsModule } from './analytics-projections.module';
export { ANALYTICS_READER_ROLE } from './migrations/1764461000000-analytics.migration';
export { analyticsMigrations } from './migrations';
export { PROJECTIONS, projectionNamed } from './projections/catalogue';
export { type ProjectionDefinition, subscriptionIdOf } from './projections/projection';
export { applyBatch, ProjectionWorker } from './projections/projection-worker';
export { type RebuildProgress, type RebuildResult, ProjectionRebuilder, UnknownProjection } from './projections/projection-rebuilder';
export { type ProjectionStatus, ProjectionStatuses } from './projections/projection-status';
