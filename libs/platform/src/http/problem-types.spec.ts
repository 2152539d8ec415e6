import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { FRAMEWORK_PROBLEMS } from './problem-details.filter';
import { PROBLEM_SLUGS, PROBLEM_TYPE_BASE, PROBLEM_TYPES } from './problem-types';

// The catalogue is the only source of problem types: the code throws by its keys (the types of
// ProblemException and DomainError enforce it; this reads the source for what a cast could hide),
// and every key is thrown somewhere, so no type lives in one place only.

const root = process.cwd();
const sources = ['apps', 'libs']
  .flatMap((dir) => readdirSync(join(root, dir), { recursive: true, withFileTypes: true }).map((entry) => join(entry.parentPath, entry.name)))
  .filter((path) => path.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(path))
  .map((path) => ({ path: relative(root, path), text: readFileSync(path, 'utf8') }));
const catalogue = 'libs/platform/src/http/problem-types.ts';

/** `new ProblemException('slug'`, `new DomainError('kind', 'slug'` (not `invalid`: its code is a rule), and the filter's framework map. */
function thrownSlugs(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (slug: string, path: string) => found.set(slug, [...(found.get(slug) ?? []), path]);
  for (const { path, text } of sources) {
    for (const match of text.matchAll(/new ProblemException\(\s*'([^']+)'/g)) add(match[1], path);
    for (const match of text.matchAll(/new DomainError\(\s*'(?!invalid')[^']+',\s*'([^']+)'/g)) add(match[1], path);
    for (const match of text.matchAll(/super\(\s*'([^']+)'/g)) if (path.endsWith('http/problem.ts')) add(match[1], path);
  }
  for (const slug of Object.values(FRAMEWORK_PROBLEMS)) add(slug!, 'libs/platform/src/http/problem-details.filter.ts');
  return found;
}

describe('problem type catalogue', () => {
  it('is the only place problem type URIs are written', () => {
    const offenders = sources.filter(({ path, text }) => path !== catalogue && text.includes(PROBLEM_TYPE_BASE)).map(({ path }) => path);
    expect(offenders).toEqual([]);
  });

  it('holds every type the code throws, and the code throws every type it holds', () => {
    const thrown = thrownSlugs();
    const unknown = [...thrown].filter(([slug]) => !(PROBLEM_SLUGS as string[]).includes(slug));
    expect(unknown).toEqual([]);
    expect(PROBLEM_SLUGS.filter((slug) => !thrown.has(slug))).toEqual([]);
  });

  it('gives every type an error status, a title, a meaning and an example detail', () => {
    for (const [slug, spec] of Object.entries(PROBLEM_TYPES)) {
      expect({ slug, slug_ok: /^[a-z][a-z-]*[a-z]$/.test(slug) }).toEqual({ slug, slug_ok: true });
      expect({ slug, status: spec.status >= 400 && spec.status < 600, title: spec.title.length > 0, meaning: /\.$/.test(spec.meaning), detail: spec.detail.length > 0 }).toEqual({
        slug,
        status: true,
        title: true,
        meaning: true,
        detail: true,
      });
    }
  });

  it('maps each framework status to a type of that status', () => {
    for (const [status, slug] of Object.entries(FRAMEWORK_PROBLEMS)) expect({ slug, status: PROBLEM_TYPES[slug!].status }).toEqual({ slug, status: Number(status) });
  });
});
