import { InvalidPosition, parsePosition, SealingEventStore } from '@app/event-store';
import { ProblemException, ValidationProblem } from '@app/platform';
import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';

export const WAIT_FOR_TIMEOUT_MS = 5000;
const POLL_MS = 25;

/**
 * `waitFor=<position>` on a GET: answer once the read model has processed that position. The
 * campaigns read models are written in the events' own transaction, so that is the moment the
 * event at the position is committed. Gives up after 5 s with 503 and Retry-After.
 */
@Injectable()
export class WaitForInterceptor implements NestInterceptor {
  constructor(@Inject(SealingEventStore) private readonly events: SealingEventStore) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const waitFor = context.switchToHttp().getRequest<Request>().query.waitFor;
    if (waitFor !== undefined) {
      let position;
      try {
        if (typeof waitFor !== 'string') throw new InvalidPosition(String(waitFor));
        position = parsePosition(waitFor);
      } catch {
        throw new ValidationProblem([{ field: 'waitFor', message: 'waitFor must be a position returned by a command' }]);
      }
      const deadline = Date.now() + WAIT_FOR_TIMEOUT_MS;
      while (!(await this.events.store.hasCommitted(position))) {
        if (Date.now() >= deadline) {
          throw new ProblemException('read-model-behind', 'The read model has not reached that position yet; retry later.', { retryAfter: 1 });
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    }
    return next.handle();
  }
}
