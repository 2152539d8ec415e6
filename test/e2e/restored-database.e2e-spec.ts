import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { freePort } from '../support/free-port';
import { builtEntry, cleanEnv, runToEnd } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('the built hosts on a database restored from a logical dump into a younger cluster', () => {
  let database: TestDatabase;
  let dataDir: string;
  let restoredTransaction: bigint;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'campaign-ledger-restored-'));
    await chmod(dataDir, 0o711);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      // As COPY restores it: the transaction id of the source cluster, three epochs ahead of this one.
      const [row] = (
        await client.query(
          `INSERT INTO es.events (transaction_id, stream_id, stream_revision, event_id, type, data, metadata)
           VALUES (((pg_snapshot_xmax(pg_current_snapshot())::text::numeric + 3 * 4294967296)::text)::xid8,
                   'campaign-1', 0, $1, 'CampaignCreated', '{}', '{}')
           RETURNING transaction_id::text AS transaction_id`,
          [randomUUID()],
        )
      ).rows;
      restoredTransaction = BigInt(row.transaction_id);
    } finally {
      await client.end();
    }
  });
  afterAll(async () => {
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each(['api', 'worker'] as const)('%s exits 1 with one line naming the fix, before serving or touching the keyring', async (app) => {
    const appDataDir = join(dataDir, app);
    const port = await freePort();
    const result = runToEnd(
      [builtEntry(app)],
      cleanEnv({ DATABASE_URL: database.url, DATA_DIR: appDataDir, PORT: String(port), LOG_FORMAT: 'json' }),
      60_000,
    );
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^${app}: failed to start: es\\.events holds events of transaction ${restoredTransaction} but this PostgreSQL cluster's next transaction id is \\d+, ` +
          'so readers would never see them .*run "pg_resetwal -e \\d+ -x \\d+ <data directory>".*\\(docs/operations\\.md, "Backups and restore"\\)$',
      ),
    );
    expect(result.stdout).not.toContain('listening on');
    expect(result.stdout).not.toContain('worker started');
    expect(existsSync(join(appDataDir, 'keyring.json'))).toBe(false);
  }, 60_000);
});
