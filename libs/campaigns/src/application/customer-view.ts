import { isErased, type PersonalData } from '@app/crypto-shredding';
import type { OpenedEvent } from '@app/event-store';
import { applyDetailsChange } from '../domain/customer-details';
import type { CustomerDetailsChange, CustomerPersonal } from '../domain/events';
import { type CampaignPeriod, outsidePeriod } from '../domain/campaign-period';
import type { LegalHold } from '../domain/legal-hold';
import { utcTime } from '../domain/time';
import type { Anonymization } from './customer-keys';

export interface PersonalView {
  name: string | null;
  email: string | null;
  phone: string | null;
  fields: Record<string, string | number | boolean> | null;
}

export interface TimelineEntry {
  type: 'sms' | 'email' | 'call' | 'response' | 'sale';
  /** The entry's time and place on the timeline (a call's startedAt). */
  at: string;
  sellerId: string;
  interactionId: string;
  [plain: string]: unknown;
  /** Dated before startsOn or after endsOn in the campaign's time zone: accepted (late logging is real), but shown. */
  outsidePeriod: boolean;
  personal: PersonalData | null;
}

export interface CustomerSummary {
  customerId: string;
  campaignId: string;
  controllerId: string;
  status: 'active' | 'anonymized';
  anonymization: Anonymization | null;
  customerRef: string | null;
  personal: PersonalView | null;
  /** Off the sellers' working list: readable, no interactions. Independent of `status`. */
  archived: boolean;
  /** The customer's own hold (a hold on its campaign is the campaign's `legalHold`). */
  legalHold: LegalHold | null;
}

export interface CustomerView extends CustomerSummary {
  timeline: TimelineEntry[];
}

const TIMELINE_TYPES: Record<string, TimelineEntry['type']> = {
  SmsLogged: 'sms',
  EmailLogged: 'email',
  CallLogged: 'call',
  ResponseRegistered: 'response',
  ProductRegistered: 'sale',
};

export function personalView(personal: CustomerPersonal | null): PersonalView | null {
  if (!personal) return null;
  return { name: personal.name ?? null, email: personal.email ?? null, phone: personal.phone ?? null, fields: personal.fields ?? null };
}

const plainOrNull = (value: PersonalData | undefined | ReturnType<typeof Object>): PersonalData | null =>
  value === undefined || isErased(value) ? null : (value as PersonalData);

const enrolledDetails = (event: OpenedEvent): CustomerPersonal | null => {
  const personal = plainOrNull(event.personal);
  return personal ? { ...(personal as CustomerPersonal) } : null;
};

const changedDetails = (details: CustomerPersonal | null, event: OpenedEvent): CustomerPersonal | null => {
  const change = plainOrNull(event.personal);
  return details && change ? applyDetailsChange(details, change as CustomerDetailsChange) : null;
};

/** The customer's current details from its opened enrollment and details events; null once erased. */
export function currentDetails(events: OpenedEvent[]): CustomerPersonal | null {
  let details: CustomerPersonal | null = null;
  for (const event of events) {
    if (event.type === 'CustomerEnrolled') details = enrolledDetails(event);
    else if (event.type === 'CustomerDetailsChanged') details = changedDetails(details, event);
  }
  return details;
}

/**
 * The customer card: current details (enrollment plus changes), reference, legal hold, and every
 * interaction by its time (`at`; written order breaks ties), flagged when outside the campaign's
 * period. Anonymization comes from the keys, archiving from the customer list.
 */
export function customerView(events: OpenedEvent[], keys: { anonymization: Anonymization | null }, period: CampaignPeriod, listing: { archived: boolean }): CustomerView {
  const outside = outsidePeriod(period);
  let details: CustomerPersonal | null = {};
  let customerRef: string | null = null;
  let legalHold: LegalHold | null = null;
  let ids = { customerId: '', campaignId: '', controllerId: '' };
  const timeline: TimelineEntry[] = [];
  for (const event of events) {
    if (event.type === 'CustomerEnrolled') {
      const data = event.data as { customerId: string; campaignId: string; controllerId: string };
      ids = { customerId: data.customerId, campaignId: data.campaignId, controllerId: data.controllerId };
      details = enrolledDetails(event);
      const reference = plainOrNull(event.reference);
      customerRef = reference ? String(reference.customerRef) : null;
    } else if (event.type === 'CustomerDetailsChanged') {
      details = changedDetails(details, event);
    } else if (event.type === 'LegalHoldPlaced') {
      const { reasonCode, reference, at } = event.data as { reasonCode: LegalHold['reasonCode']; reference: string | null; at: string };
      legalHold = { reasonCode, reference, placedAt: at };
    } else if (event.type === 'LegalHoldReleased') {
      legalHold = null;
    } else if (TIMELINE_TYPES[event.type]) {
      const { interactionId, sellerId, at, ...plain } = event.data as { interactionId: string; sellerId: string; at: string; startedAt?: string };
      // Events written before times were normalized hold them as sent (`...09:00:00Z`): one form out.
      if (plain.startedAt !== undefined) plain.startedAt = utcTime(plain.startedAt) ?? plain.startedAt;
      const time = utcTime(at) ?? at;
      timeline.push({ type: TIMELINE_TYPES[event.type], at: time, sellerId, interactionId, ...plain, outsidePeriod: outside(time), personal: plainOrNull(event.personal) });
    }
  }
  // Stable: entries with one time keep their written order. One form (UTC, ms) sorts as text.
  timeline.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const anonymized = keys.anonymization !== null;
  return {
    ...ids,
    status: anonymized ? 'anonymized' : 'active',
    anonymization: keys.anonymization,
    customerRef: keys.anonymization?.mode === 'full' ? null : customerRef,
    personal: anonymized ? null : personalView(details),
    archived: listing.archived,
    legalHold,
    timeline: anonymized ? timeline.map((entry) => ({ ...entry, personal: null })) : timeline,
  };
}
