import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiHeader, ApiNotFoundResponse, ApiUnauthorizedResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';

const problem = (status: number, title: string, detail: string, extra: Record<string, unknown> = {}) => ({
  description: `${title} (application/problem+json)`,
  content: { 'application/problem+json': { example: { type: `urn:campaign-ledger:problem:${title.toLowerCase().replace(/[^a-z]+/g, '-')}`, title, status, detail, ...extra } } },
});

/** The errors every protected route can answer with. */
export const ProtectedRoute = () =>
  applyDecorators(
    ApiBearerAuth(),
    ApiUnauthorizedResponse(problem(401, 'Unauthorized', 'A bearer token is required.')),
    ApiForbiddenResponse(problem(403, 'Forbidden', 'This route needs one of the roles: service, admin.')),
  );

/** What a command route adds: validation errors and idempotency. */
export const CommandRoute = () =>
  applyDecorators(
    ProtectedRoute(),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Scoped by token subject and route; a repeat with the same body returns the first response, another body is a 422' }),
    ApiBadRequestResponse(problem(400, 'Validation failed', 'The request is not valid; see errors.', { errors: [{ field: 'customers[17].email', message: 'customers[17].email must be an email' }] })),
    ApiUnprocessableEntityResponse(problem(422, 'Unprocessable Content', 'sellerId names no registered seller', { errors: [{ field: 'sellerId', message: 'sellerId names no registered seller' }] })),
  );

/** Also the answer for an id outside the token's controllers: the same body, so ids cannot be enumerated. */
export const NotFound = (what: string) =>
  ApiNotFoundResponse({ ...problem(404, 'Not Found', `no such ${what}`), description: `No such ${what}, or none among the token's controllers (application/problem+json)` });
export const problemExample = problem;
