import type { CallLogged, CampaignClosed, CampaignCreated, CustomerEnrolled, EmailLogged, ProductRegistered, ResponseRegistered, SmsLogged } from '@app/campaigns';

// Plain analytics events for the projections' pure specs: what decodeSealedEvent hands a
// projection (stream id, type, plain data), built with the fields the campaigns domain writes.

type Plain<E extends { type: string; data: object }> = { streamId: string; type: E['type']; data: E['data'] };
type Events = CampaignCreated | CampaignClosed | CustomerEnrolled | SmsLogged | EmailLogged | CallLogged | ResponseRegistered | ProductRegistered;
type Of<T extends Events['type']> = Plain<Extract<Events, { type: T }>>;

export const OSLO = { campaignId: '00000000-0000-4000-8000-0000000000a1', controllerId: 'ctl-nordic', currency: 'NOK', timeZone: 'Europe/Oslo' };
export const NEW_YORK = { campaignId: '00000000-0000-4000-8000-0000000000b2', controllerId: 'ctl-nordic', currency: 'EUR', timeZone: 'America/New_York' };

export const customerStream = (customerId: string) => `customer-${customerId}`;

export function campaignCreated(
  campaign: { campaignId: string; controllerId: string; currency: string; timeZone: string },
  extra: Partial<Of<'CampaignCreated'>['data']> = {},
): Of<'CampaignCreated'> {
  return {
    streamId: `campaign-${campaign.campaignId}`,
    type: 'CampaignCreated',
    data: {
      ...campaign,
      name: 'Winter broadband',
      purpose: 'Telemarketing',
      startsOn: '2026-12-01',
      endsOn: '2026-12-31',
      products: [{ sku: 'BB-100', name: 'Broadband 100', unitPriceMinor: 49_900 }],
      budgets: [],
      responseCodes: ['sold', 'call-back'],
      retention: null,
      at: '2026-11-30T08:00:00.000Z',
      ...extra,
    },
  };
}

export const campaignClosed = (campaignId: string, at: string): Of<'CampaignClosed'> => ({ streamId: `campaign-${campaignId}`, type: 'CampaignClosed', data: { campaignId, at } });

export const customerEnrolled = (customerId: string, campaign: { campaignId: string; controllerId: string }): Of<'CustomerEnrolled'> => ({
  streamId: customerStream(customerId),
  type: 'CustomerEnrolled',
  data: { customerId, campaignId: campaign.campaignId, controllerId: campaign.controllerId, at: '2026-12-01T08:00:00.000Z' },
});

export const smsLogged = (customerId: string, sellerId: string, at: string, interactionId = `sms-${at}`): Of<'SmsLogged'> => ({
  streamId: customerStream(customerId),
  type: 'SmsLogged',
  data: { interactionId, sellerId, direction: 'outbound', at },
});

export const emailLogged = (customerId: string, sellerId: string, at: string, interactionId = `email-${at}`): Of<'EmailLogged'> => ({
  streamId: customerStream(customerId),
  type: 'EmailLogged',
  data: { interactionId, sellerId, direction: 'inbound', at },
});

export const callLogged = (customerId: string, sellerId: string, startedAt: string, durationSeconds: number, interactionId = `call-${startedAt}`): Of<'CallLogged'> => ({
  streamId: customerStream(customerId),
  type: 'CallLogged',
  data: { interactionId, sellerId, startedAt, durationSeconds, at: startedAt },
});

export const responseRegistered = (customerId: string, sellerId: string, code: string, at: string, interactionId = `response-${at}`): Of<'ResponseRegistered'> => ({
  streamId: customerStream(customerId),
  type: 'ResponseRegistered',
  data: { interactionId, sellerId, code, at },
});

export function productRegistered(
  customerId: string,
  campaign: { campaignId: string; currency: string },
  sale: { sellerId: string; sku: string; quantity: number; unitPriceMinor: number; at: string; interactionId?: string },
): Of<'ProductRegistered'> {
  const { interactionId = `sale-${sale.at}`, ...rest } = sale;
  return {
    streamId: customerStream(customerId),
    type: 'ProductRegistered',
    data: { interactionId, campaignId: campaign.campaignId, currency: campaign.currency, amountMinor: sale.quantity * sale.unitPriceMinor, ...rest },
  };
}
