import { Sealer } from '@app/crypto-shredding';
import { type DynamicModule, Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppendListener } from './append-listener';
import { AppendNotifier } from './append-notifier';
import { EVENT_STORE_OPTIONS, type EventStoreOptions } from './event-store.options';
import { EVENT_STORE } from './event-store.port';
import { PostgresCheckpointStore } from './postgres-checkpoint-store';
import { PostgresEventStore } from './postgres-event-store';
import { assertEventLogReadable } from './restored-log.check';
import { SealingEventStore, type SealingEventStoreOptions } from './sealing/sealing-event-store';
import { SubscriptionLags } from './subscription-lag';
import { SubscriptionRunners } from './subscription-runners';

/** Start-up check of every host that loads the event store: a logically restored log would stay invisible. */
@Injectable()
class EventLogStartupCheck implements OnModuleInit {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  onModuleInit(): Promise<void> {
    return assertEventLogReadable(this.dataSource);
  }
}

/**
 * The PostgreSQL event store on the app's TypeORM `DataSource` (provided globally by the
 * platform's DatabaseModule). Import `forRoot` once per host: it is global, and each instance
 * holds its own LISTEN connection. Connections and timers close on module destroy. At start it
 * refuses a log whose transaction ids are ahead of the cluster (see restored-log.check.ts).
 */
@Module({})
export class EventStoreModule {
  static forRoot(options: EventStoreOptions = {}): DynamicModule {
    return {
      module: EventStoreModule,
      global: true,
      providers: [
        { provide: EVENT_STORE_OPTIONS, useValue: options },
        AppendNotifier,
        AppendListener,
        PostgresEventStore,
        { provide: EVENT_STORE, useExisting: PostgresEventStore },
        PostgresCheckpointStore,
        SubscriptionRunners,
        SubscriptionLags,
        EventLogStartupCheck,
      ],
      exports: [EVENT_STORE, PostgresEventStore, AppendNotifier, PostgresCheckpointStore, SubscriptionRunners, SubscriptionLags],
    };
  }
}

/**
 * The sealing codec around the PostgreSQL adapter, for hosts that also load CryptoShreddingModule
 * (its Sealer): the only way domain code appends and reads events.
 */
@Module({})
export class SealedEventStoreModule {
  static forRoot(options: SealingEventStoreOptions = {}): DynamicModule {
    return {
      module: SealedEventStoreModule,
      global: true,
      providers: [
        {
          provide: SealingEventStore,
          useFactory: (store: PostgresEventStore, sealer: Sealer) => new SealingEventStore(store, sealer, options),
          inject: [PostgresEventStore, Sealer],
        },
      ],
      exports: [SealingEventStore],
    };
  }
}
