import { assertCampaignOpen, type CampaignState, RESPONSE_CODE } from './campaign.decider';
import { assertNever, type Decider } from './decider';
import { DomainError, invalid } from './domain-error';
import { DETAIL_KEYS, type DetailsPatch, mergeFields } from './customer-details';
import type { AnonymizationMode, CustomerAnonymized, CustomerDetailsChange, CustomerEnrolled, CustomerEvent, CustomerPersonal, InteractionEvent } from './events';
import { assertHoldToRelease, holdToPlace, type LegalHold, legalHoldRefusal, type PlaceLegalHold, type ReleaseLegalHold } from './legal-hold';
import { requireUtcTime } from './time';

/** What an interaction's rules need besides the customer's own stream, looked up by the handler. */
export interface InteractionContext {
  campaign: CampaignState;
  sellerExists: boolean;
  /** Off the working list: no interactions (details stay correctable, Art. 16). */
  archived: boolean;
}

type Flat = Record<string, string | number | boolean>;

/** `currentFields`: the customer's fields before the change, opened by the handler for the merge. */
export type ChangeCustomerDetails = { type: 'ChangeCustomerDetails'; customerId: string; patch: DetailsPatch; currentFields: Flat | null; now: string };
export type LogSms = { type: 'LogSms'; interactionId: string; sellerId: string; direction: 'outbound' | 'inbound'; phone: string; body: string; at?: string; now: string };
export type LogEmail = { type: 'LogEmail'; interactionId: string; sellerId: string; direction: 'outbound' | 'inbound'; address: string; subject: string; body: string; at?: string; now: string };
export type LogCall = { type: 'LogCall'; interactionId: string; sellerId: string; phone: string; startedAt: string; durationSeconds: number; notes?: string; now: string };
export type RegisterResponse = { type: 'RegisterResponse'; interactionId: string; sellerId: string; code: string; comment?: string; at?: string; now: string };
export type RegisterSale = { type: 'RegisterSale'; interactionId: string; sellerId: string; sku: string; quantity: number; unitPriceMinor?: number; extraFields?: Flat; at?: string; now: string };
export type InteractionCommand = LogSms | LogEmail | LogCall | RegisterResponse | RegisterSale;
export type CustomerCommand = ((ChangeCustomerDetails | InteractionCommand) & { context: InteractionContext }) | PlaceLegalHold | ReleaseLegalHold;

export type CustomerState =
  | { status: 'none' }
  | {
      status: 'enrolled';
      customerId: string;
      campaignId: string;
      controllerId: string;
      interactions: number;
      legalHold: LegalHold | null;
      /** The last anonymization recorded on the stream (the keys say what is gone). */
      anonymized: AnonymizationMode | null;
    };

export const MAX_SALE_QUANTITY = 10_000;

function requireSeller(context: InteractionContext): void {
  if (!context.sellerExists) throw new DomainError('unprocessable', 'unknown-seller', 'sellerId names no registered seller', 'sellerId');
}

function decideInteraction(command: InteractionCommand, state: CustomerState & { status: 'enrolled' }, context: InteractionContext): InteractionEvent {
  const campaign = context.campaign;
  assertCampaignOpen(campaign);
  if (context.archived) throw new DomainError('conflict', 'customer-archived', 'the customer is archived: it takes no interactions until it is unarchived');
  requireSeller(context);
  // Times are stored in one form (UTC, milliseconds), whatever offset they were sent with.
  const at = 'at' in command && command.at !== undefined ? requireUtcTime(command.at, 'at') : command.now;
  const base = { interactionId: command.interactionId, sellerId: command.sellerId, at };
  switch (command.type) {
    case 'LogSms':
      return { type: 'SmsLogged', data: { ...base, direction: command.direction }, personal: { phone: command.phone, body: command.body } };
    case 'LogEmail':
      return { type: 'EmailLogged', data: { ...base, direction: command.direction }, personal: { address: command.address, subject: command.subject, body: command.body } };
    case 'LogCall': {
      const startedAt = requireUtcTime(command.startedAt, 'startedAt');
      if (!Number.isInteger(command.durationSeconds) || command.durationSeconds < 0) throw invalid('durationSeconds', 'durationSeconds must be a non-negative integer');
      return {
        type: 'CallLogged',
        data: { ...base, at: startedAt, startedAt, durationSeconds: command.durationSeconds },
        personal: { phone: command.phone, ...(command.notes !== undefined ? { notes: command.notes } : {}) },
      };
    }
    case 'RegisterResponse': {
      const allowed = campaign.responseCodes;
      if (allowed.length > 0 ? !allowed.includes(command.code) : !RESPONSE_CODE.test(command.code)) {
        throw new DomainError('unprocessable', 'unknown-response-code', allowed.length > 0 ? "code is not one of the campaign's response codes" : `code must match ${RESPONSE_CODE.source}`, 'code');
      }
      return { type: 'ResponseRegistered', data: { ...base, code: command.code }, ...(command.comment !== undefined ? { personal: { comment: command.comment } } : {}) };
    }
    case 'RegisterSale': {
      const product = campaign.products.find((p) => p.sku === command.sku);
      if (!product) throw new DomainError('unprocessable', 'unknown-sku', 'sku is not a product of the campaign', 'sku');
      if (!Number.isInteger(command.quantity) || command.quantity < 1 || command.quantity > MAX_SALE_QUANTITY) {
        throw invalid('quantity', `quantity must be an integer from 1 to ${MAX_SALE_QUANTITY}`);
      }
      const unitPriceMinor = command.unitPriceMinor ?? product.unitPriceMinor;
      if (!Number.isInteger(unitPriceMinor) || unitPriceMinor < 0) throw invalid('unitPriceMinor', 'unitPriceMinor must be a non-negative integer');
      return {
        type: 'ProductRegistered',
        data: {
          ...base,
          campaignId: state.campaignId,
          sku: command.sku,
          quantity: command.quantity,
          unitPriceMinor,
          amountMinor: unitPriceMinor * command.quantity,
          currency: campaign.currency,
        },
        ...(command.extraFields !== undefined ? { personal: { extraFields: command.extraFields } } : {}),
      };
    }
    default:
      return assertNever(command);
  }
}

export const customerDecider: Decider<CustomerCommand, CustomerEvent, CustomerState> = {
  initialState: () => ({ status: 'none' }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'CustomerEnrolled':
        return {
          status: 'enrolled',
          customerId: event.data.customerId,
          campaignId: event.data.campaignId,
          controllerId: event.data.controllerId,
          interactions: 0,
          legalHold: null,
          anonymized: null,
        };
      case 'CustomerDetailsChanged':
        return state;
      case 'SmsLogged':
      case 'EmailLogged':
      case 'CallLogged':
      case 'ResponseRegistered':
      case 'ProductRegistered':
        return state.status === 'enrolled' ? { ...state, interactions: state.interactions + 1 } : state;
      case 'LegalHoldPlaced':
        return state.status === 'enrolled' ? { ...state, legalHold: { reasonCode: event.data.reasonCode, reference: event.data.reference, placedAt: event.data.at } } : state;
      case 'LegalHoldReleased':
        return state.status === 'enrolled' ? { ...state, legalHold: null } : state;
      case 'CustomerAnonymized':
        return state.status === 'enrolled' ? { ...state, anonymized: event.data.mode } : state;
      default:
        return assertNever(event);
    }
  },
  decide: (command, state) => {
    if (state.status === 'none') throw new DomainError('not-found', 'unknown-customer', 'no such customer');
    if (command.type === 'PlaceLegalHold') {
      // Anonymized customers take holds too: a hold after standard mode keeps the reference.
      const hold = holdToPlace(state.legalHold, command);
      return hold ? [{ type: 'LegalHoldPlaced', data: { customerId: state.customerId, ...hold, at: command.now } }] : [];
    }
    if (command.type === 'ReleaseLegalHold') {
      assertHoldToRelease(state.legalHold);
      return [{ type: 'LegalHoldReleased', data: { customerId: state.customerId, at: command.now } }];
    }
    if (command.type === 'ChangeCustomerDetails') {
      assertCampaignOpen(command.context.campaign);
      const { patch } = command;
      const changed = DETAIL_KEYS.filter((key) => patch[key] !== undefined);
      if (changed.length === 0) throw invalid('body', 'at least one of name, email, phone, fields must be given', 'empty-change');
      const personal: CustomerDetailsChange = {};
      for (const key of changed) {
        if (key === 'fields') personal.fields = mergeFields(command.currentFields, patch.fields!);
        else personal[key] = patch[key] ?? null;
      }
      return [{ type: 'CustomerDetailsChanged', data: { customerId: state.customerId, changed, at: command.now }, personal }];
    }
    return [decideInteraction(command, state, command.context)];
  },
};

export interface EnrollmentRow {
  customerId: string;
  customerRef: string;
  personal: CustomerPersonal;
}

/**
 * Enrollment of a batch into one campaign. Every row is a new customer stream; a customerRef may
 * appear once per batch (uniqueness among the campaign's live customers is the blind index's).
 */
export function decideEnrollment(campaign: CampaignState, rows: EnrollmentRow[], now: string): CustomerEnrolled[] {
  assertCampaignOpen(campaign);
  const seen = new Map<string, number>();
  rows.forEach((row, i) => {
    const ref = row.customerRef.trim();
    if (!ref) throw invalid(`customers[${i}].customerRef`, 'customerRef must not be blank');
    const earlier = seen.get(ref);
    if (earlier !== undefined) throw new DomainError('conflict', 'duplicate-customer-ref', `customers[${i}].customerRef repeats customers[${earlier}].customerRef`, `customers[${i}].customerRef`);
    seen.set(ref, i);
  });
  return rows.map((row) => ({
    type: 'CustomerEnrolled',
    data: { customerId: row.customerId, campaignId: campaign.campaignId, controllerId: campaign.controllerId, at: now },
    personal: row.personal,
    reference: { customerRef: row.customerRef.trim() },
  }));
}

export interface CustomerAnonymizedRecord {
  customerId: string;
  mode: AnonymizationMode;
  certificateId: string;
}

/** What recording a customer's anonymization checks, from the customer list and its campaign. */
export interface CustomerHoldFacts {
  campaignId: string;
  legalHold: LegalHold | null;
  campaignLegalHold: LegalHold | null;
}

/**
 * Records anonymizations the compliance service has carried out (it decides the mode from the
 * keys' tombstones), one event per customer stream, without loading the streams: built for a
 * campaign's 100,000 customers at once. A customer under a hold of its own or of its campaign is
 * refused (423 stating the hold's reason), as is an id that names no customer; both name the entry.
 */
export function decideCustomersAnonymized(records: CustomerAnonymizedRecord[], facts: ReadonlyMap<string, CustomerHoldFacts>, now: string): CustomerAnonymized[] {
  const seen = new Map<string, number>();
  return records.map((record, i) => {
    const field = `customers[${i}]`;
    const earlier = seen.get(record.customerId);
    if (earlier !== undefined) throw invalid(`${field}.customerId`, `${field}.customerId repeats customers[${earlier}].customerId`, 'duplicate-customer-id');
    seen.set(record.customerId, i);
    if (record.mode !== 'standard' && record.mode !== 'full') throw invalid(`${field}.mode`, `${field}.mode must be standard or full`);
    if (typeof record.certificateId !== 'string' || record.certificateId.length === 0) throw invalid(`${field}.certificateId`, `${field}.certificateId must name the certificate`);
    const customer = facts.get(record.customerId);
    if (!customer) throw new DomainError('not-found', 'unknown-customer', `${field}.customerId names no customer`, `${field}.customerId`);
    if (customer.legalHold) throw legalHoldRefusal(customer.legalHold, `${field} (the customer)`, field);
    if (customer.campaignLegalHold) throw legalHoldRefusal(customer.campaignLegalHold, `${field} (through its campaign)`, field);
    return {
      type: 'CustomerAnonymized',
      data: { customerId: record.customerId, campaignId: customer.campaignId, mode: record.mode, certificateId: record.certificateId, at: now },
    };
  });
}
