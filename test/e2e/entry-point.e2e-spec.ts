import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMBEDDED_DATABASE, loadConfig } from '@app/platform';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { freePort } from '../support/free-port';
import { builtEntry, cleanEnv, ROOT, runToEnd, start, waitForHttp } from '../support/processes';

async function postgresAnswers(port: number): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch (error) {
    // A refused connection means nothing listens; an auth error would mean it still runs.
    return (error as { code?: string }).code !== 'ECONNREFUSED';
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The messages of the JSON log lines a process wrote to stdout. */
function logMessages(stdout: string): { msg: string; level: number; url?: string }[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg: string; level: number; req?: { url?: string } })
    .map(({ msg, level, req }) => ({ msg, level, url: req?.url }));
}

describe('the real entry point (npm start) on embedded PostgreSQL', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'campaign-ledger-start-'));
    await chmod(dataDir, 0o711);
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  const boot = async () => {
    const [port, pgPort] = [await freePort(), await freePort()];
    const env = cleanEnv({ DATA_DIR: join(dataDir, 'data'), PORT: String(port), EMBEDDED_PG_PORT: String(pgPort), LOG_FORMAT: 'json' });
    const run = start([builtEntry('api'), '--with-worker'], env);
    const took = await waitForHttp(`http://127.0.0.1:${port}/health`, 60_000, run.exited).catch((error: Error) => {
      run.child.kill('SIGKILL');
      throw new Error(`${error.message}\n${run.output()}`);
    });
    return { ...run, port, pgPort, took };
  };

  it('starts on an empty DATA_DIR, answers /health, and on SIGTERM stops itself and its PostgreSQL cleanly', async () => {
    const first = await boot();
    expect(first.took).toBeLessThan(60_000);
    expect(existsSync(join(dataDir, 'data', 'pg', 'PG_VERSION'))).toBe(true);
    expect(await postgresAnswers(first.pgPort)).toBe(true);

    first.child.kill('SIGTERM');
    const finished = await first.exited;
    expect({ code: finished.code, signal: finished.signal }).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dataDir, 'data', 'pg', 'postmaster.pid'))).toBe(false);
    expect(await postgresAnswers(first.pgPort)).toBe(false);

    // One line when the app has drained, one when its PostgreSQL has stopped, in that order, last.
    const messages = logMessages(finished.stdout).map((entry) => entry.msg);
    expect(messages.slice(-2)).toEqual([
      expect.stringMatching(/^api\+worker stopped on SIGTERM: requests drained and connections closed in \d+ ms$/),
      'embedded PostgreSQL stopped',
    ]);
    // waitForHttp polled /health until it answered: at the default level (info) none of it is logged.
    expect(logMessages(finished.stdout).filter((entry) => entry.url === '/health')).toEqual([]);
  }, 90_000);

  it('starts again on the same DATA_DIR (warm start keeps the cluster and its password)', async () => {
    const second = await boot();
    const health = await (await fetch(`http://127.0.0.1:${second.port}/health`)).json();
    expect(health).toMatchObject({ status: 'ok' });
    second.child.kill('SIGINT');
    const finished = await second.exited;
    expect(finished.code).toBe(0);
    expect(logMessages(finished.stdout).map((entry) => entry.msg).slice(-2)).toEqual([
      expect.stringMatching(/^api\+worker stopped on SIGINT: /),
      'embedded PostgreSQL stopped',
    ]);
  }, 90_000);

  it("the README's psql parameters reach the service's database, and its analyst role reads analytics and nothing else", async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const command = /PGPASSWORD="\$\(cat \.data\/pg-password\)" psql -h (\S+) -p (\d+) -U (\S+) (\S+)/.exec(readme);
    expect(command).not.toBeNull();
    const [, host, port, user, database] = command!;
    expect({ host, port: Number(port), database }).toEqual({ host: '127.0.0.1', port: loadConfig({}).EMBEDDED_PG_PORT, database: EMBEDDED_DATABASE });
    const roleSql = /```sql\n(CREATE ROLE analyst [\s\S]*?)```/.exec(readme)?.[1];
    expect(roleSql).toMatch(/IN ROLE analytics_reader/);

    const run = await boot();
    // This run's cluster listens on a free port rather than the default.
    const password = (await readFile(join(dataDir, 'data', 'pg-password'), 'utf8')).trim();
    const admin = new pg.Client({ host, port: run.pgPort, user, password, database });
    const analyst = new pg.Client({ host, port: run.pgPort, user: 'analyst', password: 'analyst-test-password', database });
    try {
      await admin.connect();
      await admin.query(roleSql!.replace('choose-one', 'analyst-test-password'));
      // A campaign of the mapped controller and one of another, as the projection writes them.
      await admin.query(
        `INSERT INTO analytics.campaigns (campaign_id, controller_id, currency, time_zone, starts_on, ends_on, status, created_at)
         VALUES (gen_random_uuid(), 'telco-no', 'NOK', 'Europe/Oslo', '2026-12-01', '2026-12-31', 'active', now()),
                (gen_random_uuid(), 'someone-else', 'NOK', 'Europe/Oslo', '2026-12-01', '2026-12-31', 'active', now())`,
      );
      await analyst.connect();
      expect((await analyst.query('SELECT controller_id FROM analytics.campaigns')).rows).toEqual([{ controller_id: 'telco-no' }]);
      await expect(analyst.query('SELECT count(*) FROM es.events')).rejects.toMatchObject({ code: '42501' });
      await expect(analyst.query('SELECT count(*) FROM crypto.data_keys')).rejects.toMatchObject({ code: '42501' });
    } finally {
      await analyst.end().catch(() => undefined);
      await admin.query("DELETE FROM analytics.campaigns; DELETE FROM analytics.reader_scopes WHERE role_name = 'analyst'; DROP OWNED BY analyst; DROP ROLE IF EXISTS analyst").catch(() => undefined);
      await admin.end().catch(() => undefined);
      run.child.kill('SIGTERM');
      await run.exited;
    }
  }, 90_000);

  it('the CLI reaches the running service\'s embedded database through DATA_DIR alone, whatever port this shell names', async () => {
    const run = await boot();
    try {
      // No EMBEDDED_PG_PORT: the default port, which is not the one this service's PostgreSQL listens on.
      const status = runToEnd([builtEntry('cli'), 'projections', 'status'], cleanEnv({ DATA_DIR: join(dataDir, 'data'), LOG_LEVEL: 'warn' }), 60_000);
      expect({ code: status.code, stderr: status.stderr }).toEqual({ code: 0, stderr: '' });
      expect(status.stdout.split('\n')[0]).toMatch(/^projection\s+status/);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  }, 90_000);

  it('refuses a port in use with one line, before creating DATA_DIR or starting PostgreSQL', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const result = runToEnd(
        [builtEntry('api'), '--with-worker'],
        cleanEnv({ DATA_DIR: join(dataDir, 'port-taken'), PORT: String(port), EMBEDDED_PG_PORT: String(await freePort()), LOG_FORMAT: 'json' }),
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`api+worker: failed to start: port ${port} is already in use: stop what listens on it, or set PORT to a free port\n`);
      expect(result.stdout).toBe('');
      expect(existsSync(join(dataDir, 'port-taken'))).toBe(false);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('refuses a bad setting with one line naming the variable, and no stack trace', () => {
    const result = runToEnd([builtEntry('api')], cleanEnv({ DATA_DIR: join(dataDir, 'unused'), PORT: 'eighty' }));
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^api: configuration error: PORT /);
    expect(existsSync(join(dataDir, 'unused'))).toBe(false);
  });

  it('in production, a missing keyring stops the start with one line, and no keyring is generated', () => {
    const keyringFile = join(dataDir, 'secrets', 'keyring.json');
    const result = runToEnd(
      [builtEntry('api')],
      cleanEnv({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), KEYRING_FILE: keyringFile, DATA_DIR: join(dataDir, 'prod'), EMBEDDED_PG_PORT: String(54000 + Math.floor(Math.random() * 900)) }),
      60_000,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`keyring file ${keyringFile} does not exist`);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(keyringFile)).toBe(false);
  }, 60_000);

  it('refuses the development JWT secret in production', () => {
    const result = runToEnd([builtEntry('api')], cleanEnv({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@127.0.0.1:1/db' }));
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('api: configuration error: JWT_SECRET or JWT_PUBLIC_KEY must be set when NODE_ENV=production');
  });
});
