import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { ProblemDetailsFilter } from '../http/problem-details.filter';
import { createValidationPipe } from '../http/validation';
import { MetricsRegistry } from '../metrics/http-metrics';
import { createOpenApiDocument } from '../openapi/openapi-document';

/** Bulk enrollment takes up to 10,000 customers in one body. */
export const BODY_LIMIT = '25mb';

/** Everything an HTTP app needs besides its modules; main.ts and the e2e tests share it. */
export function configureHttpApp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.useLogger(app.get(Logger));
  // PATCH /v1/customers/:id is a JSON Merge Patch; clients may say so with its media type.
  express.useBodyParser('json', { type: ['application/json', 'application/merge-patch+json'], limit: BODY_LIMIT });
  // Bulk enrollment also takes CSV, as bytes: the route decodes the charsets it supports and
  // refuses bytes that do not decode (a text parser would store U+FFFD for them).
  express.useBodyParser('raw', { type: ['text/csv'], limit: BODY_LIMIT });
  express.disable('x-powered-by');
  express.use(app.get(MetricsRegistry).middleware());
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());

  SwaggerModule.setup('docs', app, createOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}
