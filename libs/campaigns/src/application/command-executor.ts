import { SealingEventStore, WrongExpectedRevision } from '@app/event-store';
import { type Principal, ProblemException } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { IdempotencyStore } from './idempotency-store';

export interface CommandRequest {
  principal: Principal;
  /** The route template, e.g. `POST /v1/customers/:id/sms`, with the path ids filled in. */
  route: string;
  idempotencyKey?: string;
  /** What the idempotency HMAC covers: the parsed body (JSON) or the raw text (CSV). */
  body: unknown;
  correlationId?: string;
}

export interface CommandOutcome<T = unknown> {
  status: number;
  body: T;
  /** Customers the response names; its idempotency record goes with their anonymization. */
  customerIds?: string[];
}

const MAX_ATTEMPTS = 4;

/**
 * Runs a command in one transaction with its idempotency record: the events, keys, read models
 * and the record commit together. A repeat with the same key and body replays the first answer;
 * with another body it is a 422. Lost optimistic-concurrency races are retried from the start.
 */
@Injectable()
export class CommandExecutor {
  constructor(
    @Inject(SealingEventStore) private readonly store: SealingEventStore,
    @Inject(IdempotencyStore) private readonly idempotency: IdempotencyStore,
  ) {}

  async execute<T>(request: CommandRequest, work: (tx: EntityManager) => Promise<CommandOutcome<T>>): Promise<CommandOutcome<T>> {
    const scope = request.idempotencyKey ? { subject: request.principal.subject, route: request.route, key: request.idempotencyKey } : undefined;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.store.transaction(async (tx) => {
          if (scope) {
            await this.idempotency.lock(tx, scope);
            const previous = await this.idempotency.find(tx, scope, request.body);
            if (previous === 'mismatch') {
              throw new ProblemException('idempotency-key-reused', 'This Idempotency-Key was used with a different request body.');
            }
            if (previous) return { status: previous.status, body: previous.body as T };
          }
          const outcome = await work(tx);
          if (scope) await this.idempotency.save(tx, scope, request.body, { status: outcome.status, body: outcome.body }, outcome.customerIds ?? []);
          return outcome;
        });
      } catch (error) {
        if (error instanceof WrongExpectedRevision && attempt < MAX_ATTEMPTS) continue;
        if (error instanceof WrongExpectedRevision) {
          throw new ProblemException('concurrent-write', 'The resource changed concurrently; retry the request.');
        }
        throw error;
      }
    }
  }
}
