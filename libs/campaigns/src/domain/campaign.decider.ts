import { assertNever, type Decider } from './decider';
import { DomainError, invalid } from './domain-error';
import type { AnonymizationMode, Budget, CampaignDefinition, CampaignEvent, Product, Retention } from './events';
import { assertHoldToRelease, holdToPlace, type LegalHold, legalHoldRefusal, type PlaceLegalHold, type ReleaseLegalHold } from './legal-hold';

export const RESPONSE_CODE = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const DEFAULT_TIME_ZONE = 'Europe/Oslo';

export type CreateCampaign = {
  type: 'CreateCampaign';
  campaignId: string;
  controllerId: string;
  /** Looked up by the handler: the controller's stream exists. */
  controllerExists: boolean;
  name: string;
  purpose: string;
  startsOn: string;
  endsOn: string;
  currency: string;
  timeZone?: string;
  products: Product[];
  budgets?: Budget[];
  /** Looked up by the handler: which of the budgets' sellers are registered. */
  registeredSellers: ReadonlySet<string>;
  responseCodes?: string[];
  retention?: Retention;
  now: string;
};
export type CloseCampaign = { type: 'CloseCampaign'; campaignId: string; now: string };

/** Records what the compliance service did (it decides from the keys and destroys them first). */
export type RecordCampaignAnonymized = {
  type: 'RecordCampaignAnonymized';
  mode: AnonymizationMode;
  customersAffected: number;
  keysDestroyed: number;
  certificateId: string;
  now: string;
};

/** Archive or unarchive the given customers of the campaign, or (`customerIds: null`) all of them. */
export type ArchiveCustomers = {
  type: 'ArchiveCustomers' | 'UnarchiveCustomers';
  customerIds: string[] | null;
  /**
   * Looked up by the handler over the selection (the given ids, or every customer of the
   * campaign): the given ids that name no customer of the campaign, and how many of the others
   * are archived and how many are not.
   */
  selection: { unknown: ReadonlySet<string>; archived: number; active: number };
  now: string;
};

export type CampaignCommand = CreateCampaign | CloseCampaign | PlaceLegalHold | ReleaseLegalHold | RecordCampaignAnonymized | ArchiveCustomers;

/** The anonymization last recorded on the stream (the keys' tombstones say what is gone). */
export interface RecordedAnonymization {
  mode: AnonymizationMode;
  certificateId: string;
  at: string;
}

export type CampaignState =
  | { status: 'none' }
  | (CampaignDefinition & { status: 'active' | 'closed'; closedAt: string | null; legalHold: LegalHold | null; anonymization: RecordedAnonymization | null });
export type ExistingCampaign = Exclude<CampaignState, { status: 'none' }>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const unknownCampaign = () => new DomainError('not-found', 'unknown-campaign', 'no such campaign');

function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return value.includes('/') || value === 'UTC';
  } catch {
    return false;
  }
}

function validateCreate(command: CreateCampaign): void {
  if (!command.controllerExists) throw new DomainError('unprocessable', 'unknown-controller', 'controllerId names no registered controller', 'controllerId');
  if (!isCalendarDate(command.startsOn)) throw invalid('startsOn', 'startsOn must be a calendar date (YYYY-MM-DD)');
  if (!isCalendarDate(command.endsOn)) throw invalid('endsOn', 'endsOn must be a calendar date (YYYY-MM-DD)');
  if (command.endsOn < command.startsOn) throw invalid('endsOn', 'endsOn must not be before startsOn');
  if (command.timeZone !== undefined && !isTimeZone(command.timeZone)) throw invalid('timeZone', 'timeZone must be an IANA time zone such as Europe/Oslo');
  if (command.products.length === 0) throw invalid('products', 'products must list at least one product');
  const skus = new Set<string>();
  command.products.forEach((product, i) => {
    if (skus.has(product.sku)) throw invalid(`products[${i}].sku`, 'products must be unique by sku', 'duplicate-sku');
    skus.add(product.sku);
    if (!Number.isInteger(product.unitPriceMinor) || product.unitPriceMinor <= 0) throw invalid(`products[${i}].unitPriceMinor`, 'unitPriceMinor must be a positive integer');
  });
  const codes = new Set<string>();
  (command.responseCodes ?? []).forEach((code, i) => {
    if (!RESPONSE_CODE.test(code)) throw invalid(`responseCodes[${i}]`, `responseCodes must match ${RESPONSE_CODE.source}`);
    if (codes.has(code)) throw invalid(`responseCodes[${i}]`, 'responseCodes must be unique', 'duplicate-response-code');
    codes.add(code);
  });
  const sellers = new Set<string>();
  (command.budgets ?? []).forEach((budget, i) => {
    if (sellers.has(budget.sellerId)) throw invalid(`budgets[${i}].sellerId`, 'budgets must have one entry per seller', 'duplicate-budget');
    sellers.add(budget.sellerId);
    if (!Number.isInteger(budget.targetMinor) || budget.targetMinor <= 0) throw invalid(`budgets[${i}].targetMinor`, 'targetMinor must be a positive integer');
  });
  if (command.retention && command.retention.fullAnonymizeAfterDays < command.retention.anonymizeAfterDays) {
    throw invalid('retention.fullAnonymizeAfterDays', 'fullAnonymizeAfterDays must not be less than anonymizeAfterDays');
  }
  // The rule a sale by an unknown seller follows (422), checked once the body is well-formed.
  (command.budgets ?? []).forEach((budget, i) => {
    if (!command.registeredSellers.has(budget.sellerId)) {
      throw new DomainError('unprocessable', 'unknown-seller', `budgets[${i}].sellerId names no registered seller`, `budgets[${i}].sellerId`);
    }
  });
}

export const campaignDecider: Decider<CampaignCommand, CampaignEvent, CampaignState> = {
  initialState: () => ({ status: 'none' }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'CampaignCreated': {
        const { at: _at, ...data } = event.data;
        return { status: 'active', ...data, closedAt: null, legalHold: null, anonymization: null };
      }
      case 'CampaignClosed':
        return state.status === 'none' ? state : { ...state, status: 'closed', closedAt: event.data.at };
      case 'LegalHoldPlaced':
        return state.status === 'none' ? state : { ...state, legalHold: { reasonCode: event.data.reasonCode, reference: event.data.reference, placedAt: event.data.at } };
      case 'LegalHoldReleased':
        return state.status === 'none' ? state : { ...state, legalHold: null };
      case 'CampaignAnonymized':
        return state.status === 'none' ? state : { ...state, anonymization: { mode: event.data.mode, certificateId: event.data.certificateId, at: event.data.at } };
      case 'CustomersArchived':
      case 'CustomersUnarchived':
        // Who is archived lives in the customer list (archived_at), written with these events.
        return state;
      default:
        return assertNever(event);
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'CreateCampaign': {
        if (state.status !== 'none') throw new DomainError('conflict', 'campaign-exists', 'the campaign already exists');
        validateCreate(command);
        return [
          {
            type: 'CampaignCreated',
            data: {
              campaignId: command.campaignId,
              controllerId: command.controllerId,
              name: command.name,
              purpose: command.purpose,
              startsOn: command.startsOn,
              endsOn: command.endsOn,
              currency: command.currency,
              timeZone: command.timeZone ?? DEFAULT_TIME_ZONE,
              products: command.products,
              budgets: command.budgets ?? [],
              responseCodes: command.responseCodes ?? [],
              retention: command.retention ?? null,
              at: command.now,
            },
          },
        ];
      }
      case 'CloseCampaign':
        if (state.status === 'none') throw unknownCampaign();
        if (state.status === 'closed') throw new DomainError('closed', 'campaign-closed', 'the campaign is already closed');
        return [{ type: 'CampaignClosed', data: { campaignId: command.campaignId, at: command.now } }];
      case 'PlaceLegalHold': {
        // Closed and anonymized campaigns take holds too: disputes come after the campaign.
        if (state.status === 'none') throw unknownCampaign();
        const hold = holdToPlace(state.legalHold, command);
        return hold ? [{ type: 'LegalHoldPlaced', data: { campaignId: state.campaignId, ...hold, at: command.now } }] : [];
      }
      case 'ReleaseLegalHold':
        if (state.status === 'none') throw unknownCampaign();
        assertHoldToRelease(state.legalHold);
        return [{ type: 'LegalHoldReleased', data: { campaignId: state.campaignId, at: command.now } }];
      case 'RecordCampaignAnonymized':
        return [decideAnonymized(command, state)];
      case 'ArchiveCustomers':
      case 'UnarchiveCustomers':
        return decideArchive(command, state);
      default:
        return assertNever(command);
    }
  },
};

function decideAnonymized(command: RecordCampaignAnonymized, state: CampaignState): CampaignEvent {
  if (state.status === 'none') throw unknownCampaign();
  if (state.legalHold) throw legalHoldRefusal(state.legalHold, 'the campaign');
  if (command.mode !== 'standard' && command.mode !== 'full') throw invalid('mode', 'mode must be standard or full');
  // Standard, then full; never a mode twice, never standard after full: one fact per step.
  const before = state.anonymization?.mode;
  if (before === 'full' || before === command.mode) {
    throw new DomainError('conflict', 'already-anonymized', `the campaign's ${before} anonymization is already recorded`);
  }
  for (const field of ['customersAffected', 'keysDestroyed'] as const) {
    if (!Number.isInteger(command[field]) || command[field] < 0) throw invalid(field, `${field} must be a non-negative integer`);
  }
  if (typeof command.certificateId !== 'string' || command.certificateId.length === 0) throw invalid('certificateId', 'certificateId must name the certificate');
  return {
    type: 'CampaignAnonymized',
    data: {
      campaignId: state.campaignId,
      mode: command.mode,
      customersAffected: command.customersAffected,
      keysDestroyed: command.keysDestroyed,
      certificateId: command.certificateId,
      at: command.now,
    },
  };
}

/**
 * Archiving is allowed in any state of the campaign, closed and anonymized included: it only moves
 * customers off the working list. When it would change no customer, nothing is recorded.
 */
function decideArchive(command: ArchiveCustomers, state: CampaignState): CampaignEvent[] {
  if (state.status === 'none') throw unknownCampaign();
  const ids = command.customerIds;
  if (ids !== null) {
    const seen = new Map<string, number>();
    ids.forEach((id, i) => {
      if (!UUID.test(id)) throw invalid(`customerIds[${i}]`, `customerIds[${i}] must be a customer id (a UUID)`);
      const earlier = seen.get(id.toLowerCase());
      if (earlier !== undefined) throw invalid(`customerIds[${i}]`, `customerIds[${i}] repeats customerIds[${earlier}]`, 'duplicate-customer-id');
      seen.set(id.toLowerCase(), i);
    });
    const unknown = ids.findIndex((id) => command.selection.unknown.has(id));
    if (unknown >= 0) {
      throw new DomainError('unprocessable', 'customer-not-in-campaign', `customerIds[${unknown}] names no customer of this campaign`, `customerIds[${unknown}]`);
    }
  }
  const archive = command.type === 'ArchiveCustomers';
  const changing = archive ? command.selection.active : command.selection.archived;
  if (changing === 0) return [];
  const data = { campaignId: state.campaignId, customerIds: ids, at: command.now };
  return [archive ? { type: 'CustomersArchived', data } : { type: 'CustomersUnarchived', data }];
}

/** Interactions and enrollment need a campaign that exists and takes writes. */
export function assertCampaignOpen(campaign: CampaignState): asserts campaign is ExistingCampaign & { status: 'active' } {
  if (campaign.status === 'none') throw unknownCampaign();
  if (campaign.status === 'closed') throw new DomainError('closed', 'campaign-closed', 'the campaign is closed');
}
