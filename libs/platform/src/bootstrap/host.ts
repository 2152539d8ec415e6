import type { INestApplicationContext } from '@nestjs/common';
import { type AppConfig, ConfigError, loadConfig } from '../config/app-config';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../database/embedded-postgres';

export interface HostContext {
  config: AppConfig;
  /** DATABASE_URL, or the embedded server's when it is unset. */
  databaseUrl: string;
}

export interface RunningHost {
  close(): Promise<void>;
}

const EMBEDDED_DATABASE = 'campaign_ledger';
const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs a host process: validated config, embedded PostgreSQL when DATABASE_URL is unset, and an
 * orderly stop on a signal (application first, then its database). Start-up failures print one
 * line and exit 1.
 */
export async function runHost(name: string, start: (context: HostContext) => Promise<RunningHost>): Promise<void> {
  let embedded: EmbeddedPostgres | undefined;
  let host: RunningHost | undefined;
  let stopping = false;

  const stop = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    try {
      await host?.close();
    } finally {
      await embedded?.stop();
    }
    process.exit(exitCode);
  };
  for (const signal of SHUTDOWN_SIGNALS) {
    process.on(signal, () => {
      void stop(0).catch((error: unknown) => fail(name, error));
    });
  }

  try {
    const config = loadConfig(process.env);
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      embedded = await startEmbeddedPostgres({ dataDir: config.DATA_DIR, port: config.EMBEDDED_PG_PORT });
      databaseUrl = await embedded.ensureDatabase(EMBEDDED_DATABASE);
    }
    host = await start({ config, databaseUrl });
  } catch (error) {
    await embedded?.stop().catch(() => undefined);
    fail(name, error);
  }
}

/**
 * Runs `serve` (listen, or init) on an app already built. If it fails, the app is closed before
 * the error goes on to runHost: what its modules opened (LISTEN connections, pools, timers) must
 * not outlive the failed start and report its database stopping.
 */
export async function serveOrClose(app: INestApplicationContext, serve: () => Promise<unknown>): Promise<RunningHost> {
  try {
    await serve();
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}

function fail(name: string, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${name}: ${error instanceof ConfigError ? 'configuration error: ' : 'failed to start: '}${message}\n`);
  if (!(error instanceof ConfigError) && process.env.LOG_LEVEL === 'debug' && error instanceof Error) {
    process.stderr.write(`${error.stack ?? ''}\n`);
  }
  process.exit(1);
}
