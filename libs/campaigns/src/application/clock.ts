import { randomUUID } from 'node:crypto';

/** Time and ids come in through these, so tests can fix them. */
export interface Clock {
  now(): Date;
}
export const CLOCK = Symbol('CLOCK');
export const systemClock: Clock = { now: () => new Date() };

export type IdGenerator = () => string;
export const ID_GENERATOR = Symbol('ID_GENERATOR');
export const uuidGenerator: IdGenerator = () => randomUUID();
