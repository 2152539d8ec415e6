import { Global, Module } from '@nestjs/common';
import { MetricsRegistry } from './http-metrics';
import { MetricsController } from './metrics.controller';

// Global: any lib's module in an HTTP host can add its metrics to the one registry.
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsRegistry],
  exports: [MetricsRegistry],
})
export class MetricsModule {}
