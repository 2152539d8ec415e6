import { HttpException } from '@nestjs/common';
import { PROBLEM_TYPES, type ProblemSlug, problemType } from './problem-types';

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

/**
 * An error that already knows its problem+json answer: a type of the catalogue (PROBLEM_TYPES),
 * which gives its status and title, and a detail. `headers` go on the response, not in the body.
 */
export class ProblemException extends HttpException {
  readonly title: string;

  constructor(
    readonly slug: ProblemSlug,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail, PROBLEM_TYPES[slug].status);
    this.title = PROBLEM_TYPES[slug].title;
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
    super('validation', detail, { errors });
  }
}

export class UnauthorizedProblem extends ProblemException {
  constructor(detail: string) {
    super('unauthorized', detail);
  }
}

export class ForbiddenProblem extends ProblemException {
  constructor(detail: string) {
    super('forbidden', detail);
  }
}
