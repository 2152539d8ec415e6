import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, startEmbeddedPostgres } from '@app/platform';
import pg from 'pg';
import { MIGRATIONS } from '../../apps/migrations';
import { freePort } from './free-port';
import { TEMPLATE_DATABASE, TEST_ADMIN_URL_ENV } from './test-database';

/**
 * One PostgreSQL for the whole run (embedded, under the OS temporary directory, or
 * TEST_DATABASE_URL), with a template database migrated once; each test file clones it.
 */
export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const dataDir = await mkdtemp(join(tmpdir(), 'campaign-ledger-test-'));
    await chmod(dataDir, 0o711); // PostgreSQL runs as 'postgres' under root and must enter it
    const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), ephemeral: true });
    (globalThis as { __embeddedPostgres__?: unknown }).__embeddedPostgres__ = { server, dataDir };
    adminUrl = server.adminUrl;
  }
  process.env[TEST_ADMIN_URL_ENV] = adminUrl;

  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const template = await openDatabase({ url: withDatabase(adminUrl, TEMPLATE_DATABASE), migrations: MIGRATIONS });
  await template.destroy();
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
