import { mkdtemp, rm, chmod, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigError } from '../config/app-config';
import { assertTraversableByPostgres } from './embedded-postgres';

describe('assertTraversableByPostgres', () => {
  let base: string;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'traverse-'));
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  it('names the parent the postgres user cannot enter, and what to do (as root)', async () => {
    await mkdir(join(base, 'locked', 'inner'), { recursive: true });
    await chmod(base, 0o755);
    await chmod(join(base, 'locked'), 0o700);
    const attempt = () => assertTraversableByPostgres(join(base, 'locked', 'inner', 'pg'), 0);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(`${join(base, 'locked')} (mode 700)`);
    expect(attempt).toThrow(/Set DATA_DIR/);

    await chmod(join(base, 'locked'), 0o711);
    expect(attempt).not.toThrow();
  });

  it('checks nothing when not running as root (PostgreSQL then runs as the caller)', async () => {
    await chmod(join(base, 'locked'), 0o700);
    expect(() => assertTraversableByPostgres(join(base, 'locked', 'inner', 'pg'), 1000)).not.toThrow();
  });
});
