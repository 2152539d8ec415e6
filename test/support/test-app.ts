import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type AppConfig, loadConfig } from '@app/platform';
import type { INestApplication, Type } from '@nestjs/common';
import request from 'supertest';
import { createApiApp } from '../../apps/api/src/api.app';
import { ENTITIES, MIGRATIONS } from '../../apps/migrations';
import { createTestDatabase, type TestDatabase } from './test-database';

export const TEST_JWT_SECRET = 'test-secret-for-the-e2e-suite-0123456789';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  database: TestDatabase;
  http: ReturnType<typeof request>;
  /** Every log line the app wrote, in order. */
  logLines: string[];
  close(): Promise<void>;
}

/** The real API app on its own database, listening on an ephemeral port, with the log captured. */
export async function startTestApp(options: { env?: Record<string, string>; extraModules?: Type[]; withWorker?: boolean } = {}): Promise<TestApp> {
  // Each app gets its own DATA_DIR, so its development keyring and erasure ledger are its own.
  const dataDir = await mkdtemp(join(tmpdir(), 'campaign-ledger-app-'));
  await chmod(dataDir, 0o700);
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'info', DATA_DIR: dataDir, ...options.env });
  const database = await createTestDatabase();
  const logLines: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const app = await createApiApp({
    config,
    database: { url: database.url, migrations: MIGRATIONS, entities: ENTITIES, poolSize: 4 },
    logDestination,
    extraModules: options.extraModules,
    withWorker: options.withWorker,
  });
  await app.listen(0, '127.0.0.1');
  return {
    app,
    config,
    database,
    http: request(app.getHttpServer()),
    logLines,
    close: async () => {
      await app.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
