import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '../../../../test/support/given-when-then';
import { campaignDecider, type CreateCampaign } from './campaign.decider';
import type { CampaignCreated, CampaignEvent } from './events';

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

describe('campaign decider: legal hold', () => {
  const place = { type: 'PlaceLegalHold' as const, reasonCode: 'legal-obligation', reference: 'CASE-2026/17', now };
  const placed = { type: 'LegalHoldPlaced' as const, data: { campaignId: 'cmp-1', reasonCode: 'legal-obligation' as const, reference: 'CASE-2026/17', at: now } };
  const later = '2026-12-05T08:00:00.000Z';
  const closedCampaign = { type: 'CampaignClosed' as const, data: { campaignId: 'cmp-1', at: now } };

  it('places a hold with its reason and reference, on an active or a closed campaign', () => {
    given([created]).when(place).then([placed]);
    given([created, closedCampaign]).when(place).then([placed]);
  });

  it('records no reference as null', () => {
    given([created]).when({ ...place, reference: undefined }).then([{ ...placed, data: { ...placed.data, reference: null } }]);
  });

  it('replaces a hold in place with another reason or reference, placed anew at the new time', () => {
    given([created, placed]).when({ ...place, reasonCode: 'other', now: later }).then([{ ...placed, data: { ...placed.data, reasonCode: 'other', at: later } }]);
    given([created, placed]).when({ ...place, reference: 'CASE-2026/18', now: later }).then([{ ...placed, data: { ...placed.data, reference: 'CASE-2026/18', at: later } }]);
    given([created, placed]).when({ ...place, reference: null, now: later }).then([{ ...placed, data: { ...placed.data, reference: null, at: later } }]);
  });

  it('records nothing when exactly that hold is in place (a repeated PUT changes nothing)', () => {
    given([created, placed]).when({ ...place, now: later }).then([]);
  });

  it.each([
    ['a reason code outside the list', { reasonCode: 'because' }, 'reasonCode'],
    ['a reference with a space (free text)', { reference: 'called the client' }, 'reference'],
    ['a reference over 64 characters', { reference: 'x'.repeat(65) }, 'reference'],
    ['an empty reference', { reference: '' }, 'reference'],
  ])('refuses %s, naming the field', (_case, change, field) => {
    given([created]).when({ ...place, ...change }).thenRejects({ kind: 'invalid', field });
  });

  it('releases the hold in place; releasing none is a 409 no-legal-hold', () => {
    const release = { type: 'ReleaseLegalHold' as const, now: later };
    const released = { type: 'LegalHoldReleased' as const, data: { campaignId: 'cmp-1', at: later } };
    given([created, placed]).when(release).then([released]);
    given([created]).when(release).thenRejects({ kind: 'conflict', code: 'no-legal-hold' });
    given([created, placed, released]).when(release).thenRejects({ kind: 'conflict', code: 'no-legal-hold' });
    given([created, placed, released]).when(place).then([placed]);
  });

  it('refuses holds on an unknown campaign', () => {
    given([]).when(place).thenRejects({ kind: 'not-found', code: 'unknown-campaign' });
    given([]).when({ type: 'ReleaseLegalHold', now }).thenRejects({ kind: 'not-found', code: 'unknown-campaign' });
  });

  it('folds the hold into state: placed, replaced, released', () => {
    const fold = (events: CampaignEvent[]) => events.reduce(campaignDecider.evolve, campaignDecider.initialState());
    expect(fold([created, placed])).toMatchObject({ legalHold: { reasonCode: 'legal-obligation', reference: 'CASE-2026/17', placedAt: now } });
    expect(fold([created, placed, { type: 'LegalHoldReleased', data: { campaignId: 'cmp-1', at: later } }])).toMatchObject({ legalHold: null });
  });
});

describe('campaign decider: recording an anonymization', () => {
  const record = { type: 'RecordCampaignAnonymized' as const, mode: 'standard' as const, customersAffected: 20_000, keysDestroyed: 20_000, certificateId: 'cert-1', now };
  const standard: CampaignEvent = { type: 'CampaignAnonymized', data: { campaignId: 'cmp-1', mode: 'standard', customersAffected: 20_000, keysDestroyed: 20_000, certificateId: 'cert-1', at: now } };
  const full: CampaignEvent = { type: 'CampaignAnonymized', data: { campaignId: 'cmp-1', mode: 'full', customersAffected: 20_000, keysDestroyed: 20_000, certificateId: 'cert-2', at: now } };

  it('records standard, then full, on an active or closed campaign', () => {
    given([created]).when(record).then([standard]);
    given([created, { type: 'CampaignClosed', data: { campaignId: 'cmp-1', at: now } }]).when(record).then([standard]);
    given([created, standard]).when({ ...record, mode: 'full', certificateId: 'cert-2' }).then([full]);
    given([created]).when({ ...record, mode: 'full', certificateId: 'cert-2' }).then([full]);
  });

  it('refuses a mode already recorded, and standard after full', () => {
    given([created, standard]).when(record).thenRejects({ kind: 'conflict', code: 'already-anonymized' });
    given([created, full]).when(record).thenRejects({ kind: 'conflict', code: 'already-anonymized' });
    given([created, standard, full]).when({ ...record, mode: 'full' }).thenRejects({ kind: 'conflict', code: 'already-anonymized' });
  });

  it('refuses under a legal hold with 423 stating its reason code, and records once it is released', () => {
    const placed: CampaignEvent = { type: 'LegalHoldPlaced', data: { campaignId: 'cmp-1', reasonCode: 'data-subject-request', reference: null, at: now } };
    given([created, placed]).when(record).thenRejects({ kind: 'locked', code: 'legal-hold' });
    expect(() => campaignDecider.decide(record, [created, placed].reduce(campaignDecider.evolve, campaignDecider.initialState()))).toThrow(
      expect.objectContaining({ details: { reasonCode: 'data-subject-request' } }),
    );
    given([created, placed, { type: 'LegalHoldReleased', data: { campaignId: 'cmp-1', at: now } }]).when(record).then([standard]);
  });

  it.each([
    ['a negative count', { customersAffected: -1 }, 'customersAffected'],
    ['a fractional count', { keysDestroyed: 1.5 }, 'keysDestroyed'],
    ['no certificate', { certificateId: '' }, 'certificateId'],
    ['an unknown mode', { mode: 'partial' }, 'mode'],
  ])('refuses %s', (_case, change, field) => {
    given([created]).when({ ...record, ...change } as typeof record).thenRejects({ kind: 'invalid', field });
  });

  it('refuses a record for an unknown campaign, and folds the last one into state', () => {
    given([]).when(record).thenRejects({ kind: 'not-found' });
    const state = [created, standard, full].reduce(campaignDecider.evolve, campaignDecider.initialState());
    expect(state).toMatchObject({ anonymization: { mode: 'full', certificateId: 'cert-2', at: now } });
  });
});

describe('campaign decider: archiving customers', () => {
  const [a, b, c] = ['6c1f7a52-8f0e-4b7a-9d55-0a1b2c3d4e5f', '7d2e8b63-9a1f-4c8b-8e66-1b2c3d4e5f60', '8e3f9c74-ab20-4d9c-9f77-2c3d4e5f6071'];
  const archive = (customerIds: string[] | null, selection: { unknown?: string[]; archived?: number; active?: number } = {}, type: 'ArchiveCustomers' | 'UnarchiveCustomers' = 'ArchiveCustomers') => ({
    type,
    customerIds,
    selection: { unknown: new Set(selection.unknown ?? []), archived: selection.archived ?? 0, active: selection.active ?? 0 },
    now,
  });

  it('archives every customer of the campaign as one event naming none of them (cheap at any size)', () => {
    given([created]).when(archive(null, { active: 20_000 })).then([{ type: 'CustomersArchived', data: { campaignId: 'cmp-1', customerIds: null, at: now } }]);
  });

  it('archives the given customers, naming them', () => {
    given([created]).when(archive([a, b], { active: 2 })).then([{ type: 'CustomersArchived', data: { campaignId: 'cmp-1', customerIds: [a, b], at: now } }]);
  });

  it('unarchives the given or all archived customers', () => {
    given([created]).when(archive([a], { archived: 1 }, 'UnarchiveCustomers')).then([{ type: 'CustomersUnarchived', data: { campaignId: 'cmp-1', customerIds: [a], at: now } }]);
    given([created]).when(archive(null, { archived: 5, active: 7 }, 'UnarchiveCustomers')).then([{ type: 'CustomersUnarchived', data: { campaignId: 'cmp-1', customerIds: null, at: now } }]);
  });

  it('records nothing when no customer would change (all archived already, or none to unarchive)', () => {
    given([created]).when(archive([a, b], { archived: 2 })).then([]);
    given([created]).when(archive(null, { archived: 3 })).then([]);
    given([created]).when(archive(null, { active: 3 }, 'UnarchiveCustomers')).then([]);
  });

  it('archives on a closed campaign too (after the campaign is when archiving happens)', () => {
    given([created, { type: 'CampaignClosed', data: { campaignId: 'cmp-1', at: now } }]).when(archive(null, { active: 1 })).then([{ type: 'CustomersArchived', data: { campaignId: 'cmp-1', customerIds: null, at: now } }]);
  });

  it('refuses an id that names no customer of this campaign with 422 naming its index', () => {
    given([created]).when(archive([a, b, c], { unknown: [c], active: 2 })).thenRejects({ kind: 'unprocessable', code: 'customer-not-in-campaign', field: 'customerIds[2]' });
  });

  it('refuses a malformed or repeated id with 400 naming its index, before looking at membership', () => {
    given([created]).when(archive([a, 'not-an-id'], { unknown: ['not-an-id'] })).thenRejects({ kind: 'invalid', field: 'customerIds[1]' });
    given([created]).when(archive([a, b, a.toUpperCase()], { active: 2 })).thenRejects({ kind: 'invalid', code: 'duplicate-customer-id', field: 'customerIds[2]' });
  });

  it('refuses an unknown campaign', () => {
    given([]).when(archive(null)).thenRejects({ kind: 'not-found', code: 'unknown-campaign' });
  });
});
