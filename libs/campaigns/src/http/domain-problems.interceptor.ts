import { KeyDestroyed, KeyspaceClosed } from '@app/crypto-shredding';
import { ProblemException, ValidationProblem } from '@app/platform';
import { type CallHandler, type ExecutionContext, HttpStatus, Injectable, type NestInterceptor } from '@nestjs/common';
import { catchError, type Observable, throwError } from 'rxjs';
import { DomainError } from '../domain/domain-error';

const STATUS: Record<Exclude<DomainError['kind'], 'invalid'>, [HttpStatus, string]> = {
  unprocessable: [HttpStatus.UNPROCESSABLE_ENTITY, 'Unprocessable Content'],
  'not-found': [HttpStatus.NOT_FOUND, 'Not Found'],
  conflict: [HttpStatus.CONFLICT, 'Conflict'],
  closed: [HttpStatus.CONFLICT, 'Conflict'],
  gone: [HttpStatus.GONE, 'Gone'],
  locked: [HttpStatus.LOCKED, 'Locked'],
};

/** Domain refusals and crypto-shredding outcomes as problem+json. */
export function toProblem(error: unknown): unknown {
  if (error instanceof DomainError) {
    if (error.kind === 'invalid') return new ValidationProblem([{ field: error.field ?? 'body', message: error.message }], error.message);
    const [status, title] = STATUS[error.kind];
    return new ProblemException(status, error.code, title, error.message, { ...error.details, ...(error.field ? { errors: [{ field: error.field, message: error.message }] } : {}) });
  }
  if (error instanceof KeyDestroyed) return new ProblemException(HttpStatus.GONE, 'customer-anonymized', 'Gone', 'The customer has been anonymized.');
  if (error instanceof KeyspaceClosed) return new ProblemException(HttpStatus.GONE, 'campaign-anonymized', 'Gone', 'The campaign has been anonymized.');
  const pg = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const constraint = pg.constraint ?? pg.driverError?.constraint;
  if ((pg.code ?? pg.driverError?.code) === '23505' && constraint === 'blind_index_live_customer_ref') {
    return new ProblemException(HttpStatus.CONFLICT, 'duplicate-customer-ref', 'Conflict', 'A customerRef of the batch is already enrolled in this campaign.');
  }
  return error;
}

@Injectable()
export class DomainProblemsInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError((error: unknown) => throwError(() => toProblem(error))));
  }
}
