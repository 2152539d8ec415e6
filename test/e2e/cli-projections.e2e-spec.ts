import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { enrollOne, seedCampaign } from '../support/campaign-fixtures';
import { builtEntry, cleanEnv, runToEnd } from '../support/processes';
import { startTestApp, type TestApp } from '../support/test-app';
import { tokenFor } from '../support/tokens';

describe('cli projections', () => {
  let t: TestApp;
  let analyst: Record<string, string>;
  let position: string;

  const cli = (...args: string[]) => runToEnd([builtEntry('cli'), ...args], cleanEnv({ DATABASE_URL: t.database.url, LOG_LEVEL: 'warn' }), 60_000);

  beforeAll(async () => {
    t = await startTestApp({ withWorker: true });
    const seeded = await seedCampaign(t);
    const customerId = await enrollOne(t, seeded.campaignId, seeded.auth);
    for (const quantity of [1, 2, 3]) {
      const sale = await t.http.post(`/v1/customers/${customerId}/sales`).set(seeded.auth).send({ sellerId: seeded.sellerId, sku: 'BB-100', quantity }).expect(201);
      position = sale.body.position;
    }
    analyst = { Authorization: `Bearer ${await tokenFor(t.config, ['analyst'], [seeded.controllerId])}` };
  });
  afterAll(() => t.close());

  it('status lists every projection with its lag', async () => {
    await t.http.get(`/v1/analytics/sales?waitFor=${position}`).set(analyst).expect(200);
    const result = cli('projections', 'status');
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^projection\s+status\s+lag events\s+lag\s+position$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/).slice(0, 3))).toEqual([
      ['campaigns', 'live', '0'],
      ['sales', 'live', '0'],
      ['activity', 'live', '0'],
    ]);
  });

  it('rebuild swaps in tables that answer exactly as before, and the live projection goes on from there', async () => {
    const before = await t.http.get(`/v1/analytics/sales?groupBy=day&waitFor=${position}`).set(analyst).expect(200);
    expect(before.body.totals).toEqual([{ currency: 'NOK', sales: 3, quantity: 6, revenueMinor: 6 * 49_900 }]);
    const result = cli('projections', 'rebuild', 'sales');
    expect(result.code).toBe(0);
    // The campaign and the three sales: the events of the types the projection reads.
    expect(result.stdout).toMatch(/^rebuilt sales: 4 events in \d+\.\d s \(\d+ events\/s\), swapped in at \d{20}-\d{20}\n$/);
    const after = await t.http.get('/v1/analytics/sales?groupBy=day').set(analyst).expect(200);
    expect(after.text).toBe(before.text);
  });

  it('refuses an unknown projection with one line and exit 1', () => {
    const result = cli('projections', 'rebuild', 'nope');
    expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
      code: 1,
      stdout: '',
      stderr: 'campaign-ledger: no projection named "nope"; projections are campaigns, sales, activity\n',
    });
  });
});
