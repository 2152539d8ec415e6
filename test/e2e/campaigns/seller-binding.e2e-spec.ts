import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Role } from '@app/platform';
import { enrollOne, seedCampaign } from '../../support/campaign-fixtures';
import { expectProblem, writeCounts } from '../../support/problem-assertions';
import { startTestApp, type TestApp } from '../../support/test-app';
import { tokenFor } from '../../support/tokens';

// API.md: a caller whose only write role is `seller` writes interactions only under the
// `sellerId` of its token; `service` (a dialer backend) and `admin` name any seller. Otherwise one
// seller could book sales on another's commission.

const at = '2026-12-02T09:00:00Z';
type Body = Record<string, unknown>;
const interactions = (sellerId: string): Record<string, Body> => ({
  sms: { sellerId, direction: 'outbound', phone: '+4791234567', body: 'Hei', at },
  emails: { sellerId, direction: 'outbound', address: 'kari@example.no', subject: 'Offer', body: 'Hi Kari', at },
  calls: { sellerId, phone: '+4791234567', startedAt: at, durationSeconds: 60, notes: 'Busy' },
  responses: { sellerId, code: 'call-back', comment: 'After six', at },
  sales: { sellerId, sku: 'BB-100', quantity: 1, at },
});
const KINDS = ['sms', 'emails', 'calls', 'responses', 'sales'];

describe('campaigns API: a seller writes only as itself', () => {
  let t: TestApp;
  let seed: Awaited<ReturnType<typeof seedCampaign>>;
  let customerId: string;
  let otherSeller: string;

  beforeAll(async () => {
    t = await startTestApp();
    seed = await seedCampaign(t);
    customerId = await enrollOne(t, seed.campaignId, seed.auth);
    otherSeller = `seller-${randomUUID().slice(0, 8)}`;
    await t.http.put(`/v1/sellers/${otherSeller}`).set(seed.auth).send({ name: 'Kari Selger' }).expect(200);
  });
  afterAll(() => t.close());

  const auth = async (roles: Role[], sellerId?: string, controllers = [seed.controllerId]) => ({
    Authorization: `Bearer ${await tokenFor(t.config, roles, controllers, `binding-${roles.join('+')}`, sellerId === undefined ? {} : { sellerId })}`,
  });
  const post = (kind: string, headers: Record<string, string>, sellerId: string, customer = customerId) =>
    t.http.post(`/v1/customers/${customer}/${kind}`).set(headers).send(interactions(sellerId)[kind]);
  /** The interactions of the customer's timeline, as [type, sellerId]. */
  const timeline = async () =>
    ((await t.http.get(`/v1/customers/${customerId}`).set(seed.auth).expect(200)).body.timeline as { type: string; sellerId: string }[]).map((entry) => [entry.type, entry.sellerId]);

  async function refused(send: () => PromiseLike<{ status: number; headers: Record<string, string>; body: unknown }>) {
    const before = await writeCounts(t);
    const answer = await send();
    expectProblem(answer, 403);
    expect(await writeCounts(t)).toEqual(before);
    return answer.body as { detail: string };
  }

  it.each(KINDS)('a seller token records %s under its own sellerId: 201', async (kind) => {
    const answer = await post(kind, await auth(['seller'], seed.sellerId), seed.sellerId);
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 201, body: { interactionId: expect.any(String), position: expect.any(String) } });
  });

  it.each(KINDS)('a seller token naming another seller in %s: 403, nothing written', async (kind) => {
    const problem = await refused(async () => post(kind, await auth(['seller'], seed.sellerId), otherSeller));
    expect(problem.detail).toContain('sellerId');
    // The answer names neither seller.
    expect(JSON.stringify(problem)).not.toContain(otherSeller);
    expect(JSON.stringify(problem)).not.toContain(seed.sellerId);
  });

  it.each(KINDS)('a seller token without a sellerId claim cannot record %s: 403 naming the missing claim', async (kind) => {
    const problem = await refused(async () => post(kind, await auth(['seller']), seed.sellerId));
    expect(problem.detail).toMatch(/sellerId claim/);
    expect(problem.detail).toMatch(/no|missing|lacks/i);
  });

  it('a seller token that is also an analyst is still bound (analyst is no write role)', async () => {
    await refused(async () => post('sales', await auth(['seller', 'analyst'], seed.sellerId), otherSeller));
  });

  it.each(KINDS)('a service token records %s under any seller: 201', async (kind) => {
    const service = await auth(['service']);
    await post(kind, service, seed.sellerId).expect(201);
    await post(kind, service, otherSeller).expect(201);
  });

  it('admin, and seller+service, name any seller; their own sellerId claim does not bind them', async () => {
    await post('responses', await auth(['admin'], seed.sellerId), otherSeller).expect(201);
    await post('responses', await auth(['seller', 'service'], seed.sellerId), otherSeller).expect(201);
  });

  it('decides the binding before looking the customer up: the same 403 for a known, an out-of-scope and an unknown customer', async () => {
    const seller = await auth(['seller'], seed.sellerId, ['someone-else']);
    const known = await refused(() => post('sms', seller, otherSeller));
    const unknown = await refused(() => post('sms', seller, otherSeller, randomUUID()));
    expect(unknown).toEqual({ ...known, instance: expect.any(String) });
  });

  it('kept exactly the accepted interactions, each under the seller it named', async () => {
    const entries = await timeline();
    const types = ['sms', 'email', 'call', 'response', 'sale'];
    const count = (type: string, sellerId: string) => entries.filter(([t, s]) => t === type && s === sellerId).length;
    // Own seller: once by the seller token, once by the service token; the other seller: once by service.
    expect(types.map((type) => [type, count(type, seed.sellerId), count(type, otherSeller)])).toEqual(
      types.map((type) => [type, 2, type === 'response' ? 3 : 1]),
    );
  });
});
