import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** One registry per application instance (no global state): default process metrics plus HTTP timings. */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Express middleware; labels use the route template, never the raw path, so ids stay out. */
  middleware() {
    return (request: Request, response: Response, next: NextFunction) => {
      const stop = this.httpDuration.startTimer();
      response.on('finish', () => {
        const route = request.route?.path ? `${request.baseUrl}${String(request.route.path)}` : 'unmatched';
        stop({ method: request.method, route, status_code: String(response.statusCode) });
      });
      next();
    };
  }
}
