import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedCampaign } from '../../support/campaign-fixtures';
import { expectProblem, writeCounts } from '../../support/problem-assertions';
import { startTestApp, type TestApp } from '../../support/test-app';

// Issue 9, "Integrator experience: data handling": what integrators send comes back the way the
// API documents it.

describe('campaigns API: data handling', () => {
  let t: TestApp;
  let seed: Awaited<ReturnType<typeof seedCampaign>>;

  beforeAll(async () => {
    t = await startTestApp();
    seed = await seedCampaign(t);
  });
  afterAll(() => t.close());

  const campaignBody = (extra: Record<string, unknown> = {}) => ({
    controllerId: seed.controllerId,
    name: 'Spring fibre',
    purpose: 'Telemarketing of fibre',
    startsOn: '2026-03-01',
    endsOn: '2026-03-31',
    currency: 'NOK',
    products: [{ sku: 'FIB-500', name: 'Fibre 500', unitPriceMinor: 59_900 }],
    ...extra,
  });

  describe('campaign definition', () => {
    it('returns the responseCodes given at creation on GET /v1/campaigns/:id', async () => {
      const created = await t.http.post('/v1/campaigns').set(seed.auth).send(campaignBody({ responseCodes: ['sold', 'call-back'] })).expect(201);
      const campaign = await t.http.get(`/v1/campaigns/${created.body.campaignId}`).set(seed.auth).expect(200);
      expect(campaign.body.responseCodes).toEqual(['sold', 'call-back']);
      const withoutCodes = await t.http.post('/v1/campaigns').set(seed.auth).send(campaignBody()).expect(201);
      expect((await t.http.get(`/v1/campaigns/${withoutCodes.body.campaignId}`).set(seed.auth).expect(200)).body.responseCodes).toEqual([]);
    });

    it('refuses a budget for an unknown seller with 422 naming the entry, like a sale by one, and writes nothing', async () => {
      const before = await writeCounts(t);
      const refused = await t.http
        .post('/v1/campaigns')
        .set(seed.auth)
        .send(campaignBody({ budgets: [{ sellerId: seed.sellerId, targetMinor: 100 }, { sellerId: 'seller-nobody', targetMinor: 100 }] }));
      expectProblem(refused, 422, { fields: ['budgets[1].sellerId'] });
      expect(await writeCounts(t)).toEqual(before);
      await t.http.put('/v1/sellers/seller-nobody').set(seed.auth).send({ name: 'Now registered' }).expect(200);
      await t.http
        .post('/v1/campaigns')
        .set(seed.auth)
        .send(campaignBody({ budgets: [{ sellerId: seed.sellerId, targetMinor: 100 }, { sellerId: 'seller-nobody', targetMinor: 100 }] }))
        .expect(201);
    });
  });
});
