import { Writable } from 'node:stream';
import { ProjectionWorker } from '@app/analytics';
import { CryptoShreddingModule, cryptoShreddingOptions } from '@app/crypto-shredding';
import { EventStoreModule, SealedEventStoreModule, type SubscriptionRunner } from '@app/event-store';
import { type AppConfig, PlatformModule } from '@app/platform';
import { type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ENTITIES, MIGRATIONS } from '../../apps/migrations';
import { WorkerModule } from '../../apps/worker/src/worker.module';

export interface WorkerContext {
  app: INestApplicationContext;
  /** Its runner of each projection (campaigns, sales, activity). */
  runners: readonly SubscriptionRunner[];
  close(): Promise<void>;
}

/**
 * A worker host as apps/worker builds it, in this process, against an existing database: another
 * instance competing for the projections' leadership. Give it the api's config so it shares the
 * keyring folder, as worker and api share a volume in docker compose. Log lines go to `logLines`.
 */
export async function startWorkerContext(config: AppConfig, databaseUrl: string, logLines: string[]): Promise<WorkerContext> {
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });

  @Module({
    imports: [
      PlatformModule.forRoot({
        config,
        database: { url: databaseUrl, migrations: MIGRATIONS, entities: ENTITIES, poolSize: 4, applicationName: 'campaign-ledger-worker' },
        logDestination,
      }),
      CryptoShreddingModule.forRoot(cryptoShreddingOptions(config)),
      EventStoreModule.forRoot(),
      SealedEventStoreModule.forRoot(),
      WorkerModule,
    ],
  })
  class WorkerTestModule {}

  const app = await NestFactory.createApplicationContext(WorkerTestModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  await app.init();
  return { app, runners: app.get(ProjectionWorker).projectionRunners, close: () => app.close() };
}
