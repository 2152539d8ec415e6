import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EVENT_STORE_OPTIONS, type EventStoreOptions, resolveEventStoreOptions } from './event-store.options';
import { dedicatedClientConfig } from './pg-connection';
import { PostgresCheckpointStore } from './postgres-checkpoint-store';
import { PostgresEventStore } from './postgres-event-store';
import { SubscriptionRunner, type SubscriptionRunnerOptions } from './subscription-runner';

/** Starts leader-elected subscription runners and stops them with the module. */
@Injectable()
export class SubscriptionRunners implements OnModuleDestroy {
  private readonly runners = new Set<SubscriptionRunner>();
  private readonly options;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(PostgresEventStore) private readonly store: PostgresEventStore,
    @Inject(PostgresCheckpointStore) private readonly checkpoints: PostgresCheckpointStore,
    @Inject(EVENT_STORE_OPTIONS) options: EventStoreOptions,
  ) {
    this.options = resolveEventStoreOptions(options);
  }

  start(options: SubscriptionRunnerOptions): SubscriptionRunner {
    const runner = new SubscriptionRunner(
      {
        store: this.store,
        checkpoints: this.checkpoints,
        connection: dedicatedClientConfig(this.dataSource, `campaign-ledger:es-lead:${options.subscriptionId}`),
        logger: this.options.logger,
      },
      options,
    );
    this.runners.add(runner);
    return runner.start();
  }

  async stopAll(): Promise<void> {
    const runners = [...this.runners];
    this.runners.clear();
    await Promise.all(runners.map((runner) => runner.stop()));
  }

  onModuleDestroy(): Promise<void> {
    return this.stopAll();
  }
}
