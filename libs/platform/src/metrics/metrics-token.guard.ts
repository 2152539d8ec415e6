import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '../config/app-config';
import { UnauthorizedProblem } from '../http/problem';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * With METRICS_TOKEN set, /metrics needs `Authorization: Bearer <METRICS_TOKEN>`; without it the
 * route stays open (a scraper on a private network). Both sides are hashed first, so the
 * comparison takes the same time whatever the length or content of the presented token.
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(@Inject(AppConfig) config: AppConfig) {
    this.expected = config.METRICS_TOKEN ? digest(config.METRICS_TOKEN) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) return true;
    const http = context.switchToHttp();
    const header = http.getRequest<Request>().headers.authorization ?? '';
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() === 'bearer' && token && timingSafeEqual(digest(token), this.expected)) return true;
    http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
    throw new UnauthorizedProblem('/metrics needs the bearer token configured in METRICS_TOKEN.');
  }
}
