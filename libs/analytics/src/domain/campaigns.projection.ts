import type { AnalyticsEvent } from './plain-event';

export interface CampaignRow {
  campaignId: string;
  controllerId: string;
  currency: string;
  timeZone: string;
  startsOn: string;
  endsOn: string;
  createdAt: string;
}

export interface BudgetRow {
  campaignId: string;
  controllerId: string;
  sellerId: string;
  targetMinor: number;
  currency: string;
}

export type CampaignsChange =
  | { kind: 'campaign-created'; campaign: CampaignRow; budgets: BudgetRow[] }
  | { kind: 'campaign-status'; campaignId: string; status: 'closed'; at: string };

/** The campaign dimension and budget targets: no name, no purpose (free text stays out of analytics). */
export function projectCampaigns(event: AnalyticsEvent): CampaignsChange[] {
  switch (event.type) {
    case 'CampaignCreated': {
      const { campaignId, controllerId, currency, timeZone, startsOn, endsOn, budgets, at } = event.data;
      return [
        {
          kind: 'campaign-created',
          campaign: { campaignId, controllerId, currency, timeZone, startsOn, endsOn, createdAt: at },
          budgets: budgets.map((b) => ({ campaignId, controllerId, sellerId: b.sellerId, targetMinor: b.targetMinor, currency })),
        },
      ];
    }
    case 'CampaignClosed':
      return [{ kind: 'campaign-status', campaignId: event.data.campaignId, status: 'closed', at: event.data.at }];
    case 'CustomerEnrolled':
    case 'SmsLogged':
    case 'EmailLogged':
    case 'CallLogged':
    case 'ResponseRegistered':
    case 'ProductRegistered':
      return [];
    default: {
      const unhandled: never = event;
      throw new Error(`unhandled event ${(unhandled as { type: string }).type}`);
    }
  }
}
