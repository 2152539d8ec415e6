import 'reflect-metadata';
import { CryptoShreddingModule, cryptoShreddingOptions } from '@app/crypto-shredding';
import { EventStoreModule } from '@app/event-store';
import { PlatformModule, runHost } from '@app/platform';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ENTITIES, MIGRATIONS } from '../../migrations';
import { WorkerModule } from './worker.module';

void runHost('worker', async ({ config, databaseUrl }) => {
  @Module({
    imports: [PlatformModule.forRoot({ config, database: { url: databaseUrl, migrations: MIGRATIONS, entities: ENTITIES, applicationName: 'campaign-ledger-worker' } }),
      CryptoShreddingModule.forRoot(cryptoShreddingOptions(config)),
      EventStoreModule.forRoot(),
      WorkerModule,
    ],
  })
  class WorkerHostModule {}

  const app = await NestFactory.createApplicationContext(WorkerHostModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  await app.init();
  app.get(Logger).log('worker started');
  return app;
});
