import { assertNever, type Decider } from './decider';
import { DomainError, invalid } from './domain-error';
import type { Budget, CampaignDefinition, CampaignEvent, Product, Retention } from './events';

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
export type CampaignCommand = CreateCampaign | CloseCampaign;

export type CampaignState = { status: 'none' } | (CampaignDefinition & { status: 'active' | 'closed'; closedAt: string | null });
export type ExistingCampaign = Exclude<CampaignState, { status: 'none' }>;

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
        return { status: 'active', ...data, closedAt: null };
      }
      case 'CampaignClosed':
        return state.status === 'none' ? state : { ...state, status: 'closed', closedAt: event.data.at };
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
        if (state.status === 'none') throw new DomainError('not-found', 'unknown-campaign', 'no such campaign');
        if (state.status === 'closed') throw new DomainError('closed', 'campaign-closed', 'the campaign is already closed');
        return [{ type: 'CampaignClosed', data: { campaignId: command.campaignId, at: command.now } }];
      default:
        return assertNever(command);
    }
  },
};

/** Interactions and enrollment need a campaign that exists and takes writes. */
export function assertCampaignOpen(campaign: CampaignState): asserts campaign is ExistingCampaign & { status: 'active' } {
  if (campaign.status === 'none') throw new DomainError('not-found', 'unknown-campaign', 'no such campaign');
  if (campaign.status === 'closed') throw new DomainError('closed', 'campaign-closed', 'the campaign is closed');
}
