// Transpiles apps/ and libs/ to dist/ with SWC (type checking is `npm run typecheck`).
// `@app/<lib>` imports are rewritten to relative paths so plain `node` can run the output.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformFile } from '@swc/core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist');

async function sourcesUnder(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

const started = Date.now();
await rm(outDir, { recursive: true, force: true });
const files = (await Promise.all(['apps', 'libs'].map((d) => sourcesUnder(join(root, d))))).flat();
await Promise.all(
  files.map(async (file) => {
    const { code, map } = await transformFile(file, {
      swcrc: false,
      sourceMaps: true,
      module: { type: 'commonjs', resolveFully: true },
      jsc: {
        target: 'es2023',
        baseUrl: root,
        paths: { '@app/*': ['libs/*/src/index.ts'] },
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        keepClassNames: true,
      },
    });
    const target = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
    if (map) await writeFile(`${target}.map`, map);
  }),
);
// Last, so an interrupted build leaves no stamp: scripts/build-if-stale.mjs compares sources with
// the time this build started (a source saved during the build counts as newer).
await writeFile(join(outDir, '.build-started'), `${started}\n`);
process.stderr.write(`built ${files.length} files into dist/ in ${Date.now() - started} ms\n`);
