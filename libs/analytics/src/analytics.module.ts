import { Module } from '@nestjs/common';
import { AnalyticsController } from './http/analytics.controller';
import { AnalyticsWaitForInterceptor } from './http/analytics-wait-for.interceptor';
import { ProjectionsController } from './http/projections.controller';
import { ProjectionLagGauge } from './projections/projection-metrics';
import { ProjectionStatuses } from './projections/projection-status';
import { AnalyticsQueries } from './queries/analytics-queries';
import { SellerNames } from './queries/seller-names';

/** The analytics routes (api host). Needs the platform's database and the sealed event store (global). */
@Module({
  controllers: [AnalyticsController, ProjectionsController],
  providers: [AnalyticsQueries, SellerNames, AnalyticsWaitForInterceptor, ProjectionStatuses, ProjectionLagGauge],
})
export class AnalyticsModule {}
