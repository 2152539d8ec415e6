import { Logger, type LoggerService } from '@nestjs/common';

export type EventStoreLogger = Pick<LoggerService, 'log' | 'warn' | 'error'>;

export interface EventStoreOptions {
  /** Longest wait of an idle subscriber between two reads (ms); wake-ups usually come sooner. */
  pollIntervalMs?: number;
  /** Events per read while catching up. */
  batchSize?: number;
  /** At most one NOTIFY per this many ms, however many appends commit. */
  notifyIntervalMs?: number;
  logger?: EventStoreLogger;
}

export type ResolvedEventStoreOptions = Required<EventStoreOptions>;

export const EVENT_STORE_OPTIONS = Symbol('EVENT_STORE_OPTIONS');

/** Channel of the wake-up NOTIFY; the payload is empty, subscribers read the log themselves. */
export const APPENDED_CHANNEL = 'es_events_appended';

export function resolveEventStoreOptions(options: EventStoreOptions = {}): ResolvedEventStoreOptions {
  const resolved = {
    pollIntervalMs: options.pollIntervalMs ?? 100,
    batchSize: options.batchSize ?? 500,
    notifyIntervalMs: options.notifyIntervalMs ?? 20,
    logger: options.logger ?? new Logger('EventStore'),
  };
  for (const key of ['pollIntervalMs', 'batchSize', 'notifyIntervalMs'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] <= 0) throw new RangeError(`event store option ${key} must be a positive integer`);
  }
  return resolved;
}
