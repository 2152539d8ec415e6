import { type AppConfig, PlatformModule, toolDatabase } from '@app/platform';
import { type DynamicModule, type INestApplicationContext, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ENTITIES, MIGRATIONS } from '../../migrations';

/**
 * Runs `work` in a Nest context of the platform plus `modules`, on the tool's database (see
 * toolDatabase), with the log kept to warnings on stderr so stdout carries only the answer.
 */
export async function withAppContext<T>(config: AppConfig, modules: (Type | DynamicModule)[], work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const database = await toolDatabase(config);
  try {
    @Module({
      imports: [
        PlatformModule.forRoot({
          config,
          database: { url: database.url, migrations: MIGRATIONS, entities: ENTITIES, applicationName: 'campaign-ledger-cli', poolSize: 4 },
          logDestination: process.stderr,
        }),
        ...modules,
      ],
    })
    class CliHostModule {}
    const app = await NestFactory.createApplicationContext(CliHostModule, { logger: ['error', 'warn'] });
    try {
      await app.init();
      return await work(app);
    } finally {
      await app.close();
    }
  } finally {
    await database.release();
  }
}
