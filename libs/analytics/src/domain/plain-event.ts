import type {
  CallLogged,
  CampaignClosed,
  CampaignCreated,
  CustomerEnrolled,
  EmailLogged,
  ProductRegistered,
  ResponseRegistered,
  SmsLogged,
} from '@app/campaigns';

/**
 * What a projection is handed: the plain part of a stored event. The sealed slots are not in the
 * type (the event store's SealedEvent carries them opaquely), so a projection cannot open them.
 */
export interface PlainEvent {
  streamId: string;
  type: string;
  data: Record<string, unknown>;
}

type Plain<E extends { type: string; data: object }> = { streamId: string; type: E['type']; data: E['data'] };

/** The campaigns events analytics reads, by their plain data only. */
export type AnalyticsEvent =
  | Plain<CampaignCreated>
  | Plain<CampaignClosed>
  | Plain<CustomerEnrolled>
  | Plain<SmsLogged>
  | Plain<EmailLogged>
  | Plain<CallLogged>
  | Plain<ResponseRegistered>
  | Plain<ProductRegistered>;

export const ANALYTICS_EVENT_TYPES = [
  'CampaignCreated',
  'CampaignClosed',
  'CustomerEnrolled',
  'SmsLogged',
  'EmailLogged',
  'CallLogged',
  'ResponseRegistered',
  'ProductRegistered',
] as const satisfies readonly AnalyticsEvent['type'][];

/** Narrows a stored event to the ones analytics reads; other types are none of its business. */
export function asAnalyticsEvent(event: PlainEvent): AnalyticsEvent | null {
  return (ANALYTICS_EVENT_TYPES as readonly string[]).includes(event.type) ? (event as AnalyticsEvent) : null;
}
