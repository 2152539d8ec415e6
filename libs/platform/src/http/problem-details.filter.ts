import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails, ProblemException, problemType } from './problem';

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
    if (problem.status === HttpStatus.SERVICE_UNAVAILABLE && typeof problem.retryAfter === 'number') {
      response.setHeader('Retry-After', String(problem.retryAfter));
    }
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify({ ...problem, instance: request.path }));
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof ProblemException) return exception.toProblem();
    const status = statusOf(exception);
    if (status === undefined) {
      return {
        type: 'about:blank',
        title: 'Internal Server Error',
        status: HttpStatus.INTERNAL_SERVER_ERROR,
        detail: 'The server failed to handle the request; it has been logged.',
      };
    }
    return { type: problemType(slugFor(status)), title: titleFor(status), status, detail: detailFor(exception, status) };
  }
}

function statusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  // body-parser and other Express middleware errors carry their status on the error.
  const candidate = (exception as { status?: unknown; statusCode?: unknown } | null) ?? {};
  const status = typeof candidate.status === 'number' ? candidate.status : candidate.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}

function detailFor(exception: unknown, status: number): string {
  // The Express adapter wraps body-parser errors; their kind is on the cause.
  const cause = (exception as { cause?: unknown }).cause ?? exception;
  const kind = (cause as { type?: unknown } | null)?.type;
  if (kind === 'entity.parse.failed' || cause instanceof SyntaxError) return 'The request body is not valid JSON.';
  if (kind === 'entity.too.large') return 'The request body is too large.';
  if (kind === 'encoding.unsupported' || kind === 'charset.unsupported') return 'The request body encoding is not supported.';
  if (cause instanceof URIError) return 'The request path is not validly percent-encoded.';
  switch (status) {
    case 404:
      return 'No such resource or route.';
    case 405:
      return 'The method is not allowed on this route.';
    case 415:
      return 'The content type is not supported by this route.';
    case 503:
      return 'A dependency of the service does not answer.';
    default:
      return titleFor(status);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  423: 'Locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const titleFor = (status: number) => TITLES[status] ?? 'Request Error';
const slugFor = (status: number) => titleFor(status).toLowerCase().replace(/[^a-z]+/g, '-');
