import { describe, expect, it } from '@jest/globals';
import {
  callLogged,
  campaignClosed,
  campaignCreated,
  customerEnrolled,
  emailLogged,
  NEW_YORK,
  OSLO,
  productRegistered,
  responseRegistered,
  smsLogged,
} from '../../../../test/support/analytics-events';
import type { AnalyticsEvent } from './plain-event';
import { type CampaignFacts, emptyContext, foldBatch, type ProjectionContext, UnknownCampaign } from './projection-context';
import { projectSales } from './sales.projection';

const oslo: CampaignFacts = { campaignId: OSLO.campaignId, controllerId: OSLO.controllerId, currency: 'NOK', timeZone: 'Europe/Oslo' };
const known = (...campaigns: CampaignFacts[]): ProjectionContext => ({ campaigns: new Map(campaigns.map((c) => [c.campaignId, c])), customers: new Map() });

/** given(context).when(events): the changes projectSales returns for the batch. */
const when = (context: ProjectionContext, events: AnalyticsEvent[]) => foldBatch(context, events, projectSales);

describe('sales projection', () => {
  it('CampaignCreated makes the campaign known (owner, currency, time zone) and writes no row', () => {
    expect(projectSales(emptyContext(), campaignCreated(OSLO))).toEqual([{ kind: 'campaign-known', facts: oslo }]);
  });

  it('ProductRegistered: one fact with the campaign\'s controller, the amount as recorded, and its local day and month', () => {
    const sale = productRegistered('cu-1', OSLO, { sellerId: 'seller-anna', sku: 'BB-100', quantity: 2, unitPriceMinor: 49_900, at: '2026-12-03T09:00:00.000Z', interactionId: 'i-1' });
    expect(projectSales(known(oslo), sale)).toEqual([
      {
        kind: 'sale',
        sale: {
          interactionId: 'i-1',
          campaignId: OSLO.campaignId,
          controllerId: 'ctl-nordic',
          sellerId: 'seller-anna',
          sku: 'BB-100',
          quantity: 2,
          unitPriceMinor: 49_900,
          amountMinor: 99_800,
          currency: 'NOK',
          soldAt: '2026-12-03T09:00:00.000Z',
          localDay: '2026-12-03',
          localMonth: '2026-12-01',
        },
      },
    ]);
  });

  it('a sale at 23:30 UTC in Europe/Oslo is on the next local day; on New Year\'s Eve, in the next month', () => {
    const at = (instant: string) => projectSales(known(oslo), productRegistered('cu-1', OSLO, { sellerId: 's', sku: 'BB-100', quantity: 1, unitPriceMinor: 1, at: instant }));
    expect(at('2026-12-02T23:30:00.000Z')).toMatchObject([{ sale: { localDay: '2026-12-03', localMonth: '2026-12-01' } }]);
    expect(at('2026-12-02T22:59:59.000Z')).toMatchObject([{ sale: { localDay: '2026-12-02' } }]);
    expect(at('2026-12-31T23:10:00.000Z')).toMatchObject([{ sale: { localDay: '2027-01-01', localMonth: '2027-01-01' } }]);
    // Summer time: Oslo is UTC+2, so 22:00 UTC is already midnight.
    expect(at('2026-06-30T22:00:00.000Z')).toMatchObject([{ sale: { localDay: '2026-07-01', localMonth: '2026-07-01' } }]);
  });

  it('a sale at 03:00 UTC in America/New_York is on the previous local day', () => {
    const ny: CampaignFacts = { ...NEW_YORK };
    const [change] = projectSales(known(ny), productRegistered('cu-9', NEW_YORK, { sellerId: 's', sku: 'SOLAR', quantity: 1, unitPriceMinor: 120_000, at: '2026-12-03T03:00:00.000Z' }));
    expect(change).toMatchObject({ kind: 'sale', sale: { localDay: '2026-12-02', currency: 'EUR', controllerId: 'ctl-nordic' } });
  });

  it('a sku that is not in the campaign\'s catalogue is still counted as sold, at the recorded price', () => {
    const created = campaignCreated(OSLO, { products: [{ sku: 'BB-100', name: 'Broadband', unitPriceMinor: 49_900 }] });
    const { rows } = when(emptyContext(), [created, productRegistered('cu-1', OSLO, { sellerId: 's1', sku: 'LEGACY-7', quantity: 3, unitPriceMinor: 1_000, at: '2026-12-05T10:00:00.000Z' })]);
    expect(rows).toEqual([{ kind: 'sale', sale: expect.objectContaining({ sku: 'LEGACY-7', quantity: 3, amountMinor: 3_000, currency: 'NOK' }) }]);
  });

  it('an erased seller\'s sales give the same facts: nothing but the plain data is read', () => {
    const sales = [
      productRegistered('cu-1', OSLO, { sellerId: 'seller-gone', sku: 'BB-100', quantity: 1, unitPriceMinor: 49_900, at: '2026-12-03T10:00:00.000Z' }),
      productRegistered('cu-2', OSLO, { sellerId: 'seller-gone', sku: 'BB-100', quantity: 2, unitPriceMinor: 45_000, at: '2026-12-04T10:00:00.000Z' }),
    ];
    // As the store hands them over once the seller's and the customers' keys are gone: sealed
    // slots that open to nothing. The projection's output must not move.
    const erased = sales.map((event) => ({ ...event, personal: { erased: true } }) as unknown as AnalyticsEvent);
    expect(when(known(oslo), erased)).toEqual(when(known(oslo), sales));
    expect(when(known(oslo), erased).rows.map((r) => r.sale.amountMinor)).toEqual([49_900, 90_000]);
  });

  it('the batch fold: a campaign created earlier in the same batch is known to the sales after it', () => {
    const events = [
      campaignCreated(OSLO),
      productRegistered('cu-1', OSLO, { sellerId: 's1', sku: 'BB-100', quantity: 1, unitPriceMinor: 49_900, at: '2026-12-02T23:30:00.000Z' }),
      campaignCreated(NEW_YORK),
      productRegistered('cu-2', NEW_YORK, { sellerId: 's2', sku: 'SOLAR', quantity: 1, unitPriceMinor: 120_000, at: '2026-12-03T03:00:00.000Z' }),
    ];
    const { contextChanges, rows } = when(emptyContext(), events);
    expect(contextChanges).toEqual([
      { kind: 'campaign-known', facts: oslo },
      { kind: 'campaign-known', facts: { ...NEW_YORK } },
    ]);
    expect(rows.map((r) => [r.sale.campaignId, r.sale.localDay, r.sale.currency])).toEqual([
      [OSLO.campaignId, '2026-12-03', 'NOK'],
      [NEW_YORK.campaignId, '2026-12-02', 'EUR'],
    ]);
  });

  it('a sale of a campaign neither in the stored context nor earlier in the batch is refused by name, not guessed', () => {
    const sale = productRegistered('cu-1', OSLO, { sellerId: 's1', sku: 'BB-100', quantity: 1, unitPriceMinor: 1, at: '2026-12-03T10:00:00.000Z' });
    expect(() => when(emptyContext(), [sale])).toThrow(UnknownCampaign);
  });

  it('ignores everything else: closing, enrollment, SMS, e-mail, calls, responses', () => {
    const others: AnalyticsEvent[] = [
      campaignClosed(OSLO.campaignId, '2026-12-31T12:00:00.000Z'),
      customerEnrolled('cu-1', OSLO),
      smsLogged('cu-1', 's1', '2026-12-03T10:00:00.000Z'),
      emailLogged('cu-1', 's1', '2026-12-03T10:00:00.000Z'),
      callLogged('cu-1', 's1', '2026-12-03T10:00:00.000Z', 60),
      responseRegistered('cu-1', 's1', 'sold', '2026-12-03T10:00:00.000Z'),
    ];
    for (const event of others) expect(projectSales(known(oslo), event)).toEqual([]);
  });
});
