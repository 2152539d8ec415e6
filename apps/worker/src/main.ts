import 'reflect-metadata';
import { CryptoShreddingModule, cryptoShreddingOptions } from '@app/crypto-shredding';
import { EventStoreModule, SealedEventStoreModule } from '@app/event-store';
import { PlatformModule, runHost, serveOrClose } from '@app/platform';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ENTITIES, MIGRATIONS } from '../../migrations';
import { WorkerModule } from './worker.module';

void runHost('worker', async ({ config, databaseUrl }) => {
  @Module({
    imports: [PlatformModule.forRoot({ config, database: { url: databaseUrl, migrations: MIGRATIONS, entities: ENTITIES, applicationName: 'campaign-ledger-worker' } }),
      // Before CryptoShreddingModule, as in the api: the event log's start-up check runs first.
      EventStoreModule.forRoot(),
      CryptoShreddingModule.forRoot(cryptoShreddingOptions(config)),
      // The retention scheduler anonymizes through the campaigns' records (sealed event store).
      SealedEventStoreModule.forRoot(),
      WorkerModule,
    ],
  })
  class WorkerHostModule {}

  // Nest initializes the context as it creates it. Logs stay buffered until the app's own logger
  // takes them: a failed start prints only runHost's one line, not Nest's console dump.
  const app = await NestFactory.createApplicationContext(WorkerHostModule, { bufferLogs: true, autoFlushLogs: false });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  return serveOrClose(app, async () => app.get(Logger).log('worker started'));
});
