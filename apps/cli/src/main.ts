import 'reflect-metadata';
import { ConfigError, loadConfig } from '@app/platform';
import { CommandFactory } from 'nest-commander';
import { CliModule, PROGRAM } from './cli.module';

/** Every failure is one line on stderr and exit code 1, so `TOKEN=$(...)` can tell. */
function fail(message: string): void {
  process.stderr.write(`${PROGRAM}: ${message}\n`);
  process.exitCode = 1;
}

async function main(): Promise<void> {
  if (process.argv.length <= 2) return fail(`a command is required; '${PROGRAM} --help' lists them`);
  const config = loadConfig(process.env);
  // No errorHandler: commander then exits by itself, 0 after help and 1 after a usage error
  // it has printed through outputError (an errorHandler that printed too said it twice).
  await CommandFactory.run(CliModule.forRoot(config), {
    logger: ['error', 'warn'],
    outputConfiguration: {
      outputError: (text, write) => write(`${PROGRAM}: ${text.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim()}\n`),
    },
    // What a command's run() throws: a refused option value, or anything unexpected.
    serviceErrorHandler: (error) => fail(error.message),
  });
}

main().catch((error: unknown) => {
  fail(`${error instanceof ConfigError ? 'configuration error: ' : ''}${error instanceof Error ? error.message : String(error)}`);
});
