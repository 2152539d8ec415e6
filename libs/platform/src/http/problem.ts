import { HttpException, HttpStatus } from '@nestjs/common';

export interface FieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem details. `detail` is written by us and never echoes request values. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TYPE_BASE = 'urn:campaign-ledger:problem:';
export const problemType = (slug: string) => `${TYPE_BASE}${slug}`;

/** An error that already knows its problem+json answer. */
export class ProblemException extends HttpException {
  constructor(
    status: HttpStatus,
    readonly slug: string,
    readonly title: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail, status);
  }

  toProblem(): ProblemDetails {
    return {
      type: problemType(this.slug),
      title: this.title,
      status: this.getStatus(),
      detail: this.message,
      ...this.extensions,
    };
  }
}

export class ValidationProblem extends ProblemException {
  constructor(errors: FieldError[], detail = 'The request is not valid; see errors.') {
    super(HttpStatus.BAD_REQUEST, 'validation', 'Validation failed', detail, { errors });
  }
}

export class UnauthorizedProblem extends ProblemException {
  constructor(detail: string) {
    super(HttpStatus.UNAUTHORIZED, 'unauthorized', 'Unauthorized', detail);
  }
}

export class ForbiddenProblem extends ProblemException {
  constructor(detail: string) {
    super(HttpStatus.FORBIDDEN, 'forbidden', 'Forbidden', detail);
  }
}
