import 'reflect-metadata';
import { ConfigError, loadConfig } from '@app/platform';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli.module';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  await CommandFactory.run(CliModule.forRoot(config), {
    logger: ['error', 'warn'],
    errorHandler: (error) => {
      process.stderr.write(`cli: ${error.message}\n`);
      process.exit(1);
    },
  });
}

main().catch((error: unknown) => {
  const prefix = error instanceof ConfigError ? 'configuration error: ' : '';
  process.stderr.write(`cli: ${prefix}${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
