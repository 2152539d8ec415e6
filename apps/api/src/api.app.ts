import { configureHttpApp } from '@app/platform';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
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
