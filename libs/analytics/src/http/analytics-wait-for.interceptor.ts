import { parsePosition, PostgresCheckpointStore } from '@app/event-store';
import { ProblemException, ValidationProblem } from '@app/platform';
import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { subscriptionIdOf } from '../projections/projection';

const READS_PROJECTIONS = 'analytics:projections';
const TIMEOUT_MS = 5000;
const POLL_MS = 25;

/** Which projections a route's answer comes from (what `waitFor` waits for). */
export const ReadsProjections = (...names: string[]) => SetMetadata(READS_PROJECTIONS, names);

/**
 * `waitFor=<position>` on an analytics GET: answer once every projection the route reads has
 * checkpointed at or past the position (checkpoints move past events a projection ignores too).
 * Gives up after 5 s with 503 and Retry-After.
 */
@Injectable()
export class AnalyticsWaitForInterceptor implements NestInterceptor {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(PostgresCheckpointStore) private readonly checkpoints: PostgresCheckpointStore,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const waitFor = context.switchToHttp().getRequest<Request>().query.waitFor;
    const projections = this.reflector.get<string[] | undefined>(READS_PROJECTIONS, context.getHandler()) ?? [];
    if (waitFor !== undefined && projections.length > 0) {
      let position;
      try {
        position = parsePosition(String(waitFor));
      } catch {
        throw new ValidationProblem([{ field: 'waitFor', message: 'waitFor must be a position returned by a command' }]);
      }
      const deadline = Date.now() + TIMEOUT_MS;
      for (;;) {
        const reached = await Promise.all(projections.map(async (name) => ((await this.checkpoints.read(subscriptionIdOf(name))) ?? '') >= position));
        if (reached.every(Boolean)) break;
        if (Date.now() >= deadline) {
          throw new ProblemException('read-model-behind', 'The projection has not reached that position yet; retry later.', { retryAfter: 1 });
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    }
    return next.handle();
  }
}
