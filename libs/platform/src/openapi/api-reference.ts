import type { OpenAPIObject } from '@nestjs/swagger';
import { ROLES } from '../auth/principal';
import { PROBLEM_SLUGS, PROBLEM_TYPE_BASE, PROBLEM_TYPES } from '../http/problem-types';
import { operationsOf } from './openapi-document';

// docs/api.md is prose around tables written from the OpenAPI document, between markers:
//   <!-- BEGIN GENERATED: routes -->  ...  <!-- END GENERATED: routes -->
// `npm run docs:api` rewrites them; a test fails when the committed file differs. Every route of
// the document is in them, so a route added to any module shows up without editing a list.

export interface ApiReference {
  /** docs/api.md with its generated sections rewritten. */
  markdown: string;
  /** Example files by path (docs/examples/<name>), from the document's request examples. */
  files: Record<string, string>;
}

type Operation = {
  summary?: string;
  description?: string;
  requestBody?: { content?: Record<string, { schema?: { description?: string }; example?: unknown }> };
  'x-roles'?: string[];
  'x-public'?: boolean;
  'x-problem-types'?: string[];
};

export const EXAMPLES_DIR = 'docs/examples';

export function renderApiReference(document: OpenAPIObject, markdown: string): ApiReference {
  const operations = operationsOf(document).map(({ method, path, operation }) => ({ route: `${method.toUpperCase()} ${path}`, path, operation: operation as Operation }));
  const csvBodies = operations.flatMap(({ route, path, operation }) => {
    const csv = operation.requestBody?.content?.['text/csv'];
    return csv && typeof csv.example === 'string' ? [{ route, file: `${EXAMPLES_DIR}/${lastStaticSegment(path)}.csv`, description: csv.schema?.description ?? '', example: csv.example }] : [];
  });

  const roles = [...ROLES, ...new Set(operations.flatMap(({ operation }) => operation['x-roles'] ?? []).filter((role) => !(ROLES as readonly string[]).includes(role)))];
  const routes = table(
    ['Route', ...roles, 'Summary'],
    operations.map(({ route, operation }) => [
      code(route),
      ...roles.map((role) => (operation['x-public'] || !operation['x-roles'] ? '' : operation['x-roles'].includes(role) ? '✓' : '')),
      cell([operation['x-public'] ? 'No token.' : !operation['x-roles'] ? 'Any valid token.' : '', operation.summary ?? ''].filter(Boolean).join(' ')),
    ]),
  );
  const errorsByRoute = table(
    ['Route', 'Problem types, by status'],
    operations.map(({ route, operation }) => {
      const byStatus = new Map<number, string[]>();
      for (const slug of operation['x-problem-types'] ?? []) {
        const status = PROBLEM_TYPES[slug as keyof typeof PROBLEM_TYPES]?.status ?? 0;
        byStatus.set(status, [...(byStatus.get(status) ?? []), code(slug)]);
      }
      return [code(route), [...byStatus].map(([status, slugs]) => `${status} ${slugs.join(', ')}`).join('; ')];
    }),
  );

  // Sets of routes a type is on, named instead of listed.
  const withToken = operations.filter(({ operation }) => !operation['x-public']);
  const groups: [string, typeof operations][] = [
    ['every route with a token', withToken],
    ['every command (every route with a token but `GET`)', withToken.filter(({ route }) => !route.startsWith('GET '))],
    ['every `GET` with a token', withToken.filter(({ route }) => route.startsWith('GET '))],
  ];
  const problemTypes = table(
    ['Type', 'Status', 'Title', 'Meaning', 'Routes'],
    PROBLEM_SLUGS.map((slug) => {
      const spec = PROBLEM_TYPES[slug] as (typeof PROBLEM_TYPES)[typeof slug] & { general?: boolean };
      const on = operations.filter(({ operation }) => operation['x-problem-types']?.includes(slug));
      const group = groups.find(([, members]) => members.length > 0 && members.length === on.length && members.every((member) => on.includes(member)));
      const where = spec.general ? 'any request' : group ? group[0] : on.map(({ route }) => code(route)).join(', ');
      return [code(slug), String(spec.status), cell(spec.title), cell(spec.meaning), where];
    }),
  );

  const csv = csvBodies
    .map(({ route, file, description, example }) =>
      [`### ${code(route)} with \`Content-Type: text/csv\``, '', cell(description), '', `Example ([${file.slice('docs/'.length)}](${file.slice('docs/'.length)})):`, '', '```csv', example.trimEnd(), '```'].join('\n'),
    )
    .join('\n\n');

  const sections: Record<string, string> = {
    routes,
    'errors-by-route': errorsByRoute,
    'problem-types': `\`type\` is \`${PROBLEM_TYPE_BASE}<name>\`.\n\n${problemTypes}`,
    csv: csv || '(No route takes CSV.)',
  };
  return { markdown: replaceGeneratedSections(markdown, sections), files: Object.fromEntries(csvBodies.map(({ file, example }) => [file, example])) };
}

/** Replaces the text between each section's markers; a marker missing from the file is an error. */
export function replaceGeneratedSections(markdown: string, sections: Record<string, string>): string {
  let result = markdown;
  for (const [name, content] of Object.entries(sections)) {
    const begin = `<!-- BEGIN GENERATED: ${name} (npm run docs:api) -->`;
    const end = `<!-- END GENERATED: ${name} -->`;
    const from = result.indexOf(begin);
    const to = result.indexOf(end);
    if (from < 0 || to < from) throw new Error(`docs/api.md has no "${begin}" ... "${end}" markers`);
    result = `${result.slice(0, from + begin.length)}\n\n${content}\n\n${result.slice(to)}`;
  }
  return result;
}

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

/** Markdown table cell text: one line, pipes escaped. */
const cell = (text: string) => text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
const code = (text: string) => `\`${text}\``;
const lastStaticSegment = (path: string) => path.split('/').filter((segment) => segment && !segment.startsWith('{')).at(-1) ?? 'body';
