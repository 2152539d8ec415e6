import type { ProblemSlugOfStatus } from '@app/platform';

/**
 * A rule the domain refuses a command by. Messages name fields and rules, never values: they
 * reach HTTP responses and logs.
 */
/** invalid: 400; unprocessable: 422 (refers to what does not exist); not-found: 404; conflict and closed: 409; gone: 410; locked: 423 (a legal hold). */
export type DomainErrorKind = 'invalid' | 'unprocessable' | 'not-found' | 'conflict' | 'closed' | 'gone' | 'locked';

interface KindStatus {
  unprocessable: 422;
  'not-found': 404;
  conflict: 409;
  closed: 409;
  gone: 410;
  locked: 423;
}

/**
 * What `code` may be: for `invalid`, the rule broken (tests tell refusals apart by it; the answer
 * is always the `validation` problem type); otherwise a problem type of the catalogue with the
 * kind's status, so a refusal cannot name a type the API does not document.
 */
export type DomainErrorCode<Kind extends DomainErrorKind> = Kind extends keyof KindStatus ? ProblemSlugOfStatus<KindStatus[Kind]> : string;

export class DomainError<Kind extends DomainErrorKind = DomainErrorKind> extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly kind: Kind,
    readonly code: DomainErrorCode<Kind>,
    message: string,
    /** For `invalid`: the offending field, as a request path (`products[2].sku`). */
    readonly field?: string,
    /** Plain codes the answer adds as problem members (a hold's `reasonCode`); never request values. */
    readonly details?: Record<string, string>,
  ) {
    super(message);
  }
}

export const invalid = (field: string, message: string, code = 'invalid-field') => new DomainError('invalid', code, message, field);
