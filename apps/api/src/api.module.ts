import { AnalyticsModule } from '@app/analytics';
import { CampaignsModule } from '@app/campaigns';
import { ComplianceModule } from '@app/compliance';
import { CryptoShreddingModule, cryptoShreddingOptions } from '@app/crypto-shredding';
import { EventStoreModule, SealedEventStoreModule } from '@app/event-store';
import { HttpPlatformModule, PlatformModule, type PlatformOptions } from '@app/platform';
import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { WorkerModule } from '../../worker/src/worker.module';

export interface ApiModuleOptions extends PlatformOptions {
  /** Development: run the worker's projections and schedulers in the same process. */
  withWorker?: boolean;
  /** Extra modules (tests add probe routes). */
  extraModules?: Type[];
}

@Module({})
export class ApiModule {
  static forRoot(options: ApiModuleOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        PlatformModule.forRoot(options),
        // Before CryptoShreddingModule: start-up hooks run in import order, so the event log's
        // check refuses a logically restored database before the keyring or LISTEN is touched.
        EventStoreModule.forRoot(),
        CryptoShreddingModule.forRoot(cryptoShreddingOptions(options.config)),
        SealedEventStoreModule.forRoot(),
        HttpPlatformModule,
        CampaignsModule,
        AnalyticsModule,
        ComplianceModule,
        ...(options.withWorker ? [WorkerModule] : []),
        ...(options.extraModules ?? []),
      ],
    };
  }
}
