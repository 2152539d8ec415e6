import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROJECTIONS, ProjectionRebuilder } from '@app/analytics';
import { KeyShredder } from '@app/crypto-shredding';
import { type AnalyticsDataset, seedAnalyticsDataset, SELLERS } from '../../support/analytics-dataset';
import { type Answer, analyticsQueries, fetchAnswers } from '../../support/analytics-routes';
import { startTestApp, type TestApp } from '../../support/test-app';
import { tokenFor } from '../../support/tokens';

// Analytics is computed from plain event data only, so destroying keys (the crypto core's
// erasure, driven directly: the compliance routes come later) changes no figure. The one field
// that may move is sellerName, opened from the seller's own key at query time.

describe('analytics answers are unchanged by erasure', () => {
  let t: TestApp;
  let d: AnalyticsDataset;
  let shredder: KeyShredder;
  let analyst: Record<string, string>;
  let queries: string[];
  let original: Map<string, Answer>;

  const answersNow = () => fetchAnswers(t, analyst, queries, d.position);
  const status = async (customerKey: keyof AnalyticsDataset['customers']) =>
    (await t.http.get(`/v1/customers/${d.customers[customerKey]}`).set(d.service).expect(200)).body as { personal: unknown; timeline: { personal: unknown }[] };

  beforeAll(async () => {
    t = await startTestApp({ withWorker: true });
    shredder = t.app.get(KeyShredder);
    d = await seedAnalyticsDataset(t);
    analyst = { Authorization: `Bearer ${await tokenFor(t.config, ['analyst'], ['*'], 'bi-analyst')}` };
    queries = [...analyticsQueries(d), '/v1/analytics/records?currency=NOK', `/v1/analytics/records?campaignId=${d.campaigns.nyc}`];
    original = await answersNow();
    expect([...original.values()].every((answer) => answer.status === 200)).toBe(true);
  });
  afterAll(() => t.close());

  it("a campaign's every key destroyed (content and reference): every answer identical", async () => {
    const result = await shredder.destroyNow({ campaignId: d.campaigns.oslo, scopes: ['content', 'reference'] }, { actor: 'invariance-test' }, { vacuum: false });
    expect(result.customersAffected).toBe(3);
    // The erasure is real: the customers' cards no longer open.
    const k1 = await status('k1');
    expect(k1.personal).toBeNull();
    expect(k1.timeline.every((entry) => entry.personal === null)).toBe(true);
    expect(await answersNow()).toEqual(original);
  });

  it('single customers erased in another campaign: every answer identical', async () => {
    const result = await shredder.destroyNow({ customerIds: [d.customers.k4, d.customers.k6], scopes: ['content', 'reference'] }, { actor: 'invariance-test' }, { vacuum: false });
    expect(result.customersAffected).toBe(2);
    expect((await status('k4')).personal).toBeNull();
    expect((await status('k5')).personal).not.toBeNull();
    expect(await answersNow()).toEqual(original);
  });

  it("a seller's key destroyed: every answer identical but that seller's name, now null", async () => {
    const result = await shredder.destroyNow({ sellerIds: [SELLERS.anna.id] }, { actor: 'invariance-test' }, { vacuum: false });
    expect(result.keysDestroyed).toBe(1);
    const after = await answersNow();
    const changed = [...after.keys()].filter((key) => after.get(key)!.text !== original.get(key)!.text);
    // Only answers with Anna's name in them moved, and only that name.
    expect(changed.length).toBeGreaterThan(0);
    for (const key of [...after.keys()]) {
      const expected = original.get(key)!;
      const text = key.startsWith('text/csv')
        ? expected.text.replace(/^(seller-anna,.*),Anna Andersen\r$/gm, '$1,\r')
        : expected.text.replaceAll('"sellerName":"Anna Andersen"', '"sellerName":null');
      expect({ key, text: after.get(key)!.text, status: after.get(key)!.status }).toEqual({ key, text, status: 200 });
    }
    expect(changed.every((key) => key.includes('/sales') && original.get(key)!.text.includes('Anna Andersen'))).toBe(true);
    const bySeller = JSON.parse(after.get('application/json /v1/analytics/sales?groupBy=seller')!.text);
    expect(bySeller.rows.map((row: { key: string; sellerName: string | null }) => [row.key, row.sellerName])).toEqual([
      ['seller-anna', null],
      ['seller-anna', null],
      ['seller-bjorn', 'Bjørn Berg'],
      ['seller-carl', 'Carl Clark'],
      ['seller-dora', 'Dora Dahl'],
    ]);
  });

  it('a rebuild from the log after all of it gives the same answers: projections never needed a key', async () => {
    const beforeRebuild = await answersNow();
    for (const projection of PROJECTIONS) await t.app.get(ProjectionRebuilder).rebuild(projection.name);
    expect(await answersNow()).toEqual(beforeRebuild);
  });
});
