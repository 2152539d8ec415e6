import 'reflect-metadata';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { renderApiReference } from '@app/platform';
import { createOfflineOpenApiDocument } from './api.app';

// `npm run docs:api`: rewrites the generated sections of docs/api.md and the files of
// docs/examples/ from the OpenAPI document. `--check` writes nothing and fails when they differ.

const API_MD = 'docs/api.md';

async function main(): Promise<void> {
  const root = process.cwd();
  const check = process.argv.includes('--check');
  const current = await readFile(join(root, API_MD), 'utf8');
  const { markdown, files } = renderApiReference(await createOfflineOpenApiDocument(), current);
  const wanted: Record<string, string> = { [API_MD]: markdown, ...files };
  const stale: string[] = [];
  for (const [path, text] of Object.entries(wanted)) {
    const existing = await readFile(join(root, path), 'utf8').catch(() => undefined);
    if (existing === text) continue;
    stale.push(path);
    if (!check) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
  }
  if (check && stale.length > 0) {
    process.stderr.write(`out of date (run npm run docs:api): ${stale.join(', ')}\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write(stale.length > 0 ? `wrote ${stale.join(', ')}\n` : 'docs are up to date\n');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
