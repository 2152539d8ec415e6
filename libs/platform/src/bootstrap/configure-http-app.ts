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
  express.useBodyParser('json', { limit: BODY_LIMIT });
  // Bulk enrollment also takes CSV.
  express.useBodyParser('text', { type: ['text/csv'], limit: BODY_LIMIT });
  express.disable('x-powered-by');
  express.use(app.get(MetricsRegistry).middleware());
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Campaign ledger')
      .setDescription('Event-sourced sales campaigns with crypto-shredding erasure. See API.md for the contract.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
