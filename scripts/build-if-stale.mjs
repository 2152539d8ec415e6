// Runs scripts/build.mjs unless dist/ is fresh: built (its stamp written) after the last change to
// any file or folder under apps/ and libs/ and to the build script itself. A folder's time moves
// when a file in it is added, renamed or deleted, so those count as changes too.
// `--check` only reports ('fresh' or 'stale', exit 0 or 1); `--root <dir>` checks another tree.
import { spawnSync } from 'node:child_process';
import { readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const rootAt = args.indexOf('--root');
const root = rootAt >= 0 ? resolve(args[rootAt + 1]) : resolve(dirname(fileURLToPath(import.meta.url)), '..');
const checkOnly = args.includes('--check');

async function newestChange() {
  let newest = 0;
  const note = async (path) => {
    const { mtimeMs } = await stat(path).catch(() => ({ mtimeMs: 0 }));
    newest = Math.max(newest, mtimeMs);
  };
  await note(join(root, 'scripts', 'build.mjs'));
  for (const top of ['apps', 'libs']) {
    await note(join(root, top));
    const entries = await readdir(join(root, top), { withFileTypes: true, recursive: true }).catch(() => []);
    await Promise.all(entries.filter((e) => e.isDirectory() || e.name.endsWith('.ts')).map((e) => note(join(e.parentPath, e.name))));
  }
  return newest;
}

async function builtAt() {
  const text = await readFile(join(root, 'dist', '.build-started'), 'utf8').catch(() => '');
  return Number(text.trim()) || 0;
}

const [changed, built] = await Promise.all([newestChange(), builtAt()]);
const fresh = built > 0 && changed < built;
if (checkOnly) {
  process.stdout.write(`${fresh ? 'fresh' : 'stale'}\n`);
  process.exit(fresh ? 0 : 1);
}
if (!fresh) {
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
