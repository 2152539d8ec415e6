import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DECORATORS } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { ProblemException } from './problem';

/** What a route takes when its OpenAPI metadata (`@ApiConsumes`) names nothing else. */
export const DEFAULT_BODY_TYPES = ['application/json'];

export function unsupportedBodyDetail(accepted: readonly string[]): string {
  return accepted.length === 1
    ? `This route takes a body of type ${accepted[0]}; send it with that Content-Type.`
    : `This route takes a body of type ${accepted.slice(0, -1).join(', ')} or ${accepted.at(-1)}; send it with one of those Content-Types.`;
}

/**
 * A body the route cannot read is a 415 naming the types it takes, instead of being skipped by
 * the body parsers and answered as if every field were missing. The route's types are its
 * `@ApiConsumes` (default JSON): what the OpenAPI document says is what is enforced. A request
 * without a body (no Content-Length, or 0, and no Transfer-Encoding) passes whatever its type.
 */
@Injectable()
export class BodyTypeInterceptor implements NestInterceptor {
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) !== 0;
    if (!hasBody) return next.handle();
    const accepted = this.reflector.getAllAndOverride<string[] | undefined>(DECORATORS.API_CONSUMES, [context.getHandler(), context.getClass()]) ?? DEFAULT_BODY_TYPES;
    if (request.is(accepted)) return next.handle();
    throw new ProblemException(
      'unsupported-media-type',
      unsupportedBodyDetail(accepted),
      { accepted, errors: [{ field: 'Content-Type', message: `Content-Type must be ${accepted.join(' or ')}` }] },
      { Accept: accepted.join(', ') },
    );
  }
}
