import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Role } from '@app/platform';
import type { Test } from 'supertest';
import { enrollOne, seedCampaign } from '../../support/campaign-fixtures';
import { expectProblem, writeCounts } from '../../support/problem-assertions';
import { startTestApp, type TestApp } from '../../support/test-app';
import { tokenFor } from '../../support/tokens';

// The role matrix of API.md for every route of "Controllers, sellers, campaigns" (service, admin)
// and "Customers and interactions" (service, seller, admin; in scope): a role outside the list is
// a 403 whatever the scope (the role check runs before the handler), a listed role outside its
// controllers is a 403, a listed role in scope succeeds; no token is a 401. A refused request
// writes nothing; an accepted command writes.

const ROLES: Role[] = ['service', 'seller', 'analyst', 'compliance', 'admin'];
const CAMPAIGN_ROLES: Role[] = ['service', 'admin'];
const CUSTOMER_ROLES: Role[] = ['service', 'seller', 'admin'];
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
  /** False for sellers: they belong to no controller. */
  scoped: boolean;
  target(): Promise<Target>;
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

  const shared = (send: (auth: Record<string, string>) => Test) => async (): Promise<Target> => ({ controllerId: seed.controllerId, send });
  const customerPost = (path: string, body: object) => shared((auth) => t.http.post(`/v1/customers/${customerId}/${path}`).set(auth).send(body));

  const routes: Route[] = [
    {
      name: 'POST /v1/controllers',
      roles: CAMPAIGN_ROLES,
      ok: 201,
      writes: true,
      scoped: true,
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
      scoped: false,
      target: shared((auth) => t.http.put(`/v1/sellers/seller-${randomUUID().slice(0, 8)}`).set(auth).send({ name: 'Nils Selger' })),
    },
    {
      name: 'POST /v1/campaigns',
      roles: CAMPAIGN_ROLES,
      ok: 201,
      writes: true,
      scoped: true,
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
    { name: 'GET /v1/campaigns/:id', roles: CAMPAIGN_ROLES, ok: 200, writes: false, scoped: true, target: shared((auth) => t.http.get(`/v1/campaigns/${seed.campaignId}`).set(auth)) },
    {
      name: 'POST /v1/campaigns/:id/close',
      roles: CAMPAIGN_ROLES,
      ok: 200,
      writes: true,
      scoped: true,
      // A campaign of its own each time: a closed campaign would answer 409.
      target: async () => {
        const created = await t.http
          .post('/v1/campaigns')
          .set(admin)
          .send({ controllerId: seed.controllerId, name: 'To close', purpose: 'p', startsOn: '2026-12-01', endsOn: '2026-12-31', currency: 'NOK', products: [{ sku: 'A', name: 'A', unitPriceMinor: 1 }] })
          .expect(201);
        return { controllerId: seed.controllerId, send: (auth) => t.http.post(`/v1/campaigns/${created.body.campaignId}/close`).set(auth) };
      },
    },
    {
      name: 'POST /v1/campaigns/:id/customers (JSON)',
      roles: CUSTOMER_ROLES,
      ok: 201,
      writes: true,
      scoped: true,
      target: shared((auth) => t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(auth).send({ customers: [{ customerRef: `J-${randomUUID()}`, name: 'Per' }] })),
    },
    {
      name: 'POST /v1/campaigns/:id/customers (CSV)',
      roles: CUSTOMER_ROLES,
      ok: 201,
      writes: true,
      scoped: true,
      target: shared((auth) => t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(auth).set('Content-Type', 'text/csv').send(`customerRef,name\nC-${randomUUID()},Per\n`)),
    },
    { name: 'GET /v1/campaigns/:id/customers', roles: CUSTOMER_ROLES, ok: 200, writes: false, scoped: true, target: shared((auth) => t.http.get(`/v1/campaigns/${seed.campaignId}/customers?limit=2`).set(auth)) },
    { name: 'GET /v1/customers/:id', roles: CUSTOMER_ROLES, ok: 200, writes: false, scoped: true, target: shared((auth) => t.http.get(`/v1/customers/${customerId}`).set(auth)) },
    { name: 'PATCH /v1/customers/:id', roles: CUSTOMER_ROLES, ok: 200, writes: true, scoped: true, target: shared((auth) => t.http.patch(`/v1/customers/${customerId}`).set(auth).send({ fields: { touched: true } })) },
    { name: 'POST /v1/customers/:id/sms', roles: CUSTOMER_ROLES, ok: 201, writes: true, scoped: true, target: async () => customerPost('sms', { sellerId: seed.sellerId, direction: 'outbound', phone: '+4791234567', body: 'Hei', at })() },
    {
      name: 'POST /v1/customers/:id/emails',
      roles: CUSTOMER_ROLES,
      ok: 201,
      writes: true,
      scoped: true,
      target: async () => customerPost('emails', { sellerId: seed.sellerId, direction: 'outbound', address: 'kari@example.no', subject: 'Offer', body: 'Hi', at })(),
    },
    { name: 'POST /v1/customers/:id/calls', roles: CUSTOMER_ROLES, ok: 201, writes: true, scoped: true, target: async () => customerPost('calls', { sellerId: seed.sellerId, phone: '+4791234567', startedAt: at, durationSeconds: 30 })() },
    { name: 'POST /v1/customers/:id/responses', roles: CUSTOMER_ROLES, ok: 201, writes: true, scoped: true, target: async () => customerPost('responses', { sellerId: seed.sellerId, code: 'call-back', at })() },
    { name: 'POST /v1/customers/:id/sales', roles: CUSTOMER_ROLES, ok: 201, writes: true, scoped: true, target: async () => customerPost('sales', { sellerId: seed.sellerId, sku: 'BB-100', quantity: 1, at })() },
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

  /** What API.md says this caller gets on this route. */
  function expected(route: Route, caller: Caller): number {
    if (caller.roles === null) return 401;
    if (!caller.roles.some((role) => route.roles.includes(role))) return 403;
    if (caller.scope === 'out' && route.scoped) return 403;
    return route.ok;
  }

  const matrix = routes.flatMap((route) => callers.map((caller) => ({ route, caller, status: expected(route, caller) })));

  it('covers all 15 routes with 5 roles in and out of scope, ["*"] and no token', () => {
    expect(routes).toHaveLength(15);
    expect(matrix).toHaveLength(15 * 13);
    // Sellers are global: an out-of-scope token with the right role still upserts one.
    expect(matrix.filter((c) => c.caller.scope === 'out' && c.status < 300).map((c) => `${c.route.name} / ${c.caller.label}`)).toEqual([
      'PUT /v1/sellers/:id / service out of scope',
      'PUT /v1/sellers/:id / admin out of scope',
    ]);
  });

  it.each(matrix.map((c) => [c.route.name, c.caller.label, c.status, c] as const))('%s as %s -> %i', async (_route, _caller, status, { route, caller }) => {
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
    const answer = await target.send(auth);
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
    expectProblem(await t.http.get(`/v1/customers/${foreignCustomer}`).set(seller), 403);
    expectProblem(await t.http.get(`/v1/campaigns/${other.campaignId}/customers`).set(seller), 403);
    expectProblem(await t.http.post(`/v1/campaigns/${other.campaignId}/customers`).set(seller).send({ customers: [{ customerRef: 'X-1' }] }), 403);
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
