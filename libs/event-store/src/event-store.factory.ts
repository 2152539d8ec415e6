import type { DataSource } from 'typeorm';
import { AppendListener } from './append-listener';
import { AppendNotifier } from './append-notifier';
import type { EventStoreOptions } from './event-store.options';
import { PostgresCheckpointStore } from './postgres-checkpoint-store';
import { PostgresEventStore } from './postgres-event-store';
import { SubscriptionRunners } from './subscription-runners';

/** What `EventStoreModule` provides, for code (tests, scripts) that runs without Nest. */
export interface PostgresEventStoreKit {
  store: PostgresEventStore;
  checkpoints: PostgresCheckpointStore;
  runners: SubscriptionRunners;
  notifier: AppendNotifier;
  listener: AppendListener;
  /** Stops runners and subscriptions, sends a pending wake-up, closes the LISTEN connection; leaves the data source open. */
  close(): Promise<void>;
}

export function createPostgresEventStore(dataSource: DataSource, options: EventStoreOptions = {}): PostgresEventStoreKit {
  const notifier = new AppendNotifier(dataSource, options);
  const listener = new AppendListener(dataSource, options);
  const store = new PostgresEventStore(dataSource, notifier, listener, options);
  const checkpoints = new PostgresCheckpointStore(dataSource);
  const runners = new SubscriptionRunners(dataSource, store, checkpoints, options);
  return {
    store,
    checkpoints,
    runners,
    notifier,
    listener,
    close: async () => {
      // Dependents first, as Nest does on module destroy.
      await runners.stopAll();
      await store.close();
      await Promise.all([notifier.close(), listener.close()]);
    },
  };
}
