import { configureHttpApp, createOpenApiDocument, loadConfig } from '@app/platform';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ENTITIES, MIGRATIONS } from '../../migrations';
import { ApiModule, type ApiModuleOptions } from './api.module';

/** Builds the HTTP application (not yet listening); main.ts and the e2e tests both use it. */
export async function createApiApp(options: ApiModuleOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(options), {
    bodyParser: false,
    bufferLogs: true,
  });
  configureHttpApp(app);
  return app;
}

/**
 * The api's OpenAPI document without running it: Nest's preview mode reads the modules' routes
 * and decorators but instantiates nothing, so no database, keyring or port is touched.
 * `npm run docs:api` writes docs/api.md from it; a test checks it equals the served /docs-json.
 */
export async function createOfflineOpenApiDocument(): Promise<OpenAPIObject> {
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent' });
  const options = { config, database: { url: 'postgres://preview.invalid/none', migrations: MIGRATIONS, entities: ENTITIES } };
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(options), { preview: true, logger: false, bodyParser: false });
  try {
    return createOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
