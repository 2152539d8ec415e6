import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { issueToken, loadConfig } from '@app/platform';
import { Client } from 'pg';
import { freePort } from '../../support/free-port';
import { builtEntry, cleanEnv, start, waitForHttp } from '../../support/processes';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { TEST_JWT_SECRET } from '../../support/test-app';

// Issue: "SIGKILL a child process running the app in the middle of anonymizing a 20,000-customer
// campaign, restart, repeat the request -> completes; never a customer half done." The api runs
// as a child process (--with-worker) on its own database and DATA_DIR (keyring, erasure ledger).

const CUSTOMERS = 20_000;
const BATCH = 10_000;

describe('anonymizing a campaign when the process is killed mid-transaction', () => {
  let database: TestDatabase;
  let dataDir: string;
  let pg: Client;
  const config = () => loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, DATA_DIR: dataDir });

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'anonymization-crash-'));
    await chmod(dataDir, 0o700);
    pg = new Client({ connectionString: database.url });
    await pg.connect();
  });
  afterAll(async () => {
    await pg.end();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const startApi = async () => {
    const port = await freePort();
    const run = start([builtEntry('api'), '--with-worker'], cleanEnv({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, DATA_DIR: dataDir, DATABASE_URL: database.url, PORT: String(port), LOG_LEVEL: 'warn' }));
    await waitForHttp(`http://127.0.0.1:${port}/health`, 60_000, run.exited).catch((error: Error) => {
      run.child.kill('SIGKILL');
      throw new Error(`${error.message}: ${run.output()}`);
    });
    return { ...run, base: `http://127.0.0.1:${port}` };
  };

  const keyCounts = async (campaignId: string) => {
    const { rows } = await pg.query<{ live: number; destroyed: number }>(
      `SELECT count(*) FILTER (WHERE wrapped IS NOT NULL)::int AS live, count(*) FILTER (WHERE wrapped IS NULL)::int AS destroyed
         FROM crypto.data_keys WHERE campaign_id = $1 AND scope IN ('content', 'reference')`,
      [campaignId],
    );
    return rows[0];
  };

  it('after a SIGKILL inside the transaction nothing is half done; after a restart the same request completes with one certificate', async () => {
    const service = await issueToken(config(), { subject: 'loader', roles: ['service'], controllers: ['*'] });
    const officer = await issueToken(config(), { subject: 'officer-7', roles: ['compliance'], controllers: ['*'] });
    let api = await startApi();
    const call = (base: string, token: string, method: string, path: string, body: unknown) =>
      fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const ok = async (response: Promise<Response>) => {
      const answer = await response;
      if (answer.status >= 300) throw new Error(`${answer.status}: ${await answer.text()}`);
      return answer.json() as Promise<Record<string, unknown>>;
    };

    await ok(call(api.base, service, 'POST', '/v1/controllers', { id: 'ctl-crash', name: 'Telco Norge AS' }));
    await ok(call(api.base, service, 'PUT', '/v1/sellers/s1', { name: 'Ola Selger' }));
    const { campaignId } = (await ok(
      call(api.base, service, 'POST', '/v1/campaigns', {
        controllerId: 'ctl-crash', name: 'Crash broadband', purpose: 'Telemarketing', startsOn: '2026-12-01', endsOn: '2026-12-31', currency: 'NOK',
        products: [{ sku: 'BB-100', name: 'Broadband 100', unitPriceMinor: 49_900 }], budgets: [{ sellerId: 's1', targetMinor: 1_000_000 }],
      }),
    )) as { campaignId: string };
    for (let from = 0; from < CUSTOMERS; from += BATCH) {
      const customers = Array.from({ length: BATCH }, (_, k) => ({ customerRef: `REF-${from + k}`, name: `Person ${from + k}`, email: `p${from + k}@example.no` }));
      await ok(call(api.base, service, 'POST', `/v1/campaigns/${campaignId}/customers`, { customers }));
    }
    expect(await keyCounts(campaignId)).toEqual({ live: 2 * CUSTOMERS, destroyed: 0 });

    const body = { mode: 'full', reasonCode: 'purpose-fulfilled', reference: 'CRASH-1', confirm: 'Crash broadband' };
    const first = call(api.base, officer, 'POST', `/v1/campaigns/${campaignId}/anonymize`, body).then(
      (response) => response.status,
      () => 'connection lost',
    );
    // The anonymizing transaction at work: the keys' UPDATE, the blind-index DELETE, or the audit append after them.
    const seen = Date.now();
    let killedAt: string | null = null;
    while (!killedAt && Date.now() - seen < 30_000) {
      const { rows } = await pg.query<{ query: string }>(
        `SELECT query FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
            AND query ~ '(UPDATE crypto\\.data_keys SET wrapped = NULL|DELETE FROM crypto\\.blind_index|compliance\\.audit_log)'`,
      );
      if (rows.length > 0) {
        api.child.kill('SIGKILL');
        killedAt = rows[0].query.replace(/\s+/g, ' ').slice(0, 60);
      }
    }
    expect(killedAt).not.toBeNull();
    expect((await api.exited).signal).toBe('SIGKILL');
    expect(await first).toBe('connection lost');
    // The server side of the killed connection ends with a rollback; wait for it, then nothing is half done.
    for (let waited = 0; waited < 100; waited += 1) {
      const { rows } = await pg.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`);
      if (rows.length === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await keyCounts(campaignId)).toEqual({ live: 2 * CUSTOMERS, destroyed: 0 });
    expect((await pg.query(`SELECT count(*)::int AS n FROM compliance.certificates`)).rows[0].n).toBe(0);

    api = await startApi();
    try {
      const again = (await ok(call(api.base, officer, 'POST', `/v1/campaigns/${campaignId}/anonymize`, body))) as { certificate: { certificateId: string; customersAffected: number; keysDestroyed: number } };
      expect(again.certificate).toMatchObject({ customersAffected: CUSTOMERS, keysDestroyed: 2 * CUSTOMERS });
      expect(await keyCounts(campaignId)).toEqual({ live: 0, destroyed: 2 * CUSTOMERS });
      const certificates = await pg.query(`SELECT certificate_id FROM compliance.certificates`);
      expect(certificates.rows.map((row) => row.certificate_id)).toEqual([again.certificate.certificateId]);
      const audit = await pg.query(`SELECT count(*)::int AS n FROM compliance.audit_log WHERE action = 'campaign.anonymized'`);
      expect(audit.rows[0].n).toBe(1);
    } finally {
      api.child.kill('SIGTERM');
      await api.exited;
    }
  }, 240_000);
});
