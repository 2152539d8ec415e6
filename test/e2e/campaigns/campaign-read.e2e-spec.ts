import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Role } from '@app/platform';
import { expectProblem } from '../../support/problem-assertions';
import { startTestApp, type TestApp } from '../../support/test-app';
import { tokenFor } from '../../support/tokens';

// GET /v1/campaigns/:id for the roles that read it (service, seller, analyst, admin; in scope).
// Sellers need the products and response codes to register sales and responses; another
// seller's budget is not theirs to see, so a seller gets only its own entry (by its sellerId claim).

describe('GET /v1/campaigns/:id: who reads a campaign, and which budgets', () => {
  let t: TestApp;
  const controllerId = `ctl-${randomUUID().slice(0, 8)}`;
  const [ola, kari, per] = ['ola', 'kari', 'per'].map((name) => `seller-${name}-${randomUUID().slice(0, 6)}`);
  const budgets = [
    { sellerId: ola, targetMinor: 1_000_000 },
    { sellerId: kari, targetMinor: 2_500_000 },
  ];
  let campaignId: string;

  const auth = async (roles: Role[], options: { sellerId?: string; controllers?: string[] } = {}) => ({
    Authorization: `Bearer ${await tokenFor(t.config, roles, options.controllers ?? [controllerId], `reader-${roles.join('+')}`, options.sellerId ? { sellerId: options.sellerId } : {})}`,
  });
  const read = async (roles: Role[], options: { sellerId?: string; controllers?: string[]; id?: string } = {}) =>
    t.http.get(`/v1/campaigns/${options.id ?? campaignId}`).set(await auth(roles, options));

  beforeAll(async () => {
    t = await startTestApp();
    const service = await auth(['service']);
    await t.http.post('/v1/controllers').set(service).send({ id: controllerId, name: 'Telco Norge AS' }).expect(201);
    for (const sellerId of [ola, kari, per]) await t.http.put(`/v1/sellers/${sellerId}`).set(service).send({ name: 'Selger' }).expect(200);
    const created = await t.http
      .post('/v1/campaigns')
      .set(service)
      .send({
        controllerId,
        name: 'Winter broadband',
        purpose: 'Telemarketing of broadband',
        startsOn: '2026-12-01',
        endsOn: '2026-12-31',
        currency: 'NOK',
        products: [{ sku: 'BB-100', name: 'Broadband 100', unitPriceMinor: 49_900 }],
        budgets,
        responseCodes: ['sold', 'call-back'],
      })
      .expect(201);
    campaignId = created.body.campaignId;
  });
  afterAll(() => t.close());

  it('a seller in scope reads the products and response codes, and only its own budget', async () => {
    const answer = await read(['seller'], { sellerId: ola });
    expect({ status: answer.status, body: answer.body }).toMatchObject({
      status: 200,
      body: {
        campaignId,
        controllerId,
        status: 'active',
        products: [{ sku: 'BB-100', name: 'Broadband 100', unitPriceMinor: 49_900 }],
        responseCodes: ['sold', 'call-back'],
        budgets: [{ sellerId: ola, targetMinor: 1_000_000 }],
      },
    });
    expect((await read(['seller'], { sellerId: kari })).body.budgets).toEqual([{ sellerId: kari, targetMinor: 2_500_000 }]);
  });

  it('a seller without a budget in the campaign, or without a sellerId claim, sees no budget at all', async () => {
    expect((await read(['seller'], { sellerId: per })).body).toMatchObject({ campaignId, budgets: [] });
    expect((await read(['seller'])).body).toMatchObject({ campaignId, budgets: [] });
    // No other seller's id or target leaks anywhere in the answer.
    const text = JSON.stringify((await read(['seller'], { sellerId: per })).body);
    expect(text).not.toContain(ola);
    expect(text).not.toContain(kari);
  });

  it.each([[['analyst']], [['service']], [['admin']], [['seller', 'analyst']], [['seller', 'service']]] as Role[][][])('%j in scope sees every budget', async (roles) => {
    const answer = await read(roles, { sellerId: ola });
    expect({ status: answer.status, budgets: answer.body.budgets }).toEqual({ status: 200, budgets });
  });

  it('compliance may not read it: 403 (the role check comes first)', async () => {
    expectProblem(await read(['compliance']), 403);
  });

  it.each([['seller'], ['analyst']] as Role[][])('%s outside the controller gets 404, the very answer of an unknown id', async (role) => {
    const hidden = await read([role], { sellerId: ola, controllers: ['someone-else'] });
    const unknown = await read([role], { sellerId: ola, controllers: ['someone-else'], id: randomUUID() });
    const unknownInScope = await read([role], { sellerId: ola, id: randomUUID() });
    for (const answer of [hidden, unknown, unknownInScope]) expectProblem(answer, 404);
    const withoutInstance = ({ instance: _instance, ...rest }: Record<string, unknown>) => rest;
    expect(withoutInstance(hidden.body)).toEqual(withoutInstance(unknown.body));
    expect(withoutInstance(unknownInScope.body)).toEqual(withoutInstance(unknown.body));
  });
});
