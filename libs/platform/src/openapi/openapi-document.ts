import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { missingRoleDetail } from '../auth/auth.guard';
import { isRole, type Role } from '../auth/principal';
import { PROBLEM_SLUGS, PROBLEM_TYPE_BASE, PROBLEM_TYPES, type ProblemSlug } from '../http/problem-types';
import { problemResponse } from './api-problems';

type Operation = Record<string, unknown> & {
  description?: string;
  security?: unknown[];
  requestBody?: { content?: Record<string, unknown> };
  responses?: Record<string, { content?: Record<string, { examples?: Record<string, { value?: { type?: unknown; detail?: unknown } }> }> }>;
  'x-roles'?: Role[];
  'x-public'?: boolean;
  'x-problem-types'?: ProblemSlug[];
  'x-request-content'?: Record<string, unknown>;
};

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Every operation of the document with its method and path, in document order. */
export function operationsOf(document: OpenAPIObject): { method: string; path: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((method) => (item as Record<string, unknown>)[method]).map((method) => ({ method, path, operation: (item as Record<string, Operation>)[method] })),
  );
}

/** The application's OpenAPI document, as /docs-json serves it and docs/api.md is written from. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Campaign ledger')
    .setDescription(
      [
        'Event-sourced sales campaigns with crypto-shredding erasure: personal fields are sealed per customer and campaign, and erasure destroys keys.',
        '',
        'Every /v1 route needs a bearer token (Authorize, above) with `roles` and `controllers` claims; each route names the roles it takes (`x-roles`).',
        "An id in a path outside the token's controllers answers 404, exactly like an unknown id. In development print a token with",
        '`npm run cli -- token --role service --controller <id>`. Commands accept an `Idempotency-Key` header and return a `position`;',
        'pass it as `waitFor` on a GET to read your own write.',
        '',
        `Errors are RFC 9457 problem+json; \`type\` is \`${PROBLEM_TYPE_BASE}<name>\`. Each route lists the types it answers with`,
        '(`x-problem-types`); `route-not-found` and `internal-error` can answer any request (components.responses).',
      ].join('\n'),
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  return finishOpenApiDocument(SwaggerModule.createDocument(app, config));
}

/**
 * What the decorators cannot write themselves: the problem+json schema, the problem types that
 * answer any request, each route's roles in words (from `x-roles`), its problem types as a list,
 * and request bodies whose media types differ in schema (CSV beside JSON).
 */
export function finishOpenApiDocument(document: OpenAPIObject): OpenAPIObject {
  const components = (document.components ??= {});
  components.schemas = { ...components.schemas, Problem: PROBLEM_SCHEMA };
  components.responses = {
    ...components.responses,
    ...Object.fromEntries(PROBLEM_SLUGS.filter((slug) => generalProblem(slug)).map((slug) => [pascal(slug), problemResponse([[slug]])])),
  };
  for (const { operation } of operationsOf(document)) {
    const content = operation['x-request-content'];
    if (content && operation.requestBody) operation.requestBody.content = { ...operation.requestBody.content, ...content };
    delete operation['x-request-content'];

    const roles = operation['x-roles'];
    const access = operation['x-public'] ? 'No token needed.' : roles ? `Roles: ${roles.join(', ')} (the token needs one of them).` : 'Any valid token.';
    operation.description = [operation.description, access].filter(Boolean).join('\n\n');
    if (roles) {
      const forbidden = operation.responses?.['403']?.content?.['application/problem+json']?.examples?.forbidden?.value;
      if (forbidden && forbidden.detail === PROBLEM_TYPES.forbidden.detail) forbidden.detail = missingRoleDetail(roles.filter(isRole));
    }
    operation['x-problem-types'] = problemTypesOf(operation);
  }
  return document;
}

const generalProblem = (slug: ProblemSlug) => (PROBLEM_TYPES[slug] as { general?: boolean }).general === true;
const pascal = (slug: string) => slug.replace(/(^|-)([a-z])/g, (_, _dash, letter: string) => letter.toUpperCase());

/** The catalogue types among an operation's problem+json examples, by status. */
function problemTypesOf(operation: Operation): ProblemSlug[] {
  const types = new Set<string>();
  for (const response of Object.values(operation.responses ?? {})) {
    for (const example of Object.values(response.content?.['application/problem+json']?.examples ?? {})) {
      if (typeof example.value?.type === 'string') types.add(example.value.type.slice(PROBLEM_TYPE_BASE.length));
    }
  }
  return PROBLEM_SLUGS.filter((slug) => types.has(slug)).sort((a, b) => PROBLEM_TYPES[a].status - PROBLEM_TYPES[b].status);
}

const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details. Messages name fields and rules, never the values sent.',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', format: 'uri', example: `${PROBLEM_TYPE_BASE}validation`, description: `\`${PROBLEM_TYPE_BASE}<name>\`, one of the problem types the route lists` },
    title: { type: 'string', description: 'The same for every occurrence of the type' },
    status: { type: 'integer', description: 'The HTTP status' },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'The request path' },
    errors: {
      type: 'array',
      description: 'Validation and field-level refusals: one entry per field',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string', example: 'customers[3].email' }, message: { type: 'string', example: 'customers[3].email must be an e-mail address' } },
      },
    },
  },
};
