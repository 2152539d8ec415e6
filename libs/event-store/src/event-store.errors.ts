import type { ExpectedRevision, Position } from './event-store.port';

/** Base of every error the event store throws on purpose. */
export abstract class EventStoreError extends Error {
  override get name(): string {
    return this.constructor.name;
  }
}

function describeRevision(revision: ExpectedRevision): string {
  return typeof revision === 'bigint' ? `revision ${revision}` : revision;
}

/** The stream was not at the expected revision; nothing was appended. */
export class WrongExpectedRevision extends EventStoreError {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's last revision when the append failed, or 'no_stream'. */
    readonly actual: bigint | 'no_stream',
  ) {
    super(`stream ${streamId} expected ${describeRevision(expected)} but is at ${describeRevision(actual)}`);
  }
}

export class StreamNotFound extends EventStoreError {
  constructor(readonly streamId: string) {
    super(`stream ${streamId} has no events`);
  }
}

/** An event id that is already stored (or repeated within the batch); nothing was appended. */
export class DuplicateEventId extends EventStoreError {
  constructor(readonly streamId: string) {
    super(`an event appended to stream ${streamId} reuses a stored event id`);
  }
}

export class InvalidPosition extends EventStoreError {
  constructor(readonly text: string) {
    // Cut: the text may come straight from a request.
    super(`not an event-store position: ${JSON.stringify(text.slice(0, 64))}`);
  }
}

/** The stored checkpoint was not the expected one: another runner moved it (or this one lost leadership). */
export class CheckpointConflict extends EventStoreError {
  constructor(
    readonly subscriptionId: string,
    readonly expected: Position | null,
  ) {
    super(`checkpoint of ${subscriptionId} is no longer ${expected ?? 'unset'}`);
  }
}
