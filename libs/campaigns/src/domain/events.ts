import type { ReasonCode } from './legal-hold';

/** Structurally the event store's DomainEvent; declared here so the domain imports nothing. */
export interface DomainEvent<Type extends string, Data extends object> {
  type: Type;
  data: Data;
  personal?: Record<string, unknown>;
  reference?: Record<string, unknown>;
}

// Events carry only plain, non-personal data in `data`; personal fields travel in `personal`
// (sealed under the owner's content or seller key) and the customerRef in `reference`.

export type Money = { amountMinor: number; currency: string };

export interface Product {
  sku: string;
  name: string;
  unitPriceMinor: number;
}

export interface Budget {
  sellerId: string;
  targetMinor: number;
}

export interface Retention {
  anonymizeAfterDays: number;
  fullAnonymizeAfterDays: number;
}

export type ControllerRegistered = DomainEvent<'ControllerRegistered', { controllerId: string; name: string; at: string }>;

export type SellerUpserted = DomainEvent<'SellerUpserted', { sellerId: string; at: string }> & { personal: { name: string } };

/** What a campaign is: the plain business facts it is created with. */
export type CampaignDefinition = {
  campaignId: string;
  controllerId: string;
  name: string;
  purpose: string;
  startsOn: string;
  endsOn: string;
  currency: string;
  timeZone: string;
  products: Product[];
  budgets: Budget[];
  responseCodes: string[];
  retention: Retention | null;
};

export type CampaignCreated = DomainEvent<'CampaignCreated', CampaignDefinition & { at: string }>;

export type CampaignClosed = DomainEvent<'CampaignClosed', { campaignId: string; at: string }>;

export type AnonymizationMode = 'standard' | 'full';

/** A legal hold, on the campaign stream (`campaignId`) or a customer's (`customerId`). `reference`: a ticket id or null. */
export type CampaignLegalHoldPlaced = DomainEvent<'LegalHoldPlaced', { campaignId: string; reasonCode: ReasonCode; reference: string | null; at: string }>;
export type CampaignLegalHoldReleased = DomainEvent<'LegalHoldReleased', { campaignId: string; at: string }>;
export type CustomerLegalHoldPlaced = DomainEvent<'LegalHoldPlaced', { customerId: string; reasonCode: ReasonCode; reference: string | null; at: string }>;
export type CustomerLegalHoldReleased = DomainEvent<'LegalHoldReleased', { customerId: string; at: string }>;

/**
 * Recorded facts of an anonymization. The keys are the truth (their tombstones say what is gone);
 * the compliance service destroys them and records these in the same transaction.
 */
export type CampaignAnonymized = DomainEvent<
  'CampaignAnonymized',
  { campaignId: string; mode: AnonymizationMode; customersAffected: number; keysDestroyed: number; certificateId: string; at: string }
>;
export type CustomerAnonymized = DomainEvent<'CustomerAnonymized', { customerId: string; campaignId: string; mode: AnonymizationMode; certificateId: string; at: string }>;

/**
 * Customers leave (or rejoin) the sellers' working list. `customerIds: null` is every customer of
 * the campaign enrolled before the event (archiving all takes the keyspace FOR UPDATE, so no
 * enrollment is in flight across it); for unarchiving, every archived one.
 */
export type CustomersArchived = DomainEvent<'CustomersArchived', { campaignId: string; customerIds: string[] | null; at: string }>;
export type CustomersUnarchived = DomainEvent<'CustomersUnarchived', { campaignId: string; customerIds: string[] | null; at: string }>;

export type CustomerPersonal = {
  name?: string;
  email?: string;
  phone?: string;
  fields?: Record<string, string | number | boolean>;
};

export type CustomerEnrolled = DomainEvent<'CustomerEnrolled', { customerId: string; campaignId: string; controllerId: string; at: string }> & {
  personal: CustomerPersonal;
  reference: { customerRef: string };
};

/**
 * The new value of each key named in `changed`, null once removed. `fields` is the whole set after
 * the change (a merge patch is folded when it is decided), so readers replace, never merge.
 */
export type CustomerDetailsChange = { [Key in keyof CustomerPersonal]?: CustomerPersonal[Key] | null };

/** `changed` names the keys set or removed (plain: which, not what). */
export type CustomerDetailsChanged = DomainEvent<'CustomerDetailsChanged', { customerId: string; changed: (keyof CustomerPersonal)[]; at: string }> & {
  personal: CustomerDetailsChange;
};

export type SmsLogged = DomainEvent<'SmsLogged', { interactionId: string; sellerId: string; direction: 'outbound' | 'inbound'; at: string }> & {
  personal: { phone: string; body: string };
};

export type EmailLogged = DomainEvent<'EmailLogged', { interactionId: string; sellerId: string; direction: 'outbound' | 'inbound'; at: string }> & {
  personal: { address: string; subject: string; body: string };
};

export type CallLogged = DomainEvent<'CallLogged', { interactionId: string; sellerId: string; startedAt: string; durationSeconds: number; at: string }> & {
  personal: { phone: string; notes?: string };
};

export type ResponseRegistered = DomainEvent<'ResponseRegistered', { interactionId: string; sellerId: string; code: string; at: string }> & {
  personal?: { comment: string };
};

export type ProductRegistered = DomainEvent<
  'ProductRegistered',
  {
    interactionId: string;
    campaignId: string;
    sellerId: string;
    sku: string;
    quantity: number;
    unitPriceMinor: number;
    amountMinor: number;
    currency: string;
    at: string;
  }
> & { personal?: { extraFields: Record<string, string | number | boolean> } };

export type ControllerEvent = ControllerRegistered;
export type SellerEvent = SellerUpserted;
export type CampaignEvent =
  | CampaignCreated
  | CampaignClosed
  | CampaignLegalHoldPlaced
  | CampaignLegalHoldReleased
  | CampaignAnonymized
  | CustomersArchived
  | CustomersUnarchived;
export type InteractionEvent = SmsLogged | EmailLogged | CallLogged | ResponseRegistered | ProductRegistered;
export type CustomerEvent = CustomerEnrolled | CustomerDetailsChanged | InteractionEvent | CustomerLegalHoldPlaced | CustomerLegalHoldReleased | CustomerAnonymized;

export const INTERACTION_TYPES = ['SmsLogged', 'EmailLogged', 'CallLogged', 'ResponseRegistered', 'ProductRegistered'] as const;

export const streams = {
  controller: (id: string) => `controller-${id}`,
  seller: (id: string) => `seller-${id}`,
  campaign: (id: string) => `campaign-${id}`,
  customer: (id: string) => `customer-${id}`,
};
