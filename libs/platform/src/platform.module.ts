import { type DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { DestinationStream } from 'pino';
import { AuthModule } from './auth/auth.module';
import type { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import type { DatabaseSettings } from './database/data-source';
import { HealthModule } from './health/health.module';
import { BodyTypeInterceptor } from './http/body-type.interceptor';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';

export interface PlatformOptions {
  config: AppConfig;
  database: DatabaseSettings;
  /** Replaces stdout as the log destination (tests read the log through it). */
  logDestination?: DestinationStream;
}

/** Config, logging and the database: what every host (api, worker) needs. */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        AppConfigModule.forRoot(options.config),
        LoggingModule.forRoot(options.config, options.logDestination),
        DatabaseModule.forRoot(options.database),
      ],
    };
  }
}

/** Auth, health, metrics and the request body type check: what an HTTP host adds. */
@Module({
  imports: [AuthModule, HealthModule, MetricsModule],
  providers: [{ provide: APP_INTERCEPTOR, useClass: BodyTypeInterceptor }],
  exports: [AuthModule, MetricsModule],
})
export class HttpPlatformModule {}
