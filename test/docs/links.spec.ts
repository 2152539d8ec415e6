import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';

// A clone has only the repository: the README and docs/ may point only at files in it.

const root = process.cwd();
const documents = ['README.md', ...readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' }).filter((path) => path.endsWith('.md')).map((path) => join('docs', path))];

describe('documentation links', () => {
  it.each(documents)('%s links only to files in the repository', (document) => {
    const text = readFileSync(join(root, document), 'utf8');
    const targets = [...text.matchAll(/\]\(([^)\s#]+)(#[^)]*)?\)/g)].map((match) => match[1]).filter((target) => !/^[a-z]+:/i.test(target));
    const outside = targets.filter((target) => {
      const path = normalize(join(dirname(document), target));
      return relative(root, join(root, path)).startsWith('..') || !existsSync(join(root, path));
    });
    expect(outside).toEqual([]);
    // Nor in prose: paths out of the repository, like the brief's ../shared/ folder.
    expect(text.match(/\.\.\/shared\/\S*/g) ?? []).toEqual([]);
  });
});
