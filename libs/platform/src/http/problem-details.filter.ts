import { STATUS_CODES } from 'node:http';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails, ProblemException } from './problem';
import { PROBLEM_TYPES, type ProblemSlug, problemType } from './problem-types';

/**
 * Every error leaves as RFC 9457 problem+json. Messages of unexpected errors and of framework
 * errors are not echoed: they can quote request data (a JSON parse error quotes the body).
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const problem = this.toProblem(exception);
    // Only what nobody threw on purpose: an HttpException (503 from waitFor or the health check)
    // is an answer, logged once by the request logger with its status.
    if (problem.status >= 500 && !(exception instanceof HttpException)) {
      this.logger.error({ err: exception, status: problem.status }, 'request failed');
    }
    if (response.headersSent) return;
    if (exception instanceof ProblemException) for (const [name, value] of Object.entries(exception.headers)) response.setHeader(name, value);
    if (problem.status === HttpStatus.SERVICE_UNAVAILABLE && typeof problem.retryAfter === 'number') {
      response.setHeader('Retry-After', String(problem.retryAfter));
    }
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify({ ...problem, instance: request.path }));
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof ProblemException) return exception.toProblem();
    const status = statusOf(exception);
    if (status === undefined) return problemOf('internal-error', PROBLEM_TYPES['internal-error'].detail);
    const slug = FRAMEWORK_PROBLEMS[status];
    if (slug) return problemOf(slug, detailFor(exception, slug));
    // A status no catalogue type stands for: RFC 9457's "no more than the status code".
    const phrase = STATUS_CODES[status] ?? 'Request Error';
    return { type: 'about:blank', title: phrase, status, detail: `${phrase}.` };
  }
}

const problemOf = (slug: ProblemSlug, detail: string): ProblemDetails => ({ type: problemType(slug), title: PROBLEM_TYPES[slug].title, status: PROBLEM_TYPES[slug].status, detail });

/**
 * Errors of the framework and of Express middleware (body parsing, routing), by status: each is
 * a type of the catalogue. Other statuses (none is known to occur) answer `about:blank`.
 */
export const FRAMEWORK_PROBLEMS: Partial<Record<number, ProblemSlug>> = {
  400: 'malformed-request',
  404: 'route-not-found',
  413: 'content-too-large',
  415: 'unsupported-media-type',
  500: 'internal-error',
  503: 'service-unavailable',
};

function statusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  // body-parser and other Express middleware errors carry their status on the error.
  const candidate = (exception as { status?: unknown; statusCode?: unknown } | null) ?? {};
  const status = typeof candidate.status === 'number' ? candidate.status : candidate.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}

function detailFor(exception: unknown, slug: ProblemSlug): string {
  // The Express adapter wraps body-parser errors; their kind is on the cause.
  const cause = (exception as { cause?: unknown }).cause ?? exception;
  const kind = (cause as { type?: unknown } | null)?.type;
  if (kind === 'entity.parse.failed' || cause instanceof SyntaxError) return 'The request body is not valid JSON.';
  if (kind === 'entity.too.large') return 'The request body is too large.';
  if (kind === 'encoding.unsupported' || kind === 'charset.unsupported') return 'The request body encoding is not supported.';
  if (cause instanceof URIError) return 'The request path is not validly percent-encoded.';
  return slug === 'malformed-request' ? 'The request is malformed.' : PROBLEM_TYPES[slug].detail;
}
