import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Role } from '@app/platform';
import type { Test } from 'supertest';
import { enrollOne, seedCampaign } from '../../support/campaign-fixtures';
import { expectProblem, writeCounts } from '../../support/problem-assertions';
import { startTestApp, type TestApp } from '../../support/test-app';
import { tokenFor } from '../../support/tokens';

// The role matrix of API.md for every route of "Controllers, sellers, campaigns" (service, admin;
// GET /v1/campaigns/:id also seller and analyst in scope), "Customers and interactions"
// (service, seller, admin; in scope) and archiving (service, compliance, admin): a role outside the list is
// a 403 whatever the scope or id (the role check runs before the handler); a listed role gets 404
// for an id in the path outside its controllers, exactly as for an id that names nothing (no
// enumeration), and 403 for a controllerId in the body outside them; a listed role in scope
// succeeds; no token is a 401. A refused request writes nothing; an accepted command writes.

const ROLES: Role[] = ['service', 'seller', 'analyst', 'compliance', 'admin'];
const CAMPAIGN_ROLES: Role[] = ['service', 'admin'];
const CAMPAIGN_READ_ROLES: Role[] = ['service', 'seller', 'analyst', 'admin'];
const CUSTOMER_ROLES: Role[] = ['service', 'seller', 'admin'];
const ARCHIVE_ROLES: Role[] = ['service', 'compliance', 'admin'];
const OTHER_CONTROLLER = 'someone-else';
const at = '2026-12-02T09:00:00Z';

interface Target {
  /** The controller the request touches: an in-scope token lists it. */
  controllerId: string;
  send(auth: Record<string, string>): Test;
}

interface Route {
  name: string;
  roles: Role[];
  ok: number;
  /** Commands write on success; queries never do. */
  writes: boolean;
  /**
   * Where the request names its controller: through an id in the path (outside the token's
   * controllers: 404), in the body (outside: 403), or nowhere (sellers belong to no controller).
   */
  scope: 'path' | 'body' | 'none';
  target(): Promise<Target>;
  /** Path-id routes: the same request to an id that names nothing. */
  unknown?(auth: Record<string, string>): Test;
}

describe('campaigns API: who may call what', () => {
  let t: TestApp;
  let seed: Awaited<ReturnType<typeof seedCampaign>>;
  let customerId: string;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp();
    seed = await seedCampaign(t);
    customerId = await enrollOne(t, seed.campaignId, seed.auth);
    admin = { Authorization: `Bearer ${await tokenFor(t.config, ['admin'], ['*'], 'matrix-setup')}` };
  });
  afterAll(() => t.close());

  type Send = (auth: Record<string, string>) => Test;
  const shared = (send: Send) => async (): Promise<Target> => ({ controllerId: seed.controllerId, send });
  /** A route on the seed's campaign or customer, and the same route on an unknown id. */
  const onCampaign = (request: (id: string, auth: Record<string, string>) => Test) => ({
    scope: 'path' as const,
    target: shared((auth) => request(seed.campaignId, auth)),
    unknown: (auth: Record<string, string>) => request(randomUUID(), auth),
  });
  const onCustomer = (request: (id: string, auth: Record<string, string>) => Test) => ({
    scope: 'path' as const,
    target: shared((auth) => request(customerId, auth)),
    unknown: (auth: Record<string, string>) => request(randomUUID(), auth),
  });
  const customerPost = (path: string, body: () => object) => onCustomer((id, auth) => t.http.post(`/v1/customers/${id}/${path}`).set(auth).send(body()));

  const routes: Route[] = [
    {
      name: 'POST /v1/controllers',
      roles: CAMPAIGN_ROLES,
      ok: 201,
      writes: true,
      scope: 'body',
      // A new controller each time; the in-scope token names the one being registered.
      target: async () => {
        const id = `ctl-${randomUUID().slice(0, 8)}`;
        return { controllerId: id, send: (auth) => t.http.post('/v1/controllers').set(auth).send({ id, name: 'Telco Danmark A/S' }) };
      },
    },
    {
      name: 'PUT /v1/sellers/:id',
      roles: CAMPAIGN_ROLES,
      ok: 200,
      writes: true,
      scope: 'none',
      target: shared((auth) => t.http.put(`/v1/sellers/seller-${randomUUID().slice(0, 8)}`).set(auth).send({ name: 'Nils Selger' })),
    },
    {
      name: 'POST /v1/campaigns',
      roles: CAMPAIGN_ROLES,
      ok: 201,
      writes: true,
      scope: 'body',
      target: shared((auth) =>
        t.http
          .post('/v1/campaigns')
          .set(auth)
          .send({
            controllerId: seed.controllerId,
            name: 'Matrix campaign',
            purpose: 'Telemarketing',
            startsOn: '2026-12-01',
            endsOn: '2026-12-31',
            currency: 'NOK',
            products: [{ sku: 'BB-100', name: 'Broadband 100', unitPriceMinor: 49_900 }],
          }),
      ),
    },
    { name: 'GET /v1/campaigns/:id', roles: CAMPAIGN_READ_ROLES, ok: 200, writes: false, ...onCampaign((id, auth) => t.http.get(`/v1/campaigns/${id}`).set(auth)) },
    {
      name: 'POST /v1/campaigns/:id/close',
      roles: CAMPAIGN_ROLES,
      ok: 200,
      writes: true,
      scope: 'path',
      // A campaign of its own each time: a closed campaign would answer 409.
      target: async () => {
        const created = await t.http
          .post('/v1/campaigns')
          .set(admin)
          .send({ controllerId: seed.controllerId, name: 'To close', purpose: 'p', startsOn: '2026-12-01', endsOn: '2026-12-31', currency: 'NOK', products: [{ sku: 'A', name: 'A', unitPriceMinor: 1 }] })
          .expect(201);
        return { controllerId: seed.controllerId, send: (auth) => t.http.post(`/v1/campaigns/${created.body.campaignId}/close`).set(auth) };
      },
      unknown: (auth) => t.http.post(`/v1/campaigns/${randomUUID()}/close`).set(auth),
    },
    {
      name: 'POST /v1/campaigns/:id/customers (JSON)',
      roles: CUSTOMER_ROLES,
      ok: 201,
      writes: true,
      ...onCampaign((id, auth) => t.http.post(`/v1/campaigns/${id}/customers`).set(auth).send({ customers: [{ customerRef: `J-${randomUUID()}`, name: 'Per' }] })),
    },
    {
      name: 'POST /v1/campaigns/:id/customers (CSV)',
      roles: CUSTOMER_ROLES,
      ok: 201,
      writes: true,
      ...onCampaign((id, auth) => t.http.post(`/v1/campaigns/${id}/customers`).set(auth).set('Content-Type', 'text/csv').send(`customerRef,name\nC-${randomUUID()},Per\n`)),
    },
    { name: 'GET /v1/campaigns/:id/customers', roles: CUSTOMER_ROLES, ok: 200, writes: false, ...onCampaign((id, auth) => t.http.get(`/v1/campaigns/${id}/customers?limit=2`).set(auth)) },
    { name: 'GET /v1/customers/:id', roles: CUSTOMER_ROLES, ok: 200, writes: false, ...onCustomer((id, auth) => t.http.get(`/v1/customers/${id}`).set(auth)) },
    { name: 'PATCH /v1/customers/:id', roles: CUSTOMER_ROLES, ok: 200, writes: true, ...onCustomer((id, auth) => t.http.patch(`/v1/customers/${id}`).set(auth).send({ fields: { touched: true } })) },
    { name: 'POST /v1/customers/:id/sms', roles: CUSTOMER_ROLES, ok: 201, writes: true, ...customerPost('sms', () => ({ sellerId: seed.sellerId, direction: 'outbound', phone: '+4791234567', body: 'Hei', at })) },
    {
      name: 'POST /v1/customers/:id/emails',
      roles: CUSTOMER_ROLES,
      ok: 201,
      writes: true,
      ...customerPost('emails', () => ({ sellerId: seed.sellerId, direction: 'outbound', address: 'kari@example.no', subject: 'Offer', body: 'Hi', at })),
    },
    { name: 'POST /v1/customers/:id/calls', roles: CUSTOMER_ROLES, ok: 201, writes: true, ...customerPost('calls', () => ({ sellerId: seed.sellerId, phone: '+4791234567', startedAt: at, durationSeconds: 30 })) },
    { name: 'POST /v1/customers/:id/responses', roles: CUSTOMER_ROLES, ok: 201, writes: true, ...customerPost('responses', () => ({ sellerId: seed.sellerId, code: 'call-back', at })) },
    { name: 'POST /v1/customers/:id/sales', roles: CUSTOMER_ROLES, ok: 201, writes: true, ...customerPost('sales', () => ({ sellerId: seed.sellerId, sku: 'BB-100', quantity: 1, at })) },
    ...(['archive', 'unarchive'] as const).map(
      (action): Route => ({
        name: `POST /v1/campaigns/:id/${action}`,
        roles: ARCHIVE_ROLES,
        ok: 200,
        writes: true,
        scope: 'path',
        // A campaign of its own each time, with a customer whose state the call changes.
        target: async () => {
          const created = await t.http
            .post('/v1/campaigns')
            .set(admin)
            .send({ controllerId: seed.controllerId, name: 'To archive', purpose: 'p', startsOn: '2026-12-01', endsOn: '2026-12-31', currency: 'NOK', products: [{ sku: 'A', name: 'A', unitPriceMinor: 1 }] })
            .expect(201);
          const campaignId = created.body.campaignId;
          await t.http.post(`/v1/campaigns/${campaignId}/customers`).set(admin).send({ customers: [{ customerRef: 'A-1' }] }).expect(201);
          if (action === 'unarchive') await t.http.post(`/v1/campaigns/${campaignId}/archive`).set(admin).send().expect(200);
          return { controllerId: seed.controllerId, send: (auth) => t.http.post(`/v1/campaigns/${campaignId}/${action}`).set(auth).send() };
        },
        unknown: (auth) => t.http.post(`/v1/campaigns/${randomUUID()}/${action}`).set(auth).send(),
      }),
    ),
  ];

  type Caller = { label: string; roles: Role[]; scope: 'in' | 'out' | 'all' } | { label: string; roles: null; scope: null };
  const callers: Caller[] = [
    ...ROLES.flatMap((role): Caller[] => [
      { label: `${role} in scope`, roles: [role], scope: 'in' },
      { label: `${role} out of scope`, roles: [role], scope: 'out' },
    ]),
    { label: 'service with controllers ["*"]', roles: ['service'], scope: 'all' },
    { label: 'analyst+compliance with controllers ["*"]', roles: ['analyst', 'compliance'], scope: 'all' },
    { label: 'no token', roles: null, scope: null },
  ];

  /** What API.md says this caller gets on this route, for the seed's ids or an unknown one. */
  function expected(route: Route, caller: Caller, id: 'known' | 'unknown'): number {
    if (caller.roles === null) return 401;
    if (!caller.roles.some((role) => route.roles.includes(role))) return 403;
    if (id === 'unknown') return 404;
    if (caller.scope === 'out' && route.scope === 'path') return 404;
    if (caller.scope === 'out' && route.scope === 'body') return 403;
    return route.ok;
  }

  const matrix = routes.flatMap((route) =>
    (route.unknown ? (['known', 'unknown'] as const) : (['known'] as const)).flatMap((id) =>
      callers.map((caller) => ({ route, caller, id, name: id === 'unknown' ? `${route.name} (unknown id)` : route.name, status: expected(route, caller, id) })),
    ),
  );
  const pathRoutes = routes.filter((route) => route.scope === 'path');

  it('covers all 17 routes (14 with a path id, also unknown) with 5 roles in and out of scope, ["*"] and no token', () => {
    expect(routes).toHaveLength(17);
    expect(pathRoutes).toHaveLength(14);
    expect(pathRoutes.every((route) => route.unknown)).toBe(true);
    expect(matrix).toHaveLength((17 + 14) * 13);
    // Sellers are global: an out-of-scope token with the right role still upserts one.
    expect(matrix.filter((c) => c.caller.scope === 'out' && c.status < 300).map((c) => `${c.name} / ${c.caller.label}`)).toEqual([
      'PUT /v1/sellers/:id / service out of scope',
      'PUT /v1/sellers/:id / admin out of scope',
    ]);
    // Out of scope with the role: only a controllerId in the body is a 403.
    expect([...new Set(matrix.filter((c) => c.caller.scope === 'out' && c.status === 403 && c.caller.roles?.some((r) => c.route.roles.includes(r))).map((c) => c.name))]).toEqual([
      'POST /v1/controllers',
      'POST /v1/campaigns',
    ]);
  });

  it.each(matrix.map((c) => [c.name, c.caller.label, c.status, c] as const))('%s as %s -> %i', async (_route, _caller, status, { route, caller, id }) => {
    const target = await route.target();
    const auth: Record<string, string> =
      caller.roles === null
        ? {}
        : {
            Authorization: `Bearer ${await tokenFor(
              t.config,
              caller.roles,
              caller.scope === 'in' ? [target.controllerId] : caller.scope === 'out' ? [OTHER_CONTROLLER] : ['*'],
              `matrix-${caller.label}`,
              // Seller tokens act as the seller the interaction bodies name (seller-binding.e2e-spec.ts has the rest).
              caller.roles.includes('seller') ? { sellerId: seed.sellerId } : {},
            )}`,
          };
    const before = await writeCounts(t);
    const answer = await (id === 'unknown' ? route.unknown!(auth) : target.send(auth));
    const after = await writeCounts(t);
    if (status >= 400) {
      expectProblem(answer, status);
      expect(after).toEqual(before);
    } else {
      expect({ status: answer.status, body: answer.body }).toMatchObject({ status });
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(after.events > before.events).toBe(route.writes);
    }
  });

  it.each(pathRoutes.map((route) => [route.name, route] as const))('%s: an id outside the token\'s controllers gets the very answer of an unknown id', async (_name, route) => {
    const target = await route.target();
    const outside = { Authorization: `Bearer ${await tokenFor(t.config, route.roles, [OTHER_CONTROLLER], 'matrix-outside')}` };
    const hidden = await target.send(outside);
    const unknown = await route.unknown!(outside);
    expectProblem(hidden, 404);
    expectProblem(unknown, 404);
    // Only `instance` (the request path) differs: type, title, status and detail say nothing about existence.
    const withoutInstance = ({ instance: _instance, ...rest }: Record<string, unknown>) => rest;
    expect(withoutInstance(hidden.body)).toEqual(withoutInstance(unknown.body));
    expect(hidden.headers['content-type']).toBe(unknown.headers['content-type']);
  });

  it('checks the role before the body: a wrong role with an invalid body is a 403, no token a 401', async () => {
    const analyst = { Authorization: `Bearer ${await tokenFor(t.config, ['analyst'], [seed.controllerId])}` };
    expectProblem(await t.http.post(`/v1/customers/${customerId}/sms`).set(analyst).send({ phone: 42 }), 403);
    expectProblem(await t.http.post('/v1/campaigns').set(analyst).send({}), 403);
    expectProblem(await t.http.post(`/v1/customers/${customerId}/sms`).send({ phone: 42 }), 401);
  });

  it('refuses a token that is not one (bad signature, garbage, other scheme) with 401', async () => {
    const token = await tokenFor(t.config, ['admin'], ['*']);
    const forged = `${token.slice(0, -4)}${token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    for (const authorization of [`Bearer ${forged}`, 'Bearer not.a.jwt', `Basic ${Buffer.from('admin:admin').toString('base64')}`, token]) {
      expectProblem(await t.http.get(`/v1/customers/${customerId}`).set('Authorization', authorization), 401);
    }
  });

  it('lets the scoped seller read only its own controller\'s customers, though the ids are known', async () => {
    const other = await seedCampaign(t);
    const foreignCustomer = await enrollOne(t, other.campaignId, other.auth);
    const seller = { Authorization: `Bearer ${await tokenFor(t.config, ['seller'], [seed.controllerId])}` };
    await t.http.get(`/v1/customers/${customerId}`).set(seller).expect(200);
    expectProblem(await t.http.get(`/v1/customers/${foreignCustomer}`).set(seller), 404);
    expectProblem(await t.http.get(`/v1/campaigns/${other.campaignId}/customers`).set(seller), 404);
    expectProblem(await t.http.post(`/v1/campaigns/${other.campaignId}/customers`).set(seller).send({ customers: [{ customerRef: 'X-1' }] }), 404);
    // A token for several controllers covers each of them.
    const both = { Authorization: `Bearer ${await tokenFor(t.config, ['seller'], [seed.controllerId, other.controllerId])}` };
    await t.http.get(`/v1/customers/${foreignCustomer}`).set(both).expect(200);
    await t.http.get(`/v1/customers/${customerId}`).set(both).expect(200);
  });

  it('counts only the accepted interactions and enrollments', async () => {
    // 3 listed roles in scope + ["*"] per interaction route were accepted; nothing else landed.
    const card = await t.http.get(`/v1/customers/${customerId}`).set(admin).expect(200);
    const byType = (type: string) => card.body.timeline.filter((entry: { type: string }) => entry.type === type).length;
    expect(['sms', 'email', 'call', 'response', 'sale'].map(byType)).toEqual([4, 4, 4, 4, 4]);
    // enrollOne + 4 JSON + 4 CSV enrollments.
    expect((await t.http.get(`/v1/campaigns/${seed.campaignId}`).set(admin).expect(200)).body.customerCount).toBe(9);
  });
});
