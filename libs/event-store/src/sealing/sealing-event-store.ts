import { randomUUID } from 'node:crypto';
import { type Erased, isSealedBlob, type PersonalData, type SealedBlob, type Sealer } from '@app/crypto-shredding';
import type { EntityManager } from 'typeorm';
import type {
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
  SubscriptionBatch,
} from '../event-store.port';
import type { DomainEvent, SealedPayload } from './domain-event';

/** How an event is stored: the plain part, and the sealed slots beside it. */
interface StoredPayload {
  plain: Record<string, unknown>;
  personal?: SealedBlob;
  reference?: SealedBlob;
}

type Slot = 'personal' | 'reference';

/** An event read for state loading or projections: plain data, sealed slots it cannot open. */
export interface SealedEvent<Type extends string = string, Data extends object = Record<string, unknown>> {
  streamId: string;
  revision: bigint;
  position: Position;
  eventId: string;
  type: Type;
  data: Data;
  metadata: EventMetadata;
  recordedAt: Date;
  personal?: SealedPayload;
  reference?: SealedPayload;
}

/** An event opened on the query side: personal slots as plain objects, or Erased. */
export interface OpenedEvent<Type extends string = string, Data extends object = Record<string, unknown>>
  extends Omit<SealedEvent<Type, Data>, 'personal' | 'reference'> {
  personal?: PersonalData | Erased;
  reference?: PersonalData | Erased;
}

/** Turns an old schema version of an event's plain data into the current one. */
export type Upcaster = (data: Record<string, unknown>, schemaVersion: number) => { data: Record<string, unknown>; schemaVersion: number };

export interface SealingAppendOptions {
  expectedRevision: ExpectedRevision;
  tx?: EntityManager;
  /** Key ids for the slots these events fill: the stream owner's content/seller key and reference key. */
  keys: { personal?: string; reference?: string };
  metadata?: Omit<EventMetadata, 'schemaVersion'> & { schemaVersion?: number };
}

export interface NewStreamItem {
  streamId: string;
  events: DomainEvent[];
  keys: { personal?: string; reference?: string };
}

/** Sealed events ready to append (see prepareNewStreams). */
export interface PreparedStreams {
  streams: { streamId: string; events: NewEvent[] }[];
}

export interface SealingEventStoreOptions {
  upcasters?: Record<string, Upcaster>;
  newId?: () => string;
}

// Blobs are kept inside this wrapper class, out of reach of anything but the codec.
class SealedSlot {
  readonly #blob: SealedBlob;
  constructor(blob: SealedBlob) {
    this.#blob = blob;
  }
  static wrap(blob: SealedBlob): SealedPayload {
    return new SealedSlot(blob) as unknown as SealedPayload;
  }
  static blobOf(slot: SealedPayload): SealedBlob {
    return (slot as unknown as SealedSlot).#blob;
  }
  toJSON(): string {
    return '[sealed]';
  }
}

/**
 * The sealing codec around any EventStore adapter: the only place where personal payloads are
 * sealed (on append) and opened (on explicit request from the query side). The AAD binds stream
 * id, event id, slot and key id, so a blob cannot be moved to another event or slot.
 */
export class SealingEventStore {
  private readonly newId: () => string;

  constructor(
    readonly store: EventStore,
    private readonly sealer: Sealer,
    private readonly options: SealingEventStoreOptions = {},
  ) {
    this.newId = options.newId ?? randomUUID;
  }

  async append(streamId: string, events: DomainEvent[], options: SealingAppendOptions): Promise<AppendResult & { eventIds: string[] }> {
    const eventIds = events.map(() => this.newId());
    const requests: { index: number; slot: Slot; keyId: string; plain: PersonalData }[] = [];
    events.forEach((event, index) => {
      for (const slot of ['personal', 'reference'] as const) {
        const plain = event[slot];
        if (!plain) continue;
        const keyId = options.keys[slot];
        if (!keyId) throw new Error(`event ${event.type} carries ${slot} data but no ${slot} key was given`);
        requests.push({ index, slot, keyId, plain });
      }
    });
    const sealed = await this.sealer.sealMany(
      requests.map((r) => ({ keyId: r.keyId, plain: r.plain, context: { kind: 'event', streamId, eventId: eventIds[r.index], slot: r.slot } })),
      options.tx,
    );
    const payloads: StoredPayload[] = events.map((event) => ({ plain: event.data as Record<string, unknown> }));
    requests.forEach((request, i) => {
      payloads[request.index][request.slot] = sealed[i];
    });
    const { schemaVersion = 1, ...metadata } = options.metadata ?? {};
    const stored: NewEvent[] = events.map((event, index) => ({
      eventId: eventIds[index],
      type: event.type,
      data: payloads[index] as unknown as Record<string, unknown>,
      metadata: { ...metadata, schemaVersion },
    }));
    const result = await this.store.append(streamId, stored, { expectedRevision: options.expectedRevision, tx: options.tx });
    return { ...result, eventIds };
  }

  /**
   * Bulk creation of new streams (enrollment), in two halves so the caller can overlap them with
   * other writes: seal everything in one pass (no I/O when every key is in `knownKeys`), then
   * `appendPrepared` in one INSERT where the adapter supports it. Every stream must be new there;
   * the sealing half is also `appendToStreams`'s.
   */
  async prepareNewStreams(
    items: NewStreamItem[],
    options: { tx?: EntityManager; metadata?: SealingAppendOptions['metadata']; knownKeys?: ReadonlyMap<string, Buffer> },
  ): Promise<PreparedStreams> {
    const prepared = items.map((item) => ({ item, eventIds: item.events.map(() => this.newId()) }));
    const requests: { item: number; index: number; slot: Slot; keyId: string; plain: PersonalData }[] = [];
    prepared.forEach(({ item }, itemIndex) => {
      item.events.forEach((event, index) => {
        for (const slot of ['personal', 'reference'] as const) {
          const plain = event[slot];
          if (!plain) continue;
          const keyId = item.keys[slot];
          if (!keyId) throw new Error(`event ${event.type} carries ${slot} data but no ${slot} key was given`);
          requests.push({ item: itemIndex, index, slot, keyId, plain });
        }
      });
    });
    const sealed = await this.sealer.sealMany(
      requests.map((r) => ({ keyId: r.keyId, plain: r.plain, context: { kind: 'event', streamId: prepared[r.item].item.streamId, eventId: prepared[r.item].eventIds[r.index], slot: r.slot } })),
      options.tx,
      options.knownKeys,
    );
    const payloads = prepared.map(({ item }) => item.events.map((event): StoredPayload => ({ plain: event.data as Record<string, unknown> })));
    requests.forEach((request, i) => {
      payloads[request.item][request.index][request.slot] = sealed[i];
    });
    const { schemaVersion = 1, ...metadata } = options.metadata ?? {};
    return {
      streams: prepared.map(({ item, eventIds }, itemIndex) => ({
        streamId: item.streamId,
        events: item.events.map((event, index): NewEvent => ({
          eventId: eventIds[index],
          type: event.type,
          data: payloads[itemIndex][index] as unknown as Record<string, unknown>,
          metadata: { ...metadata, schemaVersion },
        })),
      })),
    };
  }

  /**
   * One batch of events on each of many existing streams, each at its end (a fact recorded on
   * many customers at once): sealed in one pass, appended in one statement where the adapter
   * supports it, else one `stream_exists` append per stream. Positions follow the input order.
   */
  async appendToStreams(items: NewStreamItem[], options: { tx?: EntityManager; metadata?: SealingAppendOptions['metadata'] }): Promise<{ positions: Position[] }> {
    const prepared = await this.prepareNewStreams(items, options);
    if (this.store.appendToStreams) return this.store.appendToStreams(prepared.streams, { tx: options.tx });
    const positions: Position[] = [];
    for (const stream of prepared.streams) {
      positions.push(...(await this.store.append(stream.streamId, stream.events, { expectedRevision: 'stream_exists', tx: options.tx })).positions);
    }
    return { positions };
  }

  async appendPrepared(prepared: PreparedStreams, tx?: EntityManager): Promise<{ positions: Position[] }> {
    if (this.store.appendNewStreams) return this.store.appendNewStreams(prepared.streams, { tx });
    const positions: Position[] = [];
    for (const stream of prepared.streams) {
      positions.push(...(await this.store.append(stream.streamId, stream.events, { expectedRevision: 'no_stream', tx })).positions);
    }
    return { positions };
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<SealedEvent[]> {
    return (await this.store.readStream(streamId, options)).map((event) => this.decode(event));
  }

  async readAll(options?: ReadAllOptions): Promise<SealedEvent[]> {
    return (await this.store.readAll(options)).map((event) => this.decode(event));
  }

  subscribeAll(options: SubscribeAllOptions, handler: (events: SealedEvent[], batch: SubscriptionBatch) => Promise<void>): Subscription {
    return this.store.subscribeAll(options, (events, batch) => handler(events.map((event) => this.decode(event)), batch));
  }

  /** Opens the personal slots: one key lookup per key (per customer), however many events. */
  async open<E extends SealedEvent>(events: E[], tx?: EntityManager): Promise<OpenedEvent[]> {
    const requests: { index: number; slot: Slot; sealed: SealedBlob }[] = [];
    events.forEach((event, index) => {
      for (const slot of ['personal', 'reference'] as const) {
        const payload = event[slot];
        if (payload) requests.push({ index, slot, sealed: SealedSlot.blobOf(payload) });
      }
    });
    const opened = await this.sealer.openMany(
      requests.map((r) => ({ sealed: r.sealed, context: { kind: 'event', streamId: events[r.index].streamId, eventId: events[r.index].eventId, slot: r.slot } })),
      tx,
    );
    const out: OpenedEvent[] = events.map(({ personal: _p, reference: _r, ...rest }) => ({ ...rest }));
    requests.forEach((request, i) => {
      out[request.index][request.slot] = opened[i];
    });
    return out;
  }

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.store.transaction(work);
  }

  private decode(event: RecordedEvent): SealedEvent {
    return decodeSealedEvent(event, this.options.upcasters);
  }
}

/**
 * A stored event as state loading and projections see it: plain data (upcast), sealed slots that
 * only `SealingEventStore.open` can read. Needs no Sealer, so a projection can decode without one.
 */
export function decodeSealedEvent(event: RecordedEvent, upcasters?: Record<string, Upcaster>): SealedEvent {
  const payload = event.data as unknown as StoredPayload;
  let data = payload.plain ?? {};
  let metadata = event.metadata;
  const upcast = upcasters?.[event.type];
  if (upcast) {
    const next = upcast(data, metadata.schemaVersion);
    data = next.data;
    metadata = { ...metadata, schemaVersion: next.schemaVersion };
  }
  return {
    streamId: event.streamId,
    revision: event.revision,
    position: event.position,
    eventId: event.eventId,
    type: event.type,
    data,
    metadata,
    recordedAt: event.recordedAt,
    ...(isSealedBlob(payload.personal) ? { personal: SealedSlot.wrap(payload.personal) } : {}),
    ...(isSealedBlob(payload.reference) ? { reference: SealedSlot.wrap(payload.reference) } : {}),
  };
}
