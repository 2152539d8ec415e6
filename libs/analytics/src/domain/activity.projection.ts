import { localDay } from './local-time';
import type { AnalyticsEvent } from './plain-event';
import { campaignOf, type ContextChange, customerOfStream, type ProjectionContext } from './projection-context';

/** Additions to one seller's figures on one local day of one campaign. */
export interface ActivityDelta {
  campaignId: string;
  controllerId: string;
  sellerId: string;
  localDay: string;
  currency: string;
  calls: number;
  talkSeconds: number;
  sms: number;
  emails: number;
  responses: number;
  sales: number;
  revenueMinor: number;
}

/** One registered response, counted by code. */
export interface ResponseDelta {
  campaignId: string;
  controllerId: string;
  sellerId: string;
  code: string;
  localDay: string;
}

export type ActivityChange = ContextChange | { kind: 'activity'; delta: ActivityDelta } | { kind: 'response'; delta: ResponseDelta };

const ZERO = { calls: 0, talkSeconds: 0, sms: 0, emails: 0, responses: 0, sales: 0, revenueMinor: 0 };

/**
 * Call-centre activity per seller × campaign × local day, and response counts by code. Interactions
 * other than sales name no campaign: the customer's stream does, through its enrollment.
 */
export function projectActivity(context: ProjectionContext, event: AnalyticsEvent): ActivityChange[] {
  const place = (at: string, campaignId: string | undefined, sellerId: string) => {
    if (!campaignId) throw new Error(`${event.type} in ${event.streamId} belongs to no enrolled customer this projection has seen`);
    const campaign = campaignOf(context, campaignId, event.type);
    return { campaignId, controllerId: campaign.controllerId, sellerId, localDay: localDay(at, campaign.timeZone), currency: campaign.currency };
  };
  const customerCampaign = () => {
    const customerId = customerOfStream(event.streamId);
    return customerId ? context.customers.get(customerId) : undefined;
  };
  switch (event.type) {
    case 'CampaignCreated': {
      const { campaignId, controllerId, currency, timeZone } = event.data;
      return [{ kind: 'campaign-known', facts: { campaignId, controllerId, currency, timeZone } }];
    }
    case 'CustomerEnrolled':
      return [{ kind: 'customer-known', customerId: event.data.customerId, campaignId: event.data.campaignId }];
    case 'SmsLogged':
      return [{ kind: 'activity', delta: { ...place(event.data.at, customerCampaign(), event.data.sellerId), ...ZERO, sms: 1 } }];
    case 'EmailLogged':
      return [{ kind: 'activity', delta: { ...place(event.data.at, customerCampaign(), event.data.sellerId), ...ZERO, emails: 1 } }];
    case 'CallLogged':
      return [
        { kind: 'activity', delta: { ...place(event.data.startedAt, customerCampaign(), event.data.sellerId), ...ZERO, calls: 1, talkSeconds: event.data.durationSeconds } },
      ];
    case 'ResponseRegistered': {
      const placed = place(event.data.at, customerCampaign(), event.data.sellerId);
      return [
        { kind: 'activity', delta: { ...placed, ...ZERO, responses: 1 } },
        { kind: 'response', delta: { campaignId: placed.campaignId, controllerId: placed.controllerId, sellerId: placed.sellerId, code: event.data.code, localDay: placed.localDay } },
      ];
    }
    case 'ProductRegistered': {
      const placed = place(event.data.at, event.data.campaignId, event.data.sellerId);
      return [{ kind: 'activity', delta: { ...placed, ...ZERO, sales: 1, revenueMinor: event.data.amountMinor } }];
    }
    case 'CampaignClosed':
      return [];
    default: {
      const unhandled: never = event;
      throw new Error(`unhandled event ${(unhandled as { type: string }).type}`);
    }
  }
}
