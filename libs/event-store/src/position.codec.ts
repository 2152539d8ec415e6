import { InvalidPosition } from './event-store.errors';
import type { Position } from './event-store.port';

// Two unsigned 64-bit parts, zero-padded to the same width so that the string order is the
// (major, minor) order: PostgreSQL uses (transaction id, position); an EventStoreDB adapter
// would use (commit, prepare).
const WIDTH = 20;
const MAX_U64 = (1n << 64n) - 1n;
const FORM = /^(\d{20})-(\d{20})$/;

export interface PositionParts {
  transactionId: bigint;
  position: bigint;
}

export function encodePosition({ transactionId, position }: PositionParts): Position {
  if (transactionId < 0n || transactionId > MAX_U64 || position < 0n || position > MAX_U64) {
    throw new RangeError(`position parts out of range: ${transactionId}, ${position}`);
  }
  return `${transactionId.toString().padStart(WIDTH, '0')}-${position.toString().padStart(WIDTH, '0')}` as Position;
}

export function decodePosition(position: Position): PositionParts {
  const match = FORM.exec(position);
  if (!match) throw new InvalidPosition(position);
  return { transactionId: BigInt(match[1]!), position: BigInt(match[2]!) };
}

export function parsePosition(text: string): Position {
  if (typeof text !== 'string') throw new InvalidPosition(String(text));
  const match = FORM.exec(text);
  if (!match || BigInt(match[1]!) > MAX_U64 || BigInt(match[2]!) > MAX_U64) throw new InvalidPosition(text);
  return text as Position;
}

/** Negative, zero or positive as `a` is before, at or after `b` in the global order. */
export function comparePositions(a: Position, b: Position): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function positionToString(position: Position): string {
  return position;
}
