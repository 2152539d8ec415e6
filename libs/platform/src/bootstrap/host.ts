import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { type AppConfig, ConfigError, loadConfig } from '../config/app-config';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../database/embedded-postgres';

export interface HostContext {
  config: AppConfig;
  /** DATABASE_URL, or the embedded server's when it is unset. */
  databaseUrl: string;
}

export interface RunningHost {
  close(): Promise<void>;
  /** Writes one line to the app's log (the shutdown lines). */
  log(message: string): void;
}

export interface HostOptions {
  /** The host serves HTTP on PORT: the port is checked before anything else happens. */
  http?: boolean;
}

export const EMBEDDED_DATABASE = 'campaign_ledger';
const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs a host process: validated config, the HTTP port checked free, embedded PostgreSQL when
 * DATABASE_URL is unset, and an orderly stop on a signal (application first, then its
 * database, one log line each). Start-up failures print one line and exit 1.
 */
export async function runHost(name: string, start: (context: HostContext) => Promise<RunningHost>, options: HostOptions = {}): Promise<void> {
  let embedded: EmbeddedPostgres | undefined;
  let host: RunningHost | undefined;
  let stopping = false;

  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const began = Date.now();
    try {
      if (host) {
        await host.close();
        host.log(`${name} stopped on ${signal}: requests drained and connections closed in ${Date.now() - began} ms`);
      }
    } finally {
      if (embedded) {
        await embedded.stop();
        host?.log('embedded PostgreSQL stopped');
      }
    }
    process.exit(0);
  };
  for (const signal of SHUTDOWN_SIGNALS) {
    process.on(signal, () => {
      void stop(signal).catch((error: unknown) => fail(name, 'failed to stop', error));
    });
  }

  try {
    const config = loadConfig(process.env);
    // Before any side effect (a new DATA_DIR, a PostgreSQL cluster, a generated keyring).
    if (options.http) await assertPortFree(config.PORT);
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      embedded = await startEmbeddedPostgres({ dataDir: config.DATA_DIR, port: config.EMBEDDED_PG_PORT });
      databaseUrl = await embedded.ensureDatabase(EMBEDDED_DATABASE);
    }
    host = await start({ config, databaseUrl });
  } catch (error) {
    await embedded?.stop().catch(() => undefined);
    fail(name, 'failed to start', error);
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
  const logger = app.get(Logger);
  return { close: () => app.close(), log: (message) => logger.log(message, 'Host') };
}

/** Binds the port as the HTTP server will (every interface) and lets it go. */
async function assertPortFree(port: number): Promise<void> {
  if (port === 0) return;
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, resolve);
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'EADDRINUSE'
        ? `port ${port} is already in use: stop what listens on it, or set PORT to a free port`
        : `cannot listen on port ${port} (${code ?? String(error)}): set PORT to a port this user may open`,
      { cause: error },
    );
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function fail(name: string, what: string, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${name}: ${error instanceof ConfigError ? 'configuration error' : what}: ${message}\n`);
  if (!(error instanceof ConfigError) && process.env.LOG_LEVEL === 'debug' && error instanceof Error) {
    process.stderr.write(`${error.stack ?? ''}\n`);
  }
  process.exit(1);
}

export interface ToolDatabase {
  url: string;
  /** Stops the embedded server when this process started it; nothing otherwise. */
  release(): Promise<void>;
}

/**
 * The database a command-line tool works on: DATABASE_URL; else the embedded server of a running
 * service (`npm start`), reached with the password in DATA_DIR; else the embedded server started
 * for the tool's own run and stopped after it.
 */
export async function toolDatabase(config: AppConfig): Promise<ToolDatabase> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, release: async () => undefined };
  const pidFile = join(config.DATA_DIR, 'pg', 'postmaster.pid');
  if (existsSync(pidFile)) {
    // The running server's own port (line 4 of postmaster.pid), whatever EMBEDDED_PG_PORT this shell has.
    const port = Number((await readFile(pidFile, 'utf8')).split('\n')[3]) || config.EMBEDDED_PG_PORT;
    const password = (await readFile(join(config.DATA_DIR, 'pg-password'), 'utf8')).trim();
    return { url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`, release: async () => undefined };
  }
  const embedded = await startEmbeddedPostgres({ dataDir: config.DATA_DIR, port: config.EMBEDDED_PG_PORT });
  return { url: await embedded.ensureDatabase(EMBEDDED_DATABASE), release: () => embedded.stop() };
}
