import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AnalyticsDataset, personalMarkers, seedAnalyticsDataset } from '../../support/analytics-dataset';
import { analyticsQueries, expectCsvOfRows, fetchAnswers } from '../../support/analytics-routes';
import { expectProblem } from '../../support/problem-assertions';
import { startTestApp, type TestApp } from '../../support/test-app';
import { tokenFor } from '../../support/tokens';

// Every figure below is worked out by hand from the interactions listed in analytics-dataset.ts
// (local days: Oslo UTC+1, New York UTC-5). Rows come ordered by key, then currency.

const SALES_COLUMNS = ['key', 'currency', 'sales', 'quantity', 'revenueMinor'];
const ACTIVITY_COLUMNS = ['key', 'currency', 'calls', 'talkSeconds', 'sms', 'emails', 'responses', 'sales', 'revenueMinor', 'salesPerTalkHour', 'conversion'];

const sale = (key: string, currency: string, sales: number, quantity: number, revenueMinor: number) => ({ key, currency, sales, quantity, revenueMinor });
const activity = (
  key: string,
  currency: string,
  [calls, talkSeconds, sms, emails, responses, sales, revenueMinor]: number[],
  salesPerTalkHour: number | null,
  conversion: number | null,
) => ({ key, currency, calls, talkSeconds, sms, emails, responses, sales, revenueMinor, salesPerTalkHour, conversion });
const byKey = <Row extends { key: string; currency?: string }>(rows: Row[]) =>
  [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : (a.currency ?? '') < (b.currency ?? '') ? -1 : 1));

describe('analytics figures over a known campaign set', () => {
  let t: TestApp;
  let d: AnalyticsDataset;
  let analyst: Record<string, string>;
  let nordicAnalyst: Record<string, string>;
  let otherAnalyst: Record<string, string>;
  /** Every analytics answer this suite received, for the personal-data scan at the end. */
  const received: string[] = [];

  const get = async (path: string, auth = analyst, accept = 'application/json') => {
    const res = await t.http.get(`${path}${path.includes('?') ? '&' : '?'}waitFor=${d.position}`).set(auth).set('Accept', accept);
    received.push(res.text);
    return res;
  };
  const ok = async (path: string, auth = analyst) => {
    const res = await get(path, auth);
    expect({ path, status: res.status, body: res.body }).toMatchObject({ status: 200 });
    return res.body;
  };

  beforeAll(async () => {
    t = await startTestApp({ withWorker: true });
    d = await seedAnalyticsDataset(t);
    analyst = { Authorization: `Bearer ${await tokenFor(t.config, ['analyst'], ['ctl-nordic', 'ctl-atlantic'], 'bi-analyst')}` };
    nordicAnalyst = { Authorization: `Bearer ${await tokenFor(t.config, ['analyst'], ['ctl-nordic'], 'nordic-analyst')}` };
    otherAnalyst = { Authorization: `Bearer ${await tokenFor(t.config, ['analyst'], ['ctl-elsewhere'], 'other-analyst')}` };
  });
  afterAll(() => t.close());

  describe('sales', () => {
    const totals = [sale('', 'EUR', 3, 4, 310_000), sale('', 'NOK', 5, 8, 269_300)].map(({ key: _k, ...total }) => total);

    it('by seller, with each seller\'s name and one total per currency', async () => {
      expect(await ok('/v1/analytics/sales?groupBy=seller')).toEqual({
        rows: [
          { ...sale('seller-anna', 'EUR', 1, 1, 120_000), sellerName: 'Anna Andersen' },
          { ...sale('seller-anna', 'NOK', 2, 3, 129_700), sellerName: 'Anna Andersen' },
          { ...sale('seller-bjorn', 'NOK', 2, 4, 129_600), sellerName: 'Bjørn Berg' },
          { ...sale('seller-carl', 'EUR', 2, 3, 190_000), sellerName: 'Carl Clark' },
          { ...sale('seller-dora', 'NOK', 1, 1, 10_000), sellerName: 'Dora Dahl' },
        ],
        totals,
      });
    });

    it('by campaign', async () => {
      expect(await ok('/v1/analytics/sales?groupBy=campaign')).toEqual({
        rows: byKey([sale(d.campaigns.oslo, 'NOK', 4, 7, 259_300), sale(d.campaigns.nyc, 'EUR', 3, 4, 310_000), sale(d.campaigns.atl, 'NOK', 1, 1, 10_000)]),
        totals,
      });
    });

    it('by product (a sku shared by two campaigns of one currency adds up)', async () => {
      expect(await ok('/v1/analytics/sales?groupBy=product')).toEqual({
        rows: [sale('BATT', 'EUR', 1, 2, 90_000), sale('BB-100', 'NOK', 3, 4, 149_700), sale('SOLAR', 'EUR', 2, 2, 220_000), sale('TV-MAX', 'NOK', 2, 4, 119_600)],
        totals,
      });
    });

    it('by local day: 23:30 UTC in Oslo is the next day, 03:00 UTC in New York the day before, New Year\'s Eve 23:10 UTC is 2027', async () => {
      expect(await ok('/v1/analytics/sales?groupBy=day')).toEqual({
        rows: [
          sale('2026-12-02', 'EUR', 1, 1, 120_000),
          sale('2026-12-03', 'EUR', 2, 3, 190_000),
          sale('2026-12-03', 'NOK', 4, 5, 179_600),
          sale('2027-01-01', 'NOK', 1, 3, 89_700),
        ],
        totals,
      });
    });

    it('by local month', async () => {
      expect(await ok('/v1/analytics/sales?groupBy=month')).toEqual({
        rows: [sale('2026-12', 'EUR', 3, 4, 310_000), sale('2026-12', 'NOK', 4, 5, 179_600), sale('2027-01', 'NOK', 1, 3, 89_700)],
        totals,
      });
    });

    it('filtered by seller, by local days (from/to inclusive), by campaign and by controller', async () => {
      expect(await ok('/v1/analytics/sales?groupBy=day&sellerId=seller-bjorn')).toEqual({
        rows: [sale('2026-12-03', 'NOK', 1, 1, 39_900), sale('2027-01-01', 'NOK', 1, 3, 89_700)],
        totals: [{ currency: 'NOK', sales: 2, quantity: 4, revenueMinor: 129_600 }],
      });
      // s5 (12-02 in New York) is out; s7 at 04:59 UTC on the 4th is 23:59 on the 3rd in New York, so in.
      expect(await ok('/v1/analytics/sales?groupBy=seller&from=2026-12-03&to=2026-12-03')).toEqual({
        rows: [
          { ...sale('seller-anna', 'NOK', 2, 3, 129_700), sellerName: 'Anna Andersen' },
          { ...sale('seller-bjorn', 'NOK', 1, 1, 39_900), sellerName: 'Bjørn Berg' },
          { ...sale('seller-carl', 'EUR', 2, 3, 190_000), sellerName: 'Carl Clark' },
          { ...sale('seller-dora', 'NOK', 1, 1, 10_000), sellerName: 'Dora Dahl' },
        ],
        totals: [
          { currency: 'EUR', sales: 2, quantity: 3, revenueMinor: 190_000 },
          { currency: 'NOK', sales: 4, quantity: 5, revenueMinor: 179_600 },
        ],
      });
      expect(await ok('/v1/analytics/sales?groupBy=day&from=2026-12-04')).toEqual({
        rows: [sale('2027-01-01', 'NOK', 1, 3, 89_700)],
        totals: [{ currency: 'NOK', sales: 1, quantity: 3, revenueMinor: 89_700 }],
      });
      expect(await ok(`/v1/analytics/sales?groupBy=day&campaignId=${d.campaigns.nyc}`)).toEqual({
        rows: [sale('2026-12-02', 'EUR', 1, 1, 120_000), sale('2026-12-03', 'EUR', 2, 3, 190_000)],
        totals: [{ currency: 'EUR', sales: 3, quantity: 4, revenueMinor: 310_000 }],
      });
      expect(await ok('/v1/analytics/sales?groupBy=seller&controllerId=ctl-atlantic')).toEqual({
        rows: [{ ...sale('seller-dora', 'NOK', 1, 1, 10_000), sellerName: 'Dora Dahl' }],
        totals: [{ currency: 'NOK', sales: 1, quantity: 1, revenueMinor: 10_000 }],
      });
    });
  });

  it('budgets with revenue and attainment (revenue / target)', async () => {
    const budget = (campaignId: string, currency: string, sellerId: string, targetMinor: number, revenueMinor: number, attainment: number) => ({
      campaignId,
      sellerId,
      currency,
      targetMinor,
      revenueMinor,
      attainment,
    });
    const oslo = [budget(d.campaigns.oslo, 'NOK', 'seller-anna', 200_000, 129_700, 0.6485), budget(d.campaigns.oslo, 'NOK', 'seller-bjorn', 100_000, 129_600, 1.296)];
    const nyc = [budget(d.campaigns.nyc, 'EUR', 'seller-anna', 300_000, 120_000, 0.4), budget(d.campaigns.nyc, 'EUR', 'seller-carl', 100_000, 190_000, 1.9)];
    const atl = [budget(d.campaigns.atl, 'NOK', 'seller-dora', 50_000, 10_000, 0.2)];
    const all = [...oslo, ...nyc, ...atl].sort((a, b) => (a.campaignId + a.sellerId < b.campaignId + b.sellerId ? -1 : 1));
    expect(await ok('/v1/analytics/budgets')).toEqual({ rows: all });
    expect(await ok(`/v1/analytics/budgets?campaignId=${d.campaigns.oslo}`)).toEqual({ rows: oslo });
    expect(await ok('/v1/analytics/budgets?sellerId=seller-anna')).toEqual({ rows: all.filter((row) => row.sellerId === 'seller-anna') });
  });

  it('records: best seller-day, best campaign-day and largest sale, in one currency', async () => {
    expect(await ok(`/v1/analytics/records?campaignId=${d.campaigns.oslo}`)).toEqual({
      bestSellerDay: { sellerId: 'seller-anna', day: '2026-12-03', revenueMinor: 129_700, currency: 'NOK' },
      bestCampaignDay: { campaignId: d.campaigns.oslo, day: '2026-12-03', revenueMinor: 169_600, currency: 'NOK' },
      largestSale: { sellerId: 'seller-anna', campaignId: d.campaigns.oslo, day: '2026-12-03', revenueMinor: 99_800, currency: 'NOK' },
    });
    // Carl's two New York sales of the 3rd (the second at 04:59 UTC on the 4th) make the best day.
    expect(await ok('/v1/analytics/records?currency=EUR')).toEqual({
      bestSellerDay: { sellerId: 'seller-carl', day: '2026-12-03', revenueMinor: 190_000, currency: 'EUR' },
      bestCampaignDay: { campaignId: d.campaigns.nyc, day: '2026-12-03', revenueMinor: 190_000, currency: 'EUR' },
      largestSale: { sellerId: 'seller-anna', campaignId: d.campaigns.nyc, day: '2026-12-02', revenueMinor: 120_000, currency: 'EUR' },
    });
    // Amounts in two currencies are not compared: name one.
    const mixed = await get('/v1/analytics/records');
    expectProblem(mixed, 400, { fields: ['currency'] });
    expect(mixed.body.type).toBe('urn:campaign-ledger:problem:mixed-currencies');
    expect(await ok(`/v1/analytics/records?campaignId=${d.campaigns.oslo}&sellerId=seller-carl`)).toEqual({ bestSellerDay: null, bestCampaignDay: null, largestSale: null });
  });

  it('responses by code and by seller', async () => {
    expect(await ok('/v1/analytics/responses?groupBy=code')).toEqual({
      rows: [
        { key: 'call-back', count: 2 },
        { key: 'not-interested', count: 2 },
        { key: 'sold', count: 8 },
      ],
    });
    expect(await ok('/v1/analytics/responses?groupBy=seller')).toEqual({
      rows: [
        { key: 'seller-anna', count: 4 },
        { key: 'seller-bjorn', count: 4 },
        { key: 'seller-carl', count: 3 },
        { key: 'seller-dora', count: 1 },
      ],
    });
    expect(await ok(`/v1/analytics/responses?groupBy=code&campaignId=${d.campaigns.oslo}`)).toEqual({
      rows: [
        { key: 'call-back', count: 2 },
        { key: 'not-interested', count: 1 },
        { key: 'sold', count: 4 },
      ],
    });
    expect(await ok('/v1/analytics/responses?groupBy=code&from=2026-12-03&to=2026-12-03')).toEqual({
      rows: [
        { key: 'not-interested', count: 1 },
        { key: 'sold', count: 6 },
      ],
    });
  });

  describe('activity', () => {
    it('by seller: calls, talk time, SMS, e-mails, responses, sales; sales per talk hour and conversion', async () => {
      expect(await ok('/v1/analytics/activity?groupBy=seller')).toEqual({
        rows: [
          activity('seller-anna', 'EUR', [1, 900, 0, 1, 1, 1, 120_000], 4, 1),
          activity('seller-anna', 'NOK', [2, 1800, 2, 1, 3, 2, 129_700], 4, 2 / 3),
          activity('seller-bjorn', 'NOK', [2, 5400, 2, 0, 4, 2, 129_600], 4 / 3, 0.5),
          activity('seller-carl', 'EUR', [2, 3600, 1, 1, 3, 2, 190_000], 2, 2 / 3),
          activity('seller-dora', 'NOK', [1, 1800, 0, 0, 1, 1, 10_000], 2, 1),
        ],
      });
    });

    it('by campaign', async () => {
      expect(await ok('/v1/analytics/activity?groupBy=campaign')).toEqual({
        rows: byKey([
          activity(d.campaigns.oslo, 'NOK', [4, 7200, 4, 1, 7, 4, 259_300], 2, 4 / 7),
          activity(d.campaigns.nyc, 'EUR', [3, 4500, 1, 2, 4, 3, 310_000], 2.4, 0.75),
          activity(d.campaigns.atl, 'NOK', [1, 1800, 0, 0, 1, 1, 10_000], 2, 1),
        ]),
      });
    });

    it('by local day: no talk time gives no sales per talk hour, no responses no conversion', async () => {
      expect(await ok('/v1/analytics/activity?groupBy=day')).toEqual({
        rows: [
          activity('2026-12-02', 'EUR', [1, 900, 0, 1, 1, 1, 120_000], 4, 1),
          activity('2026-12-02', 'NOK', [0, 0, 0, 0, 1, 0, 0], null, 0),
          activity('2026-12-03', 'EUR', [2, 3600, 1, 1, 3, 2, 190_000], 2, 2 / 3),
          activity('2026-12-03', 'NOK', [4, 7200, 2, 1, 4, 4, 179_600], 2, 1),
          activity('2026-12-05', 'NOK', [0, 0, 1, 0, 0, 0, 0], null, null),
          activity('2026-12-30', 'NOK', [0, 0, 1, 0, 1, 0, 0], null, 0),
          activity('2026-12-31', 'NOK', [0, 0, 0, 0, 1, 0, 0], null, 0),
          activity('2027-01-01', 'NOK', [1, 1800, 0, 0, 1, 1, 89_700], 2, 1),
        ],
      });
    });

    it('filtered by seller and by local days', async () => {
      expect(await ok('/v1/analytics/activity?groupBy=day&sellerId=seller-carl')).toEqual({
        rows: [activity('2026-12-03', 'EUR', [2, 3600, 1, 1, 3, 2, 190_000], 2, 2 / 3)],
      });
      expect(await ok('/v1/analytics/activity?groupBy=seller&from=2026-12-30&to=2027-01-01')).toEqual({
        rows: [activity('seller-bjorn', 'NOK', [1, 1800, 1, 0, 3, 1, 89_700], 2, 1 / 3)],
      });
    });
  });

  it('Accept: text/csv answers each route\'s rows as RFC 4180 CSV that parses back to the JSON rows', async () => {
    for (const path of analyticsQueries(d)) {
      const json = await ok(path);
      const csv = await get(path, analyst, 'text/csv');
      expect({ path, status: csv.status, type: csv.headers['content-type'] }).toEqual({ path, status: 200, type: 'text/csv; charset=utf-8' });
      if (path.includes('/records')) {
        const rows = (['bestSellerDay', 'bestCampaignDay', 'largestSale'] as const).map((record) => ({ record, ...json[record] }));
        expectCsvOfRows(csv.text, rows, ['record', 'sellerId', 'campaignId', 'day', 'revenueMinor', 'currency']);
      } else if (path.includes('/sales')) {
        expectCsvOfRows(csv.text, json.rows, path.includes('groupBy=seller') ? [...SALES_COLUMNS, 'sellerName'] : SALES_COLUMNS);
      } else if (path.includes('/activity')) {
        expectCsvOfRows(csv.text, json.rows, ACTIVITY_COLUMNS);
      } else if (path.includes('/budgets')) {
        expectCsvOfRows(csv.text, json.rows, ['campaignId', 'sellerId', 'currency', 'targetMinor', 'revenueMinor', 'attainment']);
      } else {
        expectCsvOfRows(csv.text, json.rows, ['key', 'count']);
      }
    }
    // Names are UTF-8 in CSV too.
    const res = await get('/v1/analytics/sales?groupBy=seller&sellerId=seller-bjorn', analyst, 'text/csv');
    expect(res.text.split('\r\n')[1]).toBe('seller-bjorn,NOK,2,4,129600,Bjørn Berg');
  });

  it('an empty answer in CSV is still a header row', async () => {
    const res = await get('/v1/analytics/activity?groupBy=seller&sellerId=nobody', analyst, 'text/csv');
    expect(res.status).toBe(200);
    expect(res.text).toBe(`${ACTIVITY_COLUMNS.join(',')}\r\n`);
  });

  describe('scope', () => {
    it('an analyst of one controller sees only its campaigns\' rows', async () => {
      const bySeller = await ok('/v1/analytics/sales?groupBy=seller', nordicAnalyst);
      expect(bySeller.rows.map((r: { key: string; currency: string }) => `${r.key} ${r.currency}`)).toEqual(['seller-anna EUR', 'seller-anna NOK', 'seller-bjorn NOK', 'seller-carl EUR']);
      expect(bySeller.totals).toEqual([
        { currency: 'EUR', sales: 3, quantity: 4, revenueMinor: 310_000 },
        { currency: 'NOK', sales: 4, quantity: 7, revenueMinor: 259_300 },
      ]);
      expect((await ok('/v1/analytics/budgets', nordicAnalyst)).rows.map((r: { sellerId: string }) => r.sellerId).sort()).toEqual(['seller-anna', 'seller-anna', 'seller-bjorn', 'seller-carl']);
      expect(await ok(`/v1/analytics/sales?groupBy=day&campaignId=${d.campaigns.atl}`, nordicAnalyst)).toEqual({ rows: [], totals: [] });
      expect(await ok('/v1/analytics/responses?groupBy=seller', nordicAnalyst)).toEqual({
        rows: [
          { key: 'seller-anna', count: 4 },
          { key: 'seller-bjorn', count: 4 },
          { key: 'seller-carl', count: 3 },
        ],
      });
      // A controller outside the token is refused, as for a body.
      expectProblem(await get('/v1/analytics/sales?controllerId=ctl-atlantic', nordicAnalyst), 403);
    });

    it('an analyst of another controller sees none of the rows through any route', async () => {
      for (const path of analyticsQueries(d).filter((p) => !p.includes('controllerId='))) {
        const body = await ok(path, otherAnalyst);
        if (path.includes('/records')) expect({ path, body }).toEqual({ path, body: { bestSellerDay: null, bestCampaignDay: null, largestSale: null } });
        else expect({ path, rows: body.rows, totals: body.totals ?? [] }).toEqual({ path, rows: [], totals: [] });
      }
      expectProblem(await get('/v1/analytics/sales?controllerId=ctl-nordic', otherAnalyst), 403);
    });

    it('sellers, services and compliance staff do not read analytics', async () => {
      for (const role of ['seller', 'service', 'compliance'] as const) {
        const auth = { Authorization: `Bearer ${await tokenFor(t.config, [role], ['*'], `${role}-client`, role === 'seller' ? { sellerId: 'seller-anna' } : {})}` };
        expectProblem(await t.http.get('/v1/analytics/sales').set(auth), 403);
      }
    });
  });

  it('no answer holds a personal value of the seeded data, nor a customer id', async () => {
    for (const answer of (await fetchAnswers(t, analyst, analyticsQueries(d), d.position)).values()) received.push(answer.text);
    const markers = [...personalMarkers(), ...Object.values(d.customers)];
    // The markers are really in the data: the customer card opens them.
    const card = await t.http.get(`/v1/customers/${d.customers.k1}`).set(d.service).expect(200);
    expect(JSON.stringify(card.body)).toContain('MRKsms-m1');
    expect(received.length).toBeGreaterThan(60);
    const text = received.join('\n').toLowerCase();
    expect(markers.filter((marker) => text.includes(marker.toLowerCase()))).toEqual([]);
  });
});
