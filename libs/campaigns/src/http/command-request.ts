import type { Principal } from '@app/platform';
import { ValidationProblem } from '@app/platform';
import type { Request } from 'express';
import type { CommandRequest } from '../application/command-executor';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The route scope, caller, correlation id and Idempotency-Key of a command request. */
export function commandRequest(request: Request & { id?: unknown }, principal: Principal, body: unknown): CommandRequest {
  const key = request.header('idempotency-key');
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw new ValidationProblem([{ field: 'Idempotency-Key', message: 'Idempotency-Key must be 1-255 visible ASCII characters' }]);
  }
  return {
    principal,
    route: `${request.method} ${request.baseUrl}${request.path}`,
    idempotencyKey: key,
    body,
    correlationId: typeof request.id === 'string' ? request.id : undefined,
  };
}
