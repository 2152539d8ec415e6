import { type AppendResult, type SealedEvent, SealingEventStore, StreamNotFound } from '@app/event-store';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type Decider, fold } from '../domain/decider';

export interface LoadedStream<State> {
  state: State;
  events: SealedEvent[];
  /** What the next append expects. */
  expected: bigint | 'no_stream';
}

export interface Decision<Event, State> {
  events: Event[];
  state: State;
  result: AppendResult & { eventIds: string[] };
  /**
   * Where the state after the decision is visible: the last event appended, or, when the decision
   * changed nothing, the stream's last event (already committed). What a command answers as `position`.
   */
  position: string;
}

export interface DecisionOptions {
  keys?: { personal?: string; reference?: string };
  actor: string;
  correlationId?: string;
}

/**
 * The one generic command path: load the stream (nothing is decrypted: evolve reads plain data
 * only), decide, append with the expected revision. Handlers stay a few lines.
 */
@Injectable()
export class StreamDecisions {
  constructor(@Inject(SealingEventStore) private readonly store: SealingEventStore) {}

  async load<Event, State>(tx: EntityManager | undefined, decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>, streamId: string): Promise<LoadedStream<State>> {
    let events: SealedEvent[];
    try {
      events = await this.store.readStream(streamId, { tx });
    } catch (error) {
      if (error instanceof StreamNotFound) return { state: decider.initialState(), events: [], expected: 'no_stream' };
      throw error;
    }
    return { state: fold(decider, events as unknown as Event[]), events, expected: events[events.length - 1].revision };
  }

  async exists(tx: EntityManager | undefined, streamId: string): Promise<boolean> {
    try {
      await this.store.readStream(streamId, { tx, limit: 1 });
      return true;
    } catch (error) {
      if (error instanceof StreamNotFound) return false;
      throw error;
    }
  }

  decide<Command, Event extends { type: string; data: object }, State>(
    tx: EntityManager,
    decider: Decider<Command, Event, State>,
    streamId: string,
    command: Command,
    options: DecisionOptions,
  ): Promise<Decision<Event, State>> {
    return this.decideWith(tx, decider, streamId, () => command, options);
  }

  /**
   * `decide` with a command built from the loaded stream, for the rare command that needs more
   * than state (a merge patch needs the current details, opened from these events). The append
   * expects the revision loaded, so a write in between makes it retry from the start.
   */
  async decideWith<Command, Event extends { type: string; data: object }, State>(
    tx: EntityManager,
    decider: Decider<Command, Event, State>,
    streamId: string,
    build: (loaded: LoadedStream<State>) => Command | Promise<Command>,
    options: DecisionOptions,
  ): Promise<Decision<Event, State>> {
    const loaded = await this.load(tx, decider, streamId);
    const { state, expected } = loaded;
    const events = decider.decide(await build(loaded), state);
    const result = await this.store.append(streamId, events as never, {
      expectedRevision: expected,
      tx,
      keys: options.keys ?? {},
      metadata: { actor: options.actor, ...(options.correlationId ? { correlationId: options.correlationId } : {}) },
    });
    const position = result.positions.at(-1) ?? loaded.events.at(-1)?.position;
    // A decision that records nothing on a stream without events has refused already (not found).
    if (position === undefined) throw new Error(`decision on ${streamId} left no position`);
    return { events, state: events.reduce(decider.evolve, state), result, position };
  }
}
