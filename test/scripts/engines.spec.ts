import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import semver from 'semver';
import { ROOT } from '../support/processes';

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};
const supported = manifest.engines.node;

describe('supported Node.js versions', () => {
  it('are what the README states, and include the Node.js running this test (CI and the developer machines)', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`\`${supported}\``);
    expect(semver.satisfies(process.version, supported)).toBe(true);
  });

  // npm prints EBADENGINE for an installed package whose engines.node excludes the running Node;
  // a package whose range covers all of ours never warns on a supported version.
  it('are accepted by every package npm installs (no EBADENGINE warning)', () => {
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .map(([path, entry]) => ({ path, version: entry.version, node: Array.isArray(entry.engines) ? undefined : entry.engines?.node }))
      .filter((entry): entry is { path: string; version: string | undefined; node: string } => typeof entry.node === 'string')
      .filter((entry) => !semver.subset(supported, entry.node));
    expect(refusing).toEqual([]);
  });
});
