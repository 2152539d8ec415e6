export {
  type AppendOptions,
  type AppendResult,
  type CheckpointStore,
  EVENT_STORE,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeAllOptions,
  type Subscription,
  type SubscriptionBatch,
  type SubscriptionHandler,
} from './event-store.port';
export {
  CheckpointConflict,
  DuplicateEventId,
  EventStoreError,
  InvalidPosition,
  StreamNotFound,
  WrongExpectedRevision,
} from './event-store.errors';
export { comparePositions, parsePosition, positionToString } from './position.codec';

export { APPENDED_CHANNEL, EVENT_STORE_OPTIONS, type EventStoreLogger, type EventStoreOptions } from './event-store.options';
export { AppendListener } from './append-listener';
export { AppendNotifier } from './append-notifier';
export { PostgresEventStore } from './postgres-event-store';
export { PostgresCheckpointStore } from './postgres-checkpoint-store';
export { SubscriptionRunner, type SubscriptionRunnerOptions } from './subscription-runner';
export { SubscriptionRunners } from './subscription-runners';
export { EventStoreModule, SealedEventStoreModule } from './event-store.module';
export { createPostgresEventStore, type PostgresEventStoreKit } from './event-store.factory';
export { eventStoreMigrations } from './migrations';
export { assertEventLogReadable, resetWalTarget, type ResetWalTarget, TransactionIdsAhead } from './restored-log.check';

export type { DomainEvent, SealedPayload } from './sealing/domain-event';
export { decodeSealedEvent, type NewStreamItem, type OpenedEvent, type PreparedStreams, type SealedEvent, SealingEventStore, type SealingAppendOptions, type SealingEventStoreOptions, type Upcaster } from './sealing/sealing-event-store';
export { type SubscriptionLag, SubscriptionLags } from './subscription-lag';
