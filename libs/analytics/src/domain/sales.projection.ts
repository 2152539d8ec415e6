import { localDay, localMonth } from './local-time';
import type { AnalyticsEvent } from './plain-event';
import { campaignOf, type ContextChange, type ProjectionContext } from './projection-context';

/** One sale, as the facts table keeps it: who sold what, when (UTC and local), for how much. */
export interface SaleRow {
  interactionId: string;
  campaignId: string;
  controllerId: string;
  sellerId: string;
  sku: string;
  quantity: number;
  unitPriceMinor: number;
  amountMinor: number;
  currency: string;
  soldAt: string;
  localDay: string;
  localMonth: string;
}

export type SalesChange = ContextChange | { kind: 'sale'; sale: SaleRow };

/**
 * Sales facts (and, in the writer, their seller × campaign × product × day aggregates). The sku is
 * taken as the event recorded it, listed in the campaign's catalogue or not: the figures are what
 * was sold.
 */
export function projectSales(context: ProjectionContext, event: AnalyticsEvent): SalesChange[] {
  switch (event.type) {
    case 'CampaignCreated': {
      const { campaignId, controllerId, currency, timeZone } = event.data;
      return [{ kind: 'campaign-known', facts: { campaignId, controllerId, currency, timeZone } }];
    }
    case 'ProductRegistered': {
      const { interactionId, campaignId, sellerId, sku, quantity, unitPriceMinor, amountMinor, currency, at } = event.data;
      const campaign = campaignOf(context, campaignId, event.type);
      const day = localDay(at, campaign.timeZone);
      return [
        {
          kind: 'sale',
          sale: { interactionId, campaignId, controllerId: campaign.controllerId, sellerId, sku, quantity, unitPriceMinor, amountMinor, currency, soldAt: at, localDay: day, localMonth: localMonth(day) },
        },
      ];
    }
    case 'CampaignClosed':
    case 'CustomerEnrolled':
    case 'SmsLogged':
    case 'EmailLogged':
    case 'CallLogged':
    case 'ResponseRegistered':
      return [];
    default: {
      const unhandled: never = event;
      throw new Error(`unhandled event ${(unhandled as { type: string }).type}`);
    }
  }
}
