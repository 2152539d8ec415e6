import type { EntityManager } from 'typeorm';

declare const positionBrand: unique symbol;

/**
 * A place in the global log. Opaque: get one from a recorded event, an append result or
 * `parsePosition`, and compare with `comparePositions`. Its string form is what checkpoints and
 * the API's `position` fields carry.
 */
export type Position = string & { readonly [positionBrand]: 'Position' };

/**
 * `no_stream`: the stream must have no events; `stream_exists`: it must have at least one; `any`:
 * no check; a bigint: the stream's last revision must be exactly this (revisions start at 0).
 */
export type ExpectedRevision = 'no_stream' | 'any' | 'stream_exists' | bigint;

export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  actor?: string;
  schemaVersion: number;
  [key: string]: unknown;
}

export interface NewEvent {
  /** A UUID chosen by the writer; unique across the store. */
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

export interface RecordedEvent {
  streamId: string;
  revision: bigint;
  position: Position;
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  recordedAt: Date;
}

export interface AppendOptions {
  expectedRevision: ExpectedRevision;
  /** Joins this open transaction instead of opening one; see `EventStore.transaction`. */
  tx?: EntityManager;
}

export interface AppendResult {
  /**
   * Revision of the last event written: pass it as `expectedRevision` to the next append. After
   * an empty append it is the stream's current revision, -1n when the stream has no events.
   */
  nextRevision: bigint;
  /** One per appended event, in order. */
  positions: Position[];
}

export interface ReadStreamOptions {
  /** First revision to return (inclusive); defaults to the start, or the end when backwards. */
  from?: bigint;
  direction?: 'forwards' | 'backwards';
  limit?: number;
  tx?: EntityManager;
}

export interface ReadAllOptions {
  /** Exclusive; the start of the log when omitted. */
  after?: Position;
  limit?: number;
  /** Only events of these types (filtered where the events are stored); all when omitted. */
  types?: readonly string[];
}

export interface SubscribeAllOptions {
  after?: Position;
  /** Events it rejects are skipped; the subscription still moves past them. */
  filter?: (event: RecordedEvent) => boolean;
  /** Events read per query while catching up; keep it small so readers never hold long snapshots. */
  batchSize?: number;
  /** Longest wait between two reads when no wake-up arrives. */
  pollIntervalMs?: number;
}

export interface SubscriptionBatch {
  /** Position of the last event read in this batch, delivered or filtered out: the next checkpoint. */
  last: Position;
}

/** Called with each non-empty batch, in global order; the next batch waits for it to settle. */
export type SubscriptionHandler = (events: RecordedEvent[], batch: SubscriptionBatch) => Promise<void>;

export interface Subscription {
  /** Position of the last event read (delivered or filtered out); null before the first. */
  readonly position: Position | null;
  /** Settles when the subscription ends: resolves after `stop()`, rejects when the handler or a read fails. */
  readonly done: Promise<void>;
  /** Stops reading and waits for an in-flight handler call. Do not await it from inside the handler. */
  stop(): Promise<void>;
}

/** The event store port: every adapter passes `describeEventStoreContract` (src/testing/). */
export interface EventStore {
  append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /**
   * Optional bulk path: creates many new streams (each must not exist yet) in one statement.
   * Adapters without it get one append per stream from the sealing codec.
   */
  appendNewStreams?(streams: { streamId: string; events: NewEvent[] }[], options: { tx?: EntityManager }): Promise<{ positions: Position[] }>;
  /**
   * Optional bulk path: appends to many existing streams, each at its current end, in one
   * statement (one fact recorded on 100,000 streams, e.g. their anonymization). Every stream must
   * exist: a missing one is `StreamNotFound` and nothing is written. No expected revision is
   * checked, but an append by a transaction running beside it to one of the streams makes the call
   * fail with `WrongExpectedRevision` (never an event at a revision taken twice). Positions follow
   * the input order. Adapters without it get one `stream_exists` append per stream from the codec.
   */
  appendToStreams?(streams: { streamId: string; events: NewEvent[] }[], options: { tx?: EntityManager }): Promise<{ positions: Position[] }>;
  /** Throws `StreamNotFound` when the stream has no events at all. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * The global log in its total order. Gap-safe: an event is returned only once nothing can
   * commit before it any more, so a reader that checkpoints what it read never skips an event.
   */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catches up from `after`, then delivers new events as they become readable, until stopped. */
  subscribeAll(options: SubscribeAllOptions, handler: SubscriptionHandler): Subscription;
  /**
   * The unit of work: runs `work` in one transaction (pass its `tx` to `append`, key creation,
   * read models, idempotency rows), commits, then wakes subscribers.
   */
  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T>;
  /** Wakes subscribers after a transaction that appended through `tx` committed outside `transaction`. */
  notifyAppended(): void;
  /** Whether the event at this position has committed and is visible. */
  hasCommitted(position: Position): Promise<boolean>;
  comparePositions(a: Position, b: Position): number;
  /** Throws `InvalidPosition` for anything that is not a position's string form. */
  parsePosition(text: string): Position;
  positionToString(position: Position): string;
}

/** Injection token of the `EventStore` port. */
export const EVENT_STORE = Symbol('EVENT_STORE');

/** Where subscriptions keep their positions, written in the transaction of the work they cover. */
export interface CheckpointStore {
  read(subscriptionId: string): Promise<Position | null>;
  /** Runs `work` and moves the checkpoint from `expected` to `next` atomically; `CheckpointConflict` when it was not `expected`. */
  withCheckpoint<T>(subscriptionId: string, expected: Position | null, next: Position, work: (tx: EntityManager) => Promise<T>): Promise<T>;
}
