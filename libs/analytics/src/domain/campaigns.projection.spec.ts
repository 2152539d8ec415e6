import { describe, expect, it } from '@jest/globals';
import {
  callLogged,
  campaignClosed,
  campaignCreated,
  customerEnrolled,
  emailLogged,
  OSLO,
  productRegistered,
  responseRegistered,
  smsLogged,
} from '../../../../test/support/analytics-events';
import { projectCampaigns } from './campaigns.projection';

describe('campaigns projection', () => {
  it('CampaignCreated: the campaign dimension without name or purpose, and one budget row per seller in its currency', () => {
    const created = campaignCreated(OSLO, {
      name: 'Secret client name',
      purpose: 'Free text purpose',
      budgets: [
        { sellerId: 'seller-anna', targetMinor: 200_000 },
        { sellerId: 'seller-bjorn', targetMinor: 100_000 },
      ],
    });
    const changes = projectCampaigns(created);
    expect(changes).toEqual([
      {
        kind: 'campaign-created',
        campaign: { campaignId: OSLO.campaignId, controllerId: 'ctl-nordic', currency: 'NOK', timeZone: 'Europe/Oslo', startsOn: '2026-12-01', endsOn: '2026-12-31', createdAt: '2026-11-30T08:00:00.000Z' },
        budgets: [
          { campaignId: OSLO.campaignId, controllerId: 'ctl-nordic', sellerId: 'seller-anna', targetMinor: 200_000, currency: 'NOK' },
          { campaignId: OSLO.campaignId, controllerId: 'ctl-nordic', sellerId: 'seller-bjorn', targetMinor: 100_000, currency: 'NOK' },
        ],
      },
    ]);
    expect(JSON.stringify(changes)).not.toMatch(/Secret client name|Free text purpose/);
  });

  it('CampaignClosed: the status and when', () => {
    expect(projectCampaigns(campaignClosed(OSLO.campaignId, '2027-01-02T08:00:00.000Z'))).toEqual([
      { kind: 'campaign-status', campaignId: OSLO.campaignId, status: 'closed', at: '2027-01-02T08:00:00.000Z' },
    ]);
  });

  it('customers and interactions are none of its business', () => {
    const cu = '11111111-1111-4111-8111-111111111111';
    for (const event of [
      customerEnrolled(cu, OSLO),
      smsLogged(cu, 's', '2026-12-03T10:00:00.000Z'),
      emailLogged(cu, 's', '2026-12-03T10:00:00.000Z'),
      callLogged(cu, 's', '2026-12-03T10:00:00.000Z', 5),
      responseRegistered(cu, 's', 'sold', '2026-12-03T10:00:00.000Z'),
      productRegistered(cu, OSLO, { sellerId: 's', sku: 'X', quantity: 1, unitPriceMinor: 1, at: '2026-12-03T10:00:00.000Z' }),
    ]) {
      expect(projectCampaigns(event)).toEqual([]);
    }
  });
});
