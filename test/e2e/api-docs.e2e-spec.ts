import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { operationsOf, PROBLEM_SLUGS, PROBLEM_TYPE_BASE, PROBLEM_TYPES, type ProblemSlug, renderApiReference, ROLES } from '@app/platform';
import type { OpenAPIObject } from '@nestjs/swagger';
import { createOfflineOpenApiDocument } from '../../apps/api/src/api.app';
import { seedCampaign } from '../support/campaign-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { tokenFor } from '../support/tokens';

// The OpenAPI document (/docs-json) is what integrators and docs/api.md read: it must list every
// problem type the code can answer with (the catalogue), each route its own, and the roles each
// route really takes.

type Example = { value: { type: string; title: string; status: number; detail: string; errors?: { field: string }[] } };
type Response = { content?: Record<string, { schema?: Record<string, unknown>; example?: unknown; examples?: Record<string, Example> }> };
type Operation = {
  description?: string;
  requestBody?: Response;
  responses: Record<string, Response>;
  'x-roles'?: string[];
  'x-public'?: boolean;
  'x-problem-types'?: string[];
};

describe('OpenAPI document', () => {
  let t: TestApp;
  let document: OpenAPIObject;
  const operation = (method: string, path: string) => (document.paths[path] as Record<string, Operation>)[method];
  const operations = () => operationsOf(document).map(({ method, path, operation }) => ({ method, path, operation: operation as unknown as Operation }));
  /** Every problem+json example of responses, with the status it is documented under. */
  const problemExamples = (responses: Record<string, Response>) =>
    Object.entries(responses).flatMap(([documentedAs, response]) =>
      Object.entries(response.content?.['application/problem+json']?.examples ?? {}).map(([name, example]) => ({ documentedAs, name, ...example.value })),
    );

  beforeAll(async () => {
    t = await startTestApp();
    document = (await t.http.get('/docs-json').expect(200)).body;
  });
  afterAll(() => t.close());

  it('documents every problem type of the catalogue, and no other', () => {
    const documented = new Set<string>();
    const examples = [
      ...operations().flatMap(({ operation }) => problemExamples(operation.responses)),
      ...problemExamples((document.components?.responses ?? {}) as Record<string, Response>),
    ];
    for (const example of examples) {
      const slug = example.type.slice(PROBLEM_TYPE_BASE.length) as ProblemSlug;
      expect({ type: example.type, known: example.type.startsWith(PROBLEM_TYPE_BASE) && PROBLEM_SLUGS.includes(slug) }).toEqual({ type: example.type, known: true });
      // Under its own status, with the title and status the API sends, named after its type.
      expect({ name: example.name, status: example.status, title: example.title }).toEqual({ name: slug, status: PROBLEM_TYPES[slug].status, title: PROBLEM_TYPES[slug].title });
      // components.responses are named by type; an operation's by status.
      if (/^\d+$/.test(example.documentedAs)) expect({ type: example.type, documentedAs: Number(example.documentedAs) }).toEqual({ type: example.type, documentedAs: example.status });
      documented.add(slug);
    }
    expect([...documented].sort()).toEqual([...PROBLEM_SLUGS].sort());
    for (const { path, method, operation } of operations()) {
      const named = [...new Set(problemExamples(operation.responses).map((e) => e.name))];
      expect({ path, method, listed: [...(operation['x-problem-types'] ?? [])].sort() }).toEqual({ path, method, listed: named.sort() });
    }
  });

  it.each<[string, string, ProblemSlug[], ProblemSlug[]]>([
    ['post', '/v1/controllers', ['validation', 'unauthorized', 'forbidden', 'controller-exists', 'idempotency-key-reused', 'unsupported-media-type'], ['unknown-seller', 'unknown-campaign']],
    ['put', '/v1/sellers/{id}', ['validation', 'seller-erased'], ['unknown-seller', 'unknown-customer']],
    ['post', '/v1/campaigns', ['validation', 'unknown-controller', 'unknown-seller', 'forbidden'], ['unknown-campaign', 'unknown-sku']],
    ['get', '/v1/analytics/records', ['validation', 'read-model-behind', 'mixed-currencies', 'forbidden'], ['unknown-campaign']],
    ['get', '/v1/analytics/sales', ['validation', 'read-model-behind', 'forbidden'], ['mixed-currencies']],
    ['get', '/v1/campaigns/{id}', ['unknown-campaign', 'read-model-behind', 'validation'], ['idempotency-key-reused', 'unsupported-media-type']],
    ['post', '/v1/campaigns/{id}/close', ['unknown-campaign', 'campaign-closed', 'campaign-anonymized'], ['unknown-seller', 'duplicate-customer-ref']],
    ['post', '/v1/campaigns/{id}/customers', ['unknown-campaign', 'duplicate-customer-ref', 'campaign-closed', 'campaign-anonymized', 'unsupported-media-type'], ['unknown-seller']],
    ['get', '/v1/campaigns/{id}/customers', ['unknown-campaign', 'validation'], ['unknown-customer']],
    ['get', '/v1/customers/{id}', ['unknown-customer', 'read-model-behind'], ['unknown-campaign']],
    ['patch', '/v1/customers/{id}', ['unknown-customer', 'customer-anonymized', 'campaign-closed'], ['unknown-seller']],
    ['post', '/v1/customers/{id}/sms', ['unknown-customer', 'unknown-seller', 'campaign-closed', 'customer-anonymized'], ['unknown-sku', 'unknown-response-code']],
    ['post', '/v1/customers/{id}/responses', ['unknown-response-code', 'unknown-seller'], ['unknown-sku']],
    ['post', '/v1/customers/{id}/sales', ['unknown-sku', 'unknown-seller'], ['unknown-response-code']],
    ['get', '/health', ['service-unavailable'], ['unauthorized', 'forbidden']],
  ])('%s %s lists the types it answers with', (method, path, present, absent) => {
    const listed = operation(method, path)['x-problem-types'] ?? [];
    expect(listed).toEqual(expect.arrayContaining(present));
    expect(listed.filter((slug) => absent.includes(slug as ProblemSlug))).toEqual([]);
  });

  it('gives field-error examples that name fields of the route: none of a body on close, which takes none', () => {
    const fieldsOf = (method: string, path: string) => problemExamples(operation(method, path).responses).flatMap((e) => (e.errors ?? []).map((error) => error.field));
    expect(fieldsOf('post', '/v1/campaigns/{id}/close')).not.toContain('customers[17].email');
    expect(operation('post', '/v1/campaigns/{id}/close').requestBody).toBeUndefined();
    expect(fieldsOf('post', '/v1/customers/{id}/sales')).toEqual(['quantity']);
    expect(fieldsOf('get', '/v1/customers/{id}')).toEqual(['waitFor']);
    const accepted = problemExamples(operation('post', '/v1/campaigns/{id}/customers').responses).find((e) => e.name === 'unsupported-media-type');
    expect(accepted).toMatchObject({ accepted: ['application/json', 'text/csv'] });
  });

  it('names the roles of every /v1 route (x-roles and a sentence), and marks public routes', () => {
    for (const { path, method, operation } of operations()) {
      if (path.startsWith('/v1/')) {
        const roles = operation['x-roles'] ?? [];
        expect({ path, method, roles: roles.length > 0 && roles.every((role) => (ROLES as readonly string[]).includes(role)) }).toEqual({ path, method, roles: true });
        expect(operation.description).toContain(`Roles: ${roles.join(', ')}`);
      } else {
        expect({ path, method, public: operation['x-public'] }).toEqual({ path, method, public: true });
      }
    }
  });

  it('x-roles is what the guard enforces: every other role is a 403, each listed role gets past it', async () => {
    const tokens = Object.fromEntries(await Promise.all(ROLES.map(async (role) => [role, await tokenFor(t.config, [role], ['*'], 'docs-check', { sellerId: 'seller-docs' })])));
    for (const { path, method, operation } of operations().filter(({ path }) => path.startsWith('/v1/'))) {
      const url = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      for (const role of ROLES) {
        const response = await (t.http as unknown as Record<string, (url: string) => { set: (k: string, v: string) => Promise<{ status: number }> }>)[method](url).set('Authorization', `Bearer ${tokens[role]}`);
        const allowed = operation['x-roles']!.includes(role);
        expect({ method, path, role, forbidden: response.status === 403 }).toEqual({ method, path, role, forbidden: !allowed });
      }
    }
  });

  it('documents times as date-time and dates as date', () => {
    const schemas = document.components!.schemas as Record<string, { properties: Record<string, { format?: string }> }>;
    for (const [schema, property] of [
      ['SmsDto', 'at'],
      ['EmailDto', 'at'],
      ['CallDto', 'startedAt'],
      ['ResponseDto', 'at'],
      ['SaleDto', 'at'],
    ]) {
      expect({ schema, property, format: schemas[schema].properties[property].format }).toEqual({ schema, property, format: 'date-time' });
    }
    expect(schemas.CreateCampaignDto.properties.startsOn.format).toBe('date');
    expect(schemas.CreateCampaignDto.properties.endsOn.format).toBe('date');
  });

  it('shows the CSV enrollment body as text with an example, apart from the JSON schema', () => {
    const content = operation('post', '/v1/campaigns/{id}/customers').requestBody!.content!;
    expect(content['application/json'].schema).toEqual({ $ref: '#/components/schemas/EnrollCustomersDto' });
    expect(content['text/csv'].schema).toMatchObject({ type: 'string', description: expect.stringContaining('customerRef') });
    expect(content['text/csv'].example).toMatch(/^customerRef,/);
  });

  describe('docs/api.md', () => {
    it('holds what `npm run docs:api` writes from this document (route and role table, problem types, CSV)', async () => {
      const committed = await readFile('docs/api.md', 'utf8');
      const { markdown, files } = renderApiReference(document, committed);
      expect(markdown).toBe(committed);
      expect(Object.keys(files)).toEqual(['docs/examples/customers.csv']);
      for (const [path, text] of Object.entries(files)) expect({ path, text: await readFile(path, 'utf8') }).toEqual({ path, text });
      // Every route of the document is in the table, whichever module it comes from.
      for (const { method, path } of operationsOf(document)) expect(markdown).toContain(`| \`${method.toUpperCase()} ${path}\` |`);
    });

    it('is written from the same document the running api serves (the script builds it without a database)', async () => {
      expect(JSON.parse(JSON.stringify(await createOfflineOpenApiDocument()))).toEqual(document);
    });

    it('gives an example CSV the API enrolls as it is', async () => {
      const seed = await seedCampaign(t);
      const csv = await readFile('docs/examples/customers.csv', 'utf8');
      const enrolled = await t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).set('Content-Type', 'text/csv').send(csv);
      expect(enrolled.status).toBe(201);
      expect(enrolled.body.customerIds).toHaveLength(csv.trim().split('\n').length - 1);
      const card = await t.http.get(`/v1/customers/${enrolled.body.customerIds[1]}`).set(seed.auth).expect(200);
      expect(card.body).toMatchObject({ customerRef: 'CRM-000124', personal: { name: 'Nordmann, Ola', fields: { segment: 'B2B', contractMonths: '24' } } });
    });
  });
});
