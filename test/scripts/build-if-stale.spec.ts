import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ROOT, runToEnd } from '../support/processes';

/** `npm run cli` builds first only when this says stale (package.json, precli). */
const check = (root: string) => runToEnd([join(ROOT, 'scripts', 'build-if-stale.mjs'), '--check', '--root', root], { PATH: process.env.PATH }).stdout.trim();

describe('scripts/build-if-stale.mjs', () => {
  let root: string;
  const now = Date.now();
  const at = async (path: string, ms: number) => utimes(join(root, path), new Date(ms), new Date(ms));
  const stamp = (ms: number) => writeFile(join(root, 'dist', '.build-started'), `${ms}\n`);

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'build-if-stale-'));
    for (const dir of ['apps/cli/src', 'libs/platform/src', 'scripts', 'dist']) await mkdir(join(root, dir), { recursive: true });
    await writeFile(join(root, 'apps/cli/src/main.ts'), 'export {};\n');
    await writeFile(join(root, 'libs/platform/src/index.ts'), 'export {};\n');
    await writeFile(join(root, 'libs/platform/src/notes.md'), 'not a source\n');
    await writeFile(join(root, 'scripts/build.mjs'), '\n');
    const past = now - 60_000;
    for (const path of ['apps/cli/src/main.ts', 'libs/platform/src/index.ts', 'libs/platform/src/notes.md', 'scripts/build.mjs']) await at(path, past);
    for (const dir of ['apps', 'apps/cli', 'apps/cli/src', 'libs', 'libs/platform', 'libs/platform/src']) await at(dir, past);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('is stale without a finished build, fresh after one that started after every change', async () => {
    expect(check(root)).toBe('stale');
    await stamp(now - 30_000);
    expect(check(root)).toBe('fresh');
  });

  it('is stale once a source under apps/ or libs/, or the build script, changes after the build started', async () => {
    await stamp(now - 30_000);
    for (const path of ['libs/platform/src/index.ts', 'apps/cli/src/main.ts', 'scripts/build.mjs']) {
      await at(path, now - 10_000);
      expect({ path, state: check(root) }).toEqual({ path, state: 'stale' });
      await at(path, now - 60_000);
    }
    // Files the build does not read do not count.
    await at('libs/platform/src/notes.md', now - 10_000);
    expect(check(root)).toBe('fresh');
  });

  it('is stale after a source is added or deleted (its folder changes)', async () => {
    await stamp(now - 30_000);
    await rm(join(root, 'libs/platform/src/index.ts'));
    expect(check(root)).toBe('stale');
  });
});
