import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { ProblemDetailsFilter } from '../http/problem-details.filter';
import { createValidationPipe } from '../http/validation';
import { MetricsRegistry } from '../metrics/http-metrics';

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

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Campaign ledger')
      .setDescription(
        [
          'Event-sourced sales campaigns with crypto-shredding erasure: personal fields are sealed per customer and campaign, and erasure destroys keys.',
          '',
          'Every /v1 route needs a bearer token (Authorize, above) with `roles` and `controllers` claims. In development print one with',
          '`npm run cli -- token --role service --controller <id>`. Errors are RFC 9457 problem+json. Commands accept an `Idempotency-Key`',
          'header and return a `position`; pass it as `waitFor` on a GET to read your own write.',
        ].join('\n'),
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
