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
import { projectActivity } from './activity.projection';
import type { AnalyticsEvent } from './plain-event';
import { type CampaignFacts, emptyContext, foldBatch, type ProjectionContext } from './projection-context';

const CU1 = '11111111-1111-4111-8111-111111111111';
const CU2 = '22222222-2222-4222-8222-222222222222';
const oslo: CampaignFacts = { ...OSLO };
const newYork: CampaignFacts = { ...NEW_YORK };
/** A context as loadContext reads it: these campaigns, and which campaign each customer is in. */
const known = (campaigns: CampaignFacts[], customers: [string, string][] = []): ProjectionContext => ({
  campaigns: new Map(campaigns.map((c) => [c.campaignId, c])),
  customers: new Map(customers),
});
const inOslo = known([oslo, newYork], [[CU1, OSLO.campaignId], [CU2, NEW_YORK.campaignId]]);

const ZERO = { calls: 0, talkSeconds: 0, sms: 0, emails: 0, responses: 0, sales: 0, revenueMinor: 0 };
const place = (sellerId: string, localDay: string, campaign = oslo) => ({
  campaignId: campaign.campaignId,
  controllerId: campaign.controllerId,
  sellerId,
  localDay,
  currency: campaign.currency,
});

describe('activity projection', () => {
  it('CampaignCreated and CustomerEnrolled only teach the context; CampaignClosed changes nothing', () => {
    expect(projectActivity(emptyContext(), campaignCreated(OSLO))).toEqual([{ kind: 'campaign-known', facts: oslo }]);
    expect(projectActivity(emptyContext(), customerEnrolled(CU1, OSLO))).toEqual([{ kind: 'customer-known', customerId: CU1, campaignId: OSLO.campaignId }]);
    expect(projectActivity(inOslo, campaignClosed(OSLO.campaignId, '2026-12-31T12:00:00.000Z'))).toEqual([]);
  });

  it('SmsLogged and EmailLogged count one each for the seller on the local day, in the campaign of the customer\'s stream', () => {
    expect(projectActivity(inOslo, smsLogged(CU1, 'seller-anna', '2026-12-03T10:00:00.000Z'))).toEqual([
      { kind: 'activity', delta: { ...place('seller-anna', '2026-12-03'), ...ZERO, sms: 1 } },
    ]);
    expect(projectActivity(inOslo, emailLogged(CU2, 'seller-carl', '2026-12-03T02:00:00.000Z'))).toEqual([
      { kind: 'activity', delta: { ...place('seller-carl', '2026-12-02', newYork), ...ZERO, emails: 1 } },
    ]);
  });

  it('CallLogged counts a call and its talk time on the local day it started (23:30 UTC in Oslo is the next day)', () => {
    expect(projectActivity(inOslo, callLogged(CU1, 'seller-anna', '2026-12-02T23:30:00.000Z', 600))).toEqual([
      { kind: 'activity', delta: { ...place('seller-anna', '2026-12-03'), ...ZERO, calls: 1, talkSeconds: 600 } },
    ]);
  });

  it('ResponseRegistered counts a response for the seller and one for its code', () => {
    expect(projectActivity(inOslo, responseRegistered(CU1, 'seller-anna', 'call-back', '2026-12-02T12:00:00.000Z'))).toEqual([
      { kind: 'activity', delta: { ...place('seller-anna', '2026-12-02'), ...ZERO, responses: 1 } },
      { kind: 'response', delta: { campaignId: OSLO.campaignId, controllerId: 'ctl-nordic', sellerId: 'seller-anna', code: 'call-back', localDay: '2026-12-02' } },
    ]);
  });

  it('ProductRegistered counts a sale and its revenue, placed by the campaign the event names', () => {
    const sale = productRegistered(CU2, NEW_YORK, { sellerId: 'seller-carl', sku: 'BATT', quantity: 2, unitPriceMinor: 45_000, at: '2026-12-04T04:59:00.000Z' });
    // No customer context needed: the sale carries its campaign.
    expect(projectActivity(known([newYork]), sale)).toEqual([
      { kind: 'activity', delta: { ...place('seller-carl', '2026-12-03', newYork), ...ZERO, sales: 1, revenueMinor: 90_000 } },
    ]);
  });

  it('a sale of a sku outside the catalogue counts like any other', () => {
    const sale = productRegistered(CU1, OSLO, { sellerId: 'seller-anna', sku: 'NOT-LISTED', quantity: 1, unitPriceMinor: 7_500, at: '2026-12-03T10:00:00.000Z' });
    expect(projectActivity(inOslo, sale)).toEqual([{ kind: 'activity', delta: { ...place('seller-anna', '2026-12-03'), ...ZERO, sales: 1, revenueMinor: 7_500 } }]);
  });

  it('an erased seller\'s interactions give the same deltas', () => {
    const events: AnalyticsEvent[] = [
      callLogged(CU1, 'seller-gone', '2026-12-03T09:00:00.000Z', 300),
      responseRegistered(CU1, 'seller-gone', 'sold', '2026-12-03T09:10:00.000Z'),
      productRegistered(CU1, OSLO, { sellerId: 'seller-gone', sku: 'BB-100', quantity: 1, unitPriceMinor: 49_900, at: '2026-12-03T09:11:00.000Z' }),
    ];
    const erased = events.map((event) => ({ ...event, personal: { erased: true } }) as unknown as AnalyticsEvent);
    const fold = (batch: AnalyticsEvent[]) => foldBatch(known([oslo], [[CU1, OSLO.campaignId]]), batch, projectActivity);
    expect(fold(erased)).toEqual(fold(events));
    expect(fold(erased).rows).toHaveLength(4);
  });

  it('the batch fold: a campaign and a customer enrolled earlier in the batch place the interactions after them', () => {
    const { contextChanges, rows } = foldBatch(emptyContext(), [
      campaignCreated(OSLO),
      customerEnrolled(CU1, OSLO),
      smsLogged(CU1, 'seller-anna', '2026-12-03T10:00:00.000Z'),
      callLogged(CU1, 'seller-anna', '2026-12-03T11:00:00.000Z', 120),
    ], projectActivity);
    expect(contextChanges).toEqual([
      { kind: 'campaign-known', facts: oslo },
      { kind: 'customer-known', customerId: CU1, campaignId: OSLO.campaignId },
    ]);
    expect(rows).toEqual([
      { kind: 'activity', delta: { ...place('seller-anna', '2026-12-03'), ...ZERO, sms: 1 } },
      { kind: 'activity', delta: { ...place('seller-anna', '2026-12-03'), ...ZERO, calls: 1, talkSeconds: 120 } },
    ]);
  });

  it('an interaction on a stream whose enrollment the projection never saw is refused, naming the type and stream only', () => {
    expect(() => projectActivity(known([oslo]), smsLogged(CU1, 's1', '2026-12-03T10:00:00.000Z'))).toThrow(`SmsLogged in customer-${CU1} belongs to no enrolled customer`);
  });
});
