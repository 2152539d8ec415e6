import { METHOD_METADATA } from '@nestjs/common/constants.js';
import { DECORATORS } from '@nestjs/swagger';
import type { FieldError } from '../http/problem';
import { PROBLEM_TYPES, type ProblemSlug, problemType } from '../http/problem-types';

const PROBLEMS = 'campaign-ledger:problems';
export const PROBLEM_SCHEMA_REF = '#/components/schemas/Problem';

/** What a route's example of a problem type says, where the catalogue's example would not fit it. */
export interface ProblemExample {
  detail?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export type ProblemEntry = ProblemSlug | [ProblemSlug, ProblemExample];

/**
 * Documents problem types a route answers with, from the catalogue: one response per status, each
 * type an example of it (`type`, `title` and `status` as the API sends them). On a controller it
 * documents every route of it. Several uses on one route add up (the last one applied rewrites the
 * responses of every status it knows, replacing what other decorators wrote for them), and an
 * example a route gives wins over the catalogue's.
 */
export function ApiProblems(...entries: ProblemEntry[]): MethodDecorator & ClassDecorator {
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor): void => {
    if (descriptor) {
      documentProblems(descriptor.value as object, entries);
      return;
    }
    // On a controller: every route of it.
    const prototype = (target as { prototype: object }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method = Object.getOwnPropertyDescriptor(prototype, name)?.value;
      if (name !== 'constructor' && typeof method === 'function' && Reflect.hasMetadata(METHOD_METADATA, method)) documentProblems(method, entries);
    }
  };
}

function documentProblems(method: object, entries: ProblemEntry[]): void {
  const problems = new Map<ProblemSlug, ProblemExample>(Reflect.getMetadata(PROBLEMS, method) ?? []);
  for (const entry of entries) {
    const [slug, example] = Array.isArray(entry) ? entry : [entry, undefined];
    if (example || !problems.has(slug)) problems.set(slug, { ...example });
  }
  Reflect.defineMetadata(PROBLEMS, [...problems], method);
  const statuses = new Map<number, ProblemSlug[]>();
  for (const slug of problems.keys()) statuses.set(PROBLEM_TYPES[slug].status, [...(statuses.get(PROBLEM_TYPES[slug].status) ?? []), slug]);
  // Written directly: ApiResponse would merge with an earlier entry of the status (its
  // description and schema), where the problem filter's answer replaces it.
  const responses = Reflect.getMetadata(DECORATORS.API_RESPONSE, method) ?? {};
  const written = Object.fromEntries([...statuses].map(([status, slugs]) => [status, problemResponse(slugs.map((slug) => [slug, problems.get(slug)!]))]));
  Reflect.defineMetadata(DECORATORS.API_RESPONSE, { ...responses, ...written }, method);
}

/** The OpenAPI response object for problem types of one status. */
export function problemResponse(problems: [ProblemSlug, ProblemExample?][]) {
  return {
    description: problems.map(([slug]) => `\`${slug}\`: ${PROBLEM_TYPES[slug].meaning}`).join('\n\n'),
    content: {
      'application/problem+json': {
        schema: { $ref: PROBLEM_SCHEMA_REF },
        examples: Object.fromEntries(problems.map(([slug, example]) => [slug, { summary: slug, value: problemExample(slug, example) }])),
      },
    },
  };
}

export function problemExample(slug: ProblemSlug, example: ProblemExample = {}) {
  const { title, status, detail } = PROBLEM_TYPES[slug];
  return { type: problemType(slug), title, status, detail, ...example };
}

/**
 * A request body media type described apart from the JSON schema (a CSV body is text, not the
 * JSON body's schema). Kept as an extension until the document is finished, which puts it in
 * `requestBody.content`.
 */
export function ApiRequestContent(mediaType: string, media: { schema: Record<string, unknown>; example?: unknown }): MethodDecorator {
  return (_target, _key, descriptor) => {
    const method = descriptor.value as object;
    const extensions = Reflect.getMetadata(DECORATORS.API_EXTENSION, method) ?? {};
    Reflect.defineMetadata(DECORATORS.API_EXTENSION, { ...extensions, 'x-request-content': { ...extensions['x-request-content'], [mediaType]: media } }, method);
  };
}
