import { describe, it } from '@jest/globals';
import { deciderSpec } from '../../../../test/support/given-when-then';
import { campaignDecider, type CreateCampaign } from './campaign.decider';
import type { CampaignCreated } from './events';

const given = deciderSpec(campaignDecider);
const now = '2026-11-29T10:00:00.000Z';
const create: CreateCampaign = {
  type: 'CreateCampaign',
  campaignId: 'cmp-1',
  controllerId: 'c1',
  controllerExists: true,
  name: 'Winter offer',
  purpose: 'Telemarketing of broadband',
  startsOn: '2026-12-01',
  endsOn: '2026-12-31',
  currency: 'NOK',
  products: [{ sku: 'BB-100', name: 'Broadband 100', unitPriceMinor: 49_900 }],
  registeredSellers: new Set(['s1', 's2']),
  now,
};
const created: CampaignCreated = {
  type: 'CampaignCreated',
  data: {
    campaignId: 'cmp-1', controllerId: 'c1', name: 'Winter offer', purpose: 'Telemarketing of broadband', startsOn: '2026-12-01', endsOn: '2026-12-31',
    currency: 'NOK', timeZone: 'Europe/Oslo', products: create.products, budgets: [], responseCodes: [], retention: null, at: now,
  },
};

describe('campaign decider', () => {
  it('creates a campaign with defaults (Europe/Oslo, no budgets, no response codes)', () => {
    given([]).when(create).then([created]);
  });

  it('keeps time zone, budgets, response codes and retention when given', () => {
    const full = { ...create, timeZone: 'America/New_York', budgets: [{ sellerId: 's1', targetMinor: 100_000 }], responseCodes: ['yes', 'no-answer'], retention: { anonymizeAfterDays: 30, fullAnonymizeAfterDays: 90 } };
    given([]).when(full).then([{ ...created, data: { ...created.data, timeZone: 'America/New_York', budgets: full.budgets, responseCodes: full.responseCodes, retention: full.retention } }]);
  });

  it.each([
    ['an unknown controller', { controllerExists: false }, { kind: 'unprocessable', field: 'controllerId' }],
    ['a start that is no calendar date', { startsOn: '2026-02-30' }, { kind: 'invalid', field: 'startsOn' }],
    ['an end that is no date', { endsOn: 'soon' }, { kind: 'invalid', field: 'endsOn' }],
    ['an end before the start', { endsOn: '2026-11-30' }, { kind: 'invalid', field: 'endsOn' }],
    ['a time zone that is not IANA', { timeZone: 'Mars/Olympus' }, { kind: 'invalid', field: 'timeZone' }],
    ['no products', { products: [] }, { kind: 'invalid', field: 'products' }],
    ['two products with one sku', { products: [create.products[0], { ...create.products[0], name: 'again' }] }, { kind: 'invalid', code: 'duplicate-sku', field: 'products[1].sku' }],
    ['a zero price', { products: [{ ...create.products[0], unitPriceMinor: 0 }] }, { kind: 'invalid', field: 'products[0].unitPriceMinor' }],
    ['a response code off the pattern', { responseCodes: ['ok', 'Not OK'] }, { kind: 'invalid', field: 'responseCodes[1]' }],
    ['a repeated response code', { responseCodes: ['ok', 'ok'] }, { kind: 'invalid', code: 'duplicate-response-code' }],
    ['two budgets for one seller', { budgets: [{ sellerId: 's1', targetMinor: 1 }, { sellerId: 's1', targetMinor: 2 }] }, { kind: 'invalid', code: 'duplicate-budget' }],
    ['a budget for an unknown seller (422 naming the entry, as a sale by one)', { budgets: [{ sellerId: 's1', targetMinor: 1 }, { sellerId: 's9', targetMinor: 2 }] }, { kind: 'unprocessable', code: 'unknown-seller', field: 'budgets[1].sellerId' }],
    ['a full anonymization before the standard one', { retention: { anonymizeAfterDays: 30, fullAnonymizeAfterDays: 10 } }, { kind: 'invalid', field: 'retention.fullAnonymizeAfterDays' }],
  ])('refuses %s', (_, change, error) => {
    given([]).when({ ...create, ...change } as CreateCampaign).thenRejects(error);
  });

  it('refuses to create a campaign twice', () => {
    given([created]).when(create).thenRejects({ kind: 'conflict', code: 'campaign-exists' });
  });

  it('closes an active campaign, and refuses to close it again or close an unknown one', () => {
    const close = { type: 'CloseCampaign' as const, campaignId: 'cmp-1', now };
    given([created]).when(close).then([{ type: 'CampaignClosed', data: { campaignId: 'cmp-1', at: now } }]);
    given([created, { type: 'CampaignClosed', data: { campaignId: 'cmp-1', at: now } }]).when(close).thenRejects({ kind: 'closed', code: 'campaign-closed' });
    given([]).when(close).thenRejects({ kind: 'not-found' });
  });
});
