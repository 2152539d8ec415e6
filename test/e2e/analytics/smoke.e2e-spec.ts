import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedCampaign, enrollOne } from '../../support/campaign-fixtures';
import { startTestApp, type TestApp } from '../../support/test-app';
import { tokenFor } from '../../support/tokens';

describe('analytics smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ withWorker: true });
  });
  afterAll(() => t.close());

  it('projects a sale', async () => {
    const seeded = await seedCampaign(t);
    const customerId = await enrollOne(t, seeded.campaignId, seeded.auth);
    const sale = await t.http.post(`/v1/customers/${customerId}/sales`).set(seeded.auth).send({ sellerId: seeded.sellerId, sku: 'BB-100', quantity: 2, at: '2026-12-02T23:30:00Z' }).expect(201);
    const analyst = await tokenFor(t.config, ['analyst'], [seeded.controllerId]);
    const res = await t.http.get(`/v1/analytics/sales?groupBy=day&waitFor=${sale.body.position}`).set({ Authorization: `Bearer ${analyst}` });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ rows: [{ key: '2026-12-03', currency: 'NOK', sales: 1, quantity: 2, revenueMinor: 99800 }], totals: [{ currency: 'NOK', sales: 1, quantity: 2, revenueMinor: 99800 }] });
    const bySeller = await t.http.get(`/v1/analytics/sales?groupBy=seller`).set({ Authorization: `Bearer ${analyst}` });
    expect(bySeller.body.rows[0].sellerName).toBe('Ola Selger');
    // The other two projections have passed the sale too (the routes that read them wait for it).
    await t.http.get(`/v1/analytics/budgets?waitFor=${sale.body.position}`).set({ Authorization: `Bearer ${analyst}` }).expect(200);
    await t.http.get(`/v1/analytics/activity?waitFor=${sale.body.position}`).set({ Authorization: `Bearer ${analyst}` }).expect(200);
    const admin = await tokenFor(t.config, ['admin']);
    const projections = await t.http.get('/v1/projections').set({ Authorization: `Bearer ${admin}` });
    expect(projections.body.projections.map((p: { name: string; status: string }) => [p.name, p.status])).toEqual([['campaigns', 'live'], ['sales', 'live'], ['activity', 'live']]);
    const csv = await t.http.get('/v1/analytics/activity').set({ Authorization: `Bearer ${analyst}`, Accept: 'text/csv' });
    expect(csv.text.split('\r\n')[0]).toBe('key,currency,calls,talkSeconds,sms,emails,responses,sales,revenueMinor,salesPerTalkHour,conversion');
  });
});
