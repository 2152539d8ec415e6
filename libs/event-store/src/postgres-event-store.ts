import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppendListener } from './append-listener';
import { AppendNotifier } from './append-notifier';
import { DuplicateEventId, StreamNotFound, WrongExpectedRevision } from './event-store.errors';
import { EVENT_STORE_OPTIONS, type EventStoreOptions, type ResolvedEventStoreOptions, resolveEventStoreOptions } from './event-store.options';
import type {
  AppendOptions,
  AppendResult,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeAllOptions,
  Subscription,
  SubscriptionHandler,
} from './event-store.port';
import { PollingSubscription } from './polling-subscription';
import { comparePositions, decodePosition, encodePosition, parsePosition, positionToString } from './position.codec';

interface EventRow {
  position: string;
  transaction_id: string;
  stream_id: string;
  stream_revision: string;
  event_id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  recorded_at: Date;
}

interface AppendRow {
  head_revision: string | null;
  position: string | null;
  transaction_id: string | null;
  stream_revision: string | null;
}

// Bigints and xid8 travel as text: the driver would otherwise hand back strings or lose precision.
// The aliases shadow the columns in ORDER BY, so queries order by the qualified `e.` columns.
const EVENT_COLUMNS = `position::text AS position, transaction_id::text AS transaction_id, stream_id,
  stream_revision::text AS stream_revision, event_id::text AS event_id, type, data, metadata, recorded_at`;

// Check and insert in one statement (one round trip, atomic without an explicit transaction).
// Two writers that read the same head both pass the check; the loser then hits the unique
// (stream_id, stream_revision) constraint, which append() reports as WrongExpectedRevision.
const APPEND = `
WITH head AS (
  SELECT max(stream_revision) AS revision FROM es.events WHERE stream_id = $1
), inserted AS (
  INSERT INTO es.events (stream_id, stream_revision, event_id, type, data, metadata)
  SELECT $1, coalesce(head.revision, -1) + e.ord, e.event_id, e.type, e.data, e.metadata
  FROM head, jsonb_to_recordset($4::jsonb) AS e(ord bigint, event_id uuid, type text, data jsonb, metadata jsonb)
  WHERE CASE $2::text
    WHEN 'any' THEN true
    WHEN 'no_stream' THEN head.revision IS NULL
    WHEN 'stream_exists' THEN head.revision IS NOT NULL
    ELSE head.revision = $3::bigint
  END
  ORDER BY e.ord
  RETURNING position, transaction_id, stream_revision
)
SELECT head.revision::text AS head_revision, inserted.position::text AS position,
  inserted.transaction_id::text AS transaction_id, inserted.stream_revision::text AS stream_revision
FROM head LEFT JOIN inserted ON true
ORDER BY inserted.stream_revision`;

// The global order is (transaction_id, position), and only transactions older than every running
// one are read. Ordering by position alone is wrong: a transaction takes its id at its first
// write but its positions at each insert, and commits whenever it likes, so a reader that saw
// positions 11..12 (committed) could checkpoint past 10, which a transaction still open inserts
// and commits afterwards; the event would never be read. Below pg_snapshot_xmin every transaction
// has committed or aborted, and later ones get larger ids, so nothing can appear behind a reader.
// The cost: one long-running writing transaction holds every reader back (hence short batches and
// idle_in_transaction_session_timeout).
const READ_ALL = `
SELECT ${EVENT_COLUMNS} FROM es.events e
WHERE e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  AND (e.transaction_id, e.position) > ($1::xid8, $2::bigint)
  AND ($4::text[] IS NULL OR e.type = ANY($4::text[]))
ORDER BY e.transaction_id, e.position
LIMIT $3`;

// The same read for some types only, with the readable head taken in the same statement (one
// snapshot): when fewer than the limit come back, nothing of those types lies between the last of
// them and the head, so a reader may move its position to the head without reading the rest.
const READ_TYPES = `
WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
head AS (
  SELECT e.transaction_id, e.position FROM es.events e, horizon h
   WHERE e.transaction_id < h.xmin ORDER BY e.transaction_id DESC, e.position DESC LIMIT 1
),
page AS (
  SELECT ${EVENT_COLUMNS} FROM es.events e, horizon h
   WHERE e.transaction_id < h.xmin
     AND (e.transaction_id, e.position) > ($1::xid8, $2::bigint)
     AND e.type = ANY($4::text[])
   ORDER BY e.transaction_id, e.position
   LIMIT $3
)
SELECT page.*, head.transaction_id::text AS head_transaction_id, head.position::text AS head_position
  FROM head LEFT JOIN page ON true
 ORDER BY page.transaction_id::xid8, page.position::bigint`;

const UNIQUE_VIOLATION = '23505';
const MAX_BIGINT = (1n << 63n) - 1n;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The event store on PostgreSQL (`es.events`), sharing the application's TypeORM data source. */
@Injectable()
export class PostgresEventStore implements EventStore, OnModuleDestroy {
  private readonly options: ResolvedEventStoreOptions;
  private readonly subscriptions = new Set<Subscription>();
  /** Transactions joined by an append, so `transaction()` knows to wake subscribers after commit. */
  private readonly appendedIn = new WeakSet<EntityManager>();
  private closed = false;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(AppendNotifier) private readonly notifier: AppendNotifier,
    @Inject(AppendListener) private readonly listener: AppendListener,
    @Inject(EVENT_STORE_OPTIONS) options: EventStoreOptions,
  ) {
    this.options = resolveEventStoreOptions(options);
  }

  async append(streamId: string, events: NewEvent[], { expectedRevision, tx }: AppendOptions): Promise<AppendResult> {
    assertAppendable(streamId, events, expectedRevision);
    // 'any' and 'stream_exists' promise no conflict, so concurrent appends to one stream queue
    // on a transaction-scoped lock instead of failing on the unique constraint.
    const queue = expectedRevision === 'any' || expectedRevision === 'stream_exists';
    if (tx) {
      if (!tx.queryRunner?.isTransactionActive) throw new TypeError('append: tx must be the manager of an open transaction');
      const result = await this.appendWith(tx, streamId, events, expectedRevision, queue);
      if (events.length > 0) this.appendedIn.add(tx);
      return result;
    }
    const result = queue
      ? await this.dataSource.transaction((own) => this.appendWith(own, streamId, events, expectedRevision, true))
      : await this.appendWith(this.dataSource.manager, streamId, events, expectedRevision, false);
    if (events.length > 0) this.notifier.notifyAppended();
    return result;
  }

  /**
   * Creates many new streams in one INSERT (bulk enrollment). Each stream must not exist: one
   * that does fails the whole call on the (stream, revision) constraint, as WrongExpectedRevision.
   */
  async appendNewStreams(streams: { streamId: string; events: NewEvent[] }[], { tx }: { tx?: EntityManager }): Promise<{ positions: Position[] }> {
    for (const stream of streams) assertAppendable(stream.streamId, stream.events, 'no_stream');
    const rows = streams.flatMap((stream) => stream.events.map((event, revision) => ({ stream, event, revision })));
    if (rows.length === 0) return { positions: [] };
    const manager = tx ?? this.dataSource.manager;
    let inserted: { position: string; transaction_id: string }[];
    try {
      // One JSON document rather than parallel arrays: PostgreSQL parses it once, where a jsonb[]
      // array literal costs an escape and a parse per element (about twice as slow at 10,000 rows).
      inserted = await manager.query(
        `INSERT INTO es.events (stream_id, stream_revision, event_id, type, data, metadata)
         SELECT s, r, e, t, d, m FROM jsonb_to_recordset($1::jsonb) AS x(o integer, s text, r bigint, e uuid, t text, d jsonb, m jsonb)
         ORDER BY o
         RETURNING position::text AS position, transaction_id::text AS transaction_id`,
        [JSON.stringify(rows.map((row, o) => ({ o, s: row.stream.streamId, r: row.revision, e: row.event.eventId, t: row.event.type, d: row.event.data, m: row.event.metadata })))],
      );
    } catch (error) {
      const constraint = uniqueViolationOf(error);
      if (constraint === 'events_stream_revision_unique') {
        const detail = (error as { driverError?: { detail?: string } }).driverError?.detail ?? '';
        const streamId = /=\(([^,]+),/.exec(detail)?.[1] ?? streams[0].streamId;
        throw new WrongExpectedRevision(streamId, 'no_stream', await this.committedRevision(streamId));
      }
      if (constraint === 'events_event_id_unique') throw new DuplicateEventId(streams[0].streamId);
      throw error;
    }
    if (tx) this.appendedIn.add(tx);
    else this.notifier.notifyAppended();
    const positions = inserted
      .map((row) => ({ transactionId: BigInt(row.transaction_id), position: BigInt(row.position) }))
      .sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0))
      .map(encodePosition);
    return { positions };
  }

  /**
   * Appends to many existing streams at their ends in one INSERT: each event reads its stream's
   * head in the statement (an index probe) and follows it; about as fast as `appendNewStreams`. A stream that another
   * transaction appends to meanwhile hits the (stream, revision) constraint, as WrongExpectedRevision.
   */
  async appendToStreams(streams: { streamId: string; events: NewEvent[] }[], { tx }: { tx?: EntityManager }): Promise<{ positions: Position[] }> {
    for (const stream of streams) assertAppendable(stream.streamId, stream.events, 'stream_exists');
    const rows = streams.flatMap((stream) => stream.events.map((event, index) => ({ stream, event, index })));
    if (rows.length === 0) return { positions: [] };
    const work = async (manager: EntityManager) => {
      const streamIds = [...new Set(streams.map((stream) => stream.streamId))];
      const [missing]: { stream_id: string }[] = await manager.query(
        `SELECT s AS stream_id FROM unnest($1::text[]) AS s WHERE NOT EXISTS (SELECT 1 FROM es.events e WHERE e.stream_id = s) LIMIT 1`,
        [streamIds],
      );
      if (missing) throw new StreamNotFound(missing.stream_id);
      try {
        return (await manager.query(
          `INSERT INTO es.events (stream_id, stream_revision, event_id, type, data, metadata)
           SELECT x.s, (SELECT max(e.stream_revision) FROM es.events e WHERE e.stream_id = x.s) + x.k, x.e, x.t, x.d, x.m
             FROM jsonb_to_recordset($1::jsonb) AS x(o integer, s text, k bigint, e uuid, t text, d jsonb, m jsonb)
            ORDER BY x.o
           RETURNING position::text AS position, transaction_id::text AS transaction_id`,
          // Within a stream, k counts its events from 1, so they follow its head in order.
          [JSON.stringify(rows.map((row, o) => ({ o, s: row.stream.streamId, k: row.index + 1, e: row.event.eventId, t: row.event.type, d: row.event.data, m: row.event.metadata })))],
        )) as { position: string; transaction_id: string }[];
      } catch (error) {
        const constraint = uniqueViolationOf(error);
        if (constraint === 'events_stream_revision_unique') {
          const detail = (error as { driverError?: { detail?: string } }).driverError?.detail ?? '';
          const streamId = /=\(([^,]+),/.exec(detail)?.[1] ?? streams[0].streamId;
          throw new WrongExpectedRevision(streamId, 'stream_exists', await this.committedRevision(streamId));
        }
        if (constraint === 'events_event_id_unique') throw new DuplicateEventId(streams[0].streamId);
        throw error;
      }
    };
    let inserted: { position: string; transaction_id: string }[];
    if (tx) {
      if (!tx.queryRunner?.isTransactionActive) throw new TypeError('appendToStreams: tx must be the manager of an open transaction');
      inserted = await work(tx);
      this.appendedIn.add(tx);
    } else {
      inserted = await this.dataSource.transaction(work);
      this.notifier.notifyAppended();
    }
    const positions = inserted
      .map((row) => ({ transactionId: BigInt(row.transaction_id), position: BigInt(row.position) }))
      .sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0))
      .map(encodePosition);
    return { positions };
  }

  private async appendWith(
    manager: EntityManager,
    streamId: string,
    events: NewEvent[],
    expected: ExpectedRevision,
    queue: boolean,
  ): Promise<AppendResult> {
    if (queue) await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`es.stream:${streamId}`]);
    let rows: AppendRow[];
    try {
      rows = await manager.query(APPEND, [
        streamId,
        typeof expected === 'bigint' ? 'revision' : expected,
        typeof expected === 'bigint' ? expected.toString() : null,
        // One JSON document, parsed once (a jsonb[] literal costs an escape and a parse per element).
        JSON.stringify(events.map((e, i) => ({ ord: i + 1, event_id: e.eventId, type: e.type, data: e.data, metadata: e.metadata }))),
      ]);
    } catch (error) {
      const constraint = uniqueViolationOf(error);
      if (constraint === 'events_stream_revision_unique') {
        // Lost a race: the winner has committed by now (the insert waited for it).
        throw new WrongExpectedRevision(streamId, expected, await this.committedRevision(streamId));
      }
      if (constraint === 'events_event_id_unique') throw new DuplicateEventId(streamId);
      throw error;
    }
    const head = rows[0]!.head_revision === null ? null : BigInt(rows[0]!.head_revision);
    if (!expectationHolds(expected, head)) throw new WrongExpectedRevision(streamId, expected, head ?? 'no_stream');
    const inserted = rows.filter((row) => row.position !== null);
    if (inserted.length === 0) return { nextRevision: head ?? -1n, positions: [] };
    return {
      nextRevision: BigInt(inserted[inserted.length - 1]!.stream_revision!),
      positions: inserted.map((row) => encodePosition({ transactionId: BigInt(row.transaction_id!), position: BigInt(row.position!) })),
    };
  }

  private async committedRevision(streamId: string): Promise<bigint | 'no_stream'> {
    const [row]: { revision: string | null }[] = await this.dataSource.query(
      'SELECT max(stream_revision)::text AS revision FROM es.events WHERE stream_id = $1',
      [streamId],
    );
    return row?.revision ? BigInt(row.revision) : 'no_stream';
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    assertLimit(options.limit);
    const manager = options.tx ?? this.dataSource.manager;
    const from = options.from === undefined ? '' : backwards ? 'AND e.stream_revision <= $3' : 'AND e.stream_revision >= $3';
    const rows: EventRow[] = await manager.query(
      `SELECT ${EVENT_COLUMNS} FROM es.events e WHERE e.stream_id = $1 ${from}
       ORDER BY e.stream_revision ${backwards ? 'DESC' : 'ASC'} LIMIT $2`,
      options.from === undefined ? [streamId, options.limit ?? null] : [streamId, options.limit ?? null, options.from.toString()],
    );
    if (rows.length === 0) {
      const exists = await manager.query('SELECT 1 FROM es.events WHERE stream_id = $1 LIMIT 1', [streamId]);
      if (exists.length === 0) throw new StreamNotFound(streamId);
    }
    return rows.map(toRecordedEvent);
  }

  /** Whether the event at this position has committed (read-your-writes for inline read models). */
  async hasCommitted(position: Position): Promise<boolean> {
    const { transactionId, position: at } = decodePosition(position);
    if (at > MAX_BIGINT) return false;
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM es.events WHERE position = $1 AND transaction_id = $2::xid8', [at.toString(), transactionId.toString()]);
    return rows.length > 0;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    assertLimit(options.limit);
    const after = options.after ? decodePosition(options.after) : { transactionId: 0n, position: 0n };
    const rows: EventRow[] = await this.dataSource.query(READ_ALL, [
      after.transactionId.toString(),
      // Positions are bigint here; a larger one (valid in the codec) sorts after them all anyway.
      (after.position > MAX_BIGINT ? MAX_BIGINT : after.position).toString(),
      options.limit ?? this.options.batchSize,
      options.types ? [...options.types] : null,
    ]);
    return rows.map(toRecordedEvent);
  }

  /**
   * The readable events of some types after a position, and how far the log was scanned: the last
   * event returned when the page is full, else the readable head (nothing of those types is
   * between). Lets a rebuild skip the other types and still end at the head of the log.
   */
  async readTypes(options: { after?: Position; types: readonly string[]; limit: number }): Promise<{ events: RecordedEvent[]; scannedTo: Position | null }> {
    assertLimit(options.limit);
    const after = options.after ? decodePosition(options.after) : { transactionId: 0n, position: 0n };
    const rows: (EventRow & { head_transaction_id: string; head_position: string })[] = await this.dataSource.query(READ_TYPES, [
      after.transactionId.toString(),
      (after.position > MAX_BIGINT ? MAX_BIGINT : after.position).toString(),
      options.limit,
      [...options.types],
    ]);
    const events = rows.filter((row) => row.position !== null).map(toRecordedEvent);
    if (events.length >= options.limit) return { events, scannedTo: events.at(-1)!.position };
    if (rows.length === 0) return { events, scannedTo: options.after ?? null };
    const head = encodePosition({ transactionId: BigInt(rows[0].head_transaction_id), position: BigInt(rows[0].head_position) });
    const scannedTo = options.after && comparePositions(head, options.after) < 0 ? options.after : head;
    return { events, scannedTo };
  }

  subscribeAll(options: SubscribeAllOptions, handler: SubscriptionHandler): Subscription {
    if (this.closed) throw new Error('the event store is closed');
    const subscription = new PollingSubscription(
      this,
      this.listener,
      { ...options, batchSize: options.batchSize ?? this.options.batchSize, pollIntervalMs: options.pollIntervalMs ?? this.options.pollIntervalMs },
      handler,
    );
    this.subscriptions.add(subscription);
    void subscription.done.catch(() => undefined).finally(() => this.subscriptions.delete(subscription));
    return subscription;
  }

  async transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    let manager: EntityManager | undefined;
    const result = await this.dataSource.transaction((tx) => {
      manager = tx;
      return work(tx);
    });
    if (manager && this.appendedIn.delete(manager)) this.notifier.notifyAppended();
    return result;
  }

  notifyAppended(): void {
    this.notifier.notifyAppended();
  }

  comparePositions(a: Position, b: Position): number {
    return comparePositions(a, b);
  }

  parsePosition(text: string): Position {
    return parsePosition(text);
  }

  positionToString(position: Position): string {
    return positionToString(position);
  }

  /** Stops every subscription opened through this store. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    streamId: row.stream_id,
    revision: BigInt(row.stream_revision),
    position: encodePosition({ transactionId: BigInt(row.transaction_id), position: BigInt(row.position) }),
    eventId: row.event_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  };
}

function expectationHolds(expected: ExpectedRevision, head: bigint | null): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return head === null;
  if (expected === 'stream_exists') return head !== null;
  return head === expected;
}

function assertAppendable(streamId: string, events: NewEvent[], expected: ExpectedRevision): void {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new TypeError('append: stream id must be a non-empty string');
  if (typeof expected === 'bigint' && expected < 0n) throw new RangeError('append: an expected revision is 0 or more');
  for (const event of events) {
    if (!UUID.test(event.eventId)) throw new TypeError(`append: event id ${JSON.stringify(event.eventId)} is not a UUID`);
    if (typeof event.type !== 'string' || event.type.length === 0) throw new TypeError('append: event type must be a non-empty string');
  }
}

function assertLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0)) throw new RangeError('limit must be a positive integer');
}

function uniqueViolationOf(error: unknown): string | undefined {
  const { driverError } = error as { driverError?: { code?: string; constraint?: string } };
  return driverError?.code === UNIQUE_VIOLATION ? driverError.constraint : undefined;
}
