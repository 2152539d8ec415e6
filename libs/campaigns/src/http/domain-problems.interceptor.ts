import { KeyDestroyed, KeyspaceClosed } from '@app/crypto-shredding';
import { ProblemException, ValidationProblem } from '@app/platform';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { catchError, type Observable, throwError } from 'rxjs';
import { DomainError } from '../domain/domain-error';

/** Domain refusals and crypto-shredding outcomes as problem+json. */
export function toProblem(error: unknown): unknown {
  if (error instanceof DomainError) {
    if (error.kind === 'invalid') return new ValidationProblem([{ field: error.field ?? 'body', message: error.message }], error.message);
    const refusal = error as DomainError<Exclude<DomainError['kind'], 'invalid'>>;
    return new ProblemException(refusal.code, refusal.message, { ...refusal.details, ...(refusal.field ? { errors: [{ field: refusal.field, message: refusal.message }] } : {}) });
  }
  if (error instanceof KeyDestroyed) return new ProblemException('customer-anonymized', 'The customer has been anonymized.');
  if (error instanceof KeyspaceClosed) return new ProblemException('campaign-anonymized', 'The campaign has been anonymized.');
  const pg = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const constraint = pg.constraint ?? pg.driverError?.constraint;
  if ((pg.code ?? pg.driverError?.code) === '23505' && constraint === 'blind_index_live_customer_ref') {
    return new ProblemException('duplicate-customer-ref', 'A customerRef of the batch is already enrolled in this campaign.');
  }
  return error;
}

@Injectable()
export class DomainProblemsInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError((error: unknown) => throwError(() => toProblem(error))));
  }
}
