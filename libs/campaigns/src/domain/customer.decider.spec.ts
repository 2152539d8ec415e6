import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '../../../../test/support/given-when-then';
import { type CampaignState, campaignDecider } from './campaign.decider';
import { type CustomerCommand, customerDecider, type CustomerHoldFacts, decideCustomersAnonymized, decideEnrollment, type InteractionContext } from './customer.decider';
import type { CustomerDetailsChange, CustomerEnrolled, CustomerEvent, CustomerPersonal } from './events';
import type { LegalHold } from './legal-hold';

const given = deciderSpec(customerDecider);
const now = '2026-11-29T10:00:00.000Z';
const campaign = campaignDecider.evolve(campaignDecider.initialState(), {
  type: 'CampaignCreated',
  data: {
    campaignId: 'cmp-1', controllerId: 'c1', name: 'Winter', purpose: 'p', startsOn: '2026-12-01', endsOn: '2026-12-31', currency: 'NOK', timeZone: 'Europe/Oslo',
    products: [{ sku: 'BB-100', name: 'Broadband', unitPriceMinor: 49_900 }], budgets: [], responseCodes: ['yes', 'no'], retention: null, at: now,
  },
});
const closed = campaignDecider.evolve(campaign, { type: 'CampaignClosed', data: { campaignId: 'cmp-1', at: now } });
const open: InteractionContext = { campaign, sellerExists: true, archived: false };
const enrolled: CustomerEnrolled = {
  type: 'CustomerEnrolled',
  data: { customerId: 'cu-1', campaignId: 'cmp-1', controllerId: 'c1', at: now },
  personal: { name: 'Kari' },
  reference: { customerRef: 'CRM-1' },
};
const base = { interactionId: 'i-1', sellerId: 's1', now, context: open };

describe('customer decider: interactions', () => {
  it('logs an SMS with phone and body sealed as personal, `at` defaulting to now', () => {
    given([enrolled])
      .when({ ...base, type: 'LogSms', direction: 'outbound', phone: '+4791234567', body: 'Hi' })
      .then([{ type: 'SmsLogged', data: { interactionId: 'i-1', sellerId: 's1', direction: 'outbound', at: now }, personal: { phone: '+4791234567', body: 'Hi' } }]);
  });

  it('logs an e-mail and a call (the call happens at startedAt)', () => {
    given([enrolled])
      .when({ ...base, type: 'LogEmail', direction: 'inbound', address: 'k@x.no', subject: 'S', body: 'B', at: '2026-12-02T08:00:00.000Z' })
      .then([{ type: 'EmailLogged', data: { interactionId: 'i-1', sellerId: 's1', direction: 'inbound', at: '2026-12-02T08:00:00.000Z' }, personal: { address: 'k@x.no', subject: 'S', body: 'B' } }]);
    given([enrolled])
      .when({ ...base, type: 'LogCall', phone: '+4791234567', startedAt: '2026-12-02T09:00:00.000Z', durationSeconds: 95 })
      .then([{ type: 'CallLogged', data: { interactionId: 'i-1', sellerId: 's1', at: '2026-12-02T09:00:00.000Z', startedAt: '2026-12-02T09:00:00.000Z', durationSeconds: 95 }, personal: { phone: '+4791234567' } }]);
  });

  it('stores times sent with an offset as UTC with milliseconds, and refuses one without a zone naming the field', () => {
    given([enrolled])
      .when({ ...base, type: 'RegisterResponse', code: 'yes', at: '2026-12-02T09:30:00+01:00' })
      .then([{ type: 'ResponseRegistered', data: { interactionId: 'i-1', sellerId: 's1', code: 'yes', at: '2026-12-02T08:30:00.000Z' } }]);
    given([enrolled])
      .when({ ...base, type: 'LogCall', phone: '+4791234567', startedAt: '2026-12-02T04:00:00-05:00', durationSeconds: 1 })
      .then([{ type: 'CallLogged', data: { interactionId: 'i-1', sellerId: 's1', at: '2026-12-02T09:00:00.000Z', startedAt: '2026-12-02T09:00:00.000Z', durationSeconds: 1 }, personal: { phone: '+4791234567' } }]);
    given([enrolled]).when({ ...base, type: 'RegisterResponse', code: 'yes', at: '2026-12-02T09:30:00' }).thenRejects({ kind: 'invalid', field: 'at' });
  });

  it("registers a response with a code from the campaign's list, the comment sealed", () => {
    given([enrolled])
      .when({ ...base, type: 'RegisterResponse', code: 'yes', comment: 'call back' })
      .then([{ type: 'ResponseRegistered', data: { interactionId: 'i-1', sellerId: 's1', code: 'yes', at: now }, personal: { comment: 'call back' } }]);
  });

  it('refuses a response code outside the list, or off the pattern when the campaign has no list', () => {
    given([enrolled]).when({ ...base, type: 'RegisterResponse', code: 'maybe' }).thenRejects({ kind: 'unprocessable', code: 'unknown-response-code', field: 'code' });
    const noList = { campaign: { ...campaign, responseCodes: [] } as CampaignState, sellerExists: true, archived: false };
    given([enrolled]).when({ ...base, context: noList, type: 'RegisterResponse', code: 'Maybe!' }).thenRejects({ kind: 'unprocessable', field: 'code' });
    given([enrolled]).when({ ...base, context: noList, type: 'RegisterResponse', code: 'maybe-later' }).then([
      { type: 'ResponseRegistered', data: { interactionId: 'i-1', sellerId: 's1', code: 'maybe-later', at: now } },
    ]);
  });

  it("registers a sale at the product's price by default, or the given price; amount = quantity x price", () => {
    given([enrolled])
      .when({ ...base, type: 'RegisterSale', sku: 'BB-100', quantity: 2, extraFields: { serial: 'X1' } })
      .then([{
        type: 'ProductRegistered',
        data: { interactionId: 'i-1', sellerId: 's1', at: now, campaignId: 'cmp-1', sku: 'BB-100', quantity: 2, unitPriceMinor: 49_900, amountMinor: 99_800, currency: 'NOK' },
        personal: { extraFields: { serial: 'X1' } },
      }]);
    const [sale] = customerDecider.decide({ ...base, type: 'RegisterSale', sku: 'BB-100', quantity: 3, unitPriceMinor: 100 } as CustomerCommand, customerDecider.evolve(customerDecider.initialState(), enrolled));
    expect(sale.data).toMatchObject({ unitPriceMinor: 100, amountMinor: 300 });
  });

  it.each([
    ['an unknown sku', { sku: 'NOPE', quantity: 1 }, { kind: 'unprocessable', code: 'unknown-sku' }],
    ['a quantity of 0', { sku: 'BB-100', quantity: 0 }, { kind: 'invalid', field: 'quantity' }],
    ['a quantity over 10,000', { sku: 'BB-100', quantity: 10_001 }, { kind: 'invalid', field: 'quantity' }],
  ])('refuses a sale with %s', (_, change, error) => {
    given([enrolled]).when({ ...base, type: 'RegisterSale', ...change } as CustomerCommand).thenRejects(error);
  });

  it('refuses an interaction by an unknown seller, on a closed campaign, or for an unknown customer', () => {
    const sms = { ...base, type: 'LogSms' as const, direction: 'outbound' as const, phone: '+4791234567', body: 'x' };
    given([enrolled]).when({ ...sms, context: { campaign, sellerExists: false, archived: false } }).thenRejects({ kind: 'unprocessable', code: 'unknown-seller' });
    given([enrolled]).when({ ...sms, context: { campaign: closed, sellerExists: true, archived: false } }).thenRejects({ kind: 'closed', code: 'campaign-closed' });
    given([]).when(sms).thenRejects({ kind: 'not-found', code: 'unknown-customer' });
  });

  it.each([
    ['an SMS', { type: 'LogSms', direction: 'outbound', phone: '+4791234567', body: 'x' }],
    ['a call', { type: 'LogCall', phone: '+4791234567', startedAt: '2026-12-02T09:00:00Z', durationSeconds: 5 }],
    ['a response', { type: 'RegisterResponse', code: 'yes' }],
    ['a sale', { type: 'RegisterSale', sku: 'BB-100', quantity: 1 }],
  ])('refuses %s for an archived customer with 409 customer-archived', (_case, interaction) => {
    given([enrolled]).when({ ...base, ...interaction, context: { ...open, archived: true } } as CustomerCommand).thenRejects({ kind: 'conflict', code: 'customer-archived' });
  });

  it('keeps details correctable on an archived customer', () => {
    given([enrolled])
      .when({ type: 'ChangeCustomerDetails', customerId: 'cu-1', patch: { name: 'Kari N' }, currentFields: null, now, context: { ...open, archived: true } })
      .then([{ type: 'CustomerDetailsChanged', data: { customerId: 'cu-1', changed: ['name'], at: now }, personal: { name: 'Kari N' } }]);
  });

  it('changes details naming which fields changed, and refuses an empty change', () => {
    given([enrolled])
      .when({ type: 'ChangeCustomerDetails', customerId: 'cu-1', patch: { email: 'new@x.no' }, currentFields: null, now, context: open })
      .then([{ type: 'CustomerDetailsChanged', data: { customerId: 'cu-1', changed: ['email'], at: now }, personal: { email: 'new@x.no' } }]);
    given([enrolled]).when({ type: 'ChangeCustomerDetails', customerId: 'cu-1', patch: {}, currentFields: null, now, context: open }).thenRejects({ kind: 'invalid', code: 'empty-change' });
  });
});

describe('customer decider: details as a JSON Merge Patch', () => {
  const current = { segment: 'B2C', consent: true, months: 12 };
  const change = (patch: object, currentFields: Record<string, string | number | boolean> | null = current) =>
    given([enrolled]).when({ type: 'ChangeCustomerDetails', customerId: 'cu-1', patch, currentFields, now, context: open });
  const changed = (keys: (keyof CustomerPersonal)[], personal: CustomerDetailsChange): CustomerEvent[] => [{ type: 'CustomerDetailsChanged', data: { customerId: 'cu-1', changed: keys, at: now }, personal }];

  it('merges fields key by key and records the whole resulting set', () => {
    change({ fields: { segment: 'VIP' } }).then(changed(['fields'], { fields: { segment: 'VIP', consent: true, months: 12 } }));
    change({ fields: { region: 'Vest' } }, null).then(changed(['fields'], { fields: { region: 'Vest' } }));
  });

  it('removes a field whose patch value is null, and every field for fields: null', () => {
    change({ fields: { consent: null, segment: 'VIP' } }).then(changed(['fields'], { fields: { segment: 'VIP', months: 12 } }));
    change({ fields: null }).then(changed(['fields'], { fields: null }));
    change({ fields: { segment: null, consent: null, months: null } }).then(changed(['fields'], { fields: null }));
  });

  it('clears a top-level detail given as null, leaving the others', () => {
    change({ email: null, name: 'Kari N' }).then(changed(['name', 'email'], { name: 'Kari N', email: null }));
  });

  it('keeps a key named __proto__ a plain field', () => {
    const [event] = customerDecider.decide(
      { type: 'ChangeCustomerDetails', customerId: 'cu-1', patch: { fields: JSON.parse('{"__proto__": "x"}') }, currentFields: null, now, context: open },
      customerDecider.evolve(customerDecider.initialState(), enrolled),
    );
    expect(Object.keys((event.personal as { fields: object }).fields)).toEqual(['__proto__']);
  });

  it('refuses a merge that would leave more than 100 fields, naming fields', () => {
    const full = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`f${i}`, i]));
    change({ fields: { extra: 1 } }, full).thenRejects({ kind: 'invalid', code: 'too-many-fields', field: 'fields' });
    change({ fields: { f0: null, extra: 1 } }, full).then(changed(['fields'], { fields: { ...Object.fromEntries(Object.entries(full).slice(1)), extra: 1 } }));
  });

  it('refuses a change on a closed campaign', () => {
    given([enrolled]).when({ type: 'ChangeCustomerDetails', customerId: 'cu-1', patch: { name: 'X' }, currentFields: null, now, context: { campaign: closed, sellerExists: true, archived: false } }).thenRejects({ kind: 'closed' });
  });
});

describe('enrollment', () => {
  const row = (i: number, ref = `CRM-${i}`) => ({ customerId: `cu-${i}`, customerRef: ref, personal: { name: `N${i}` } });

  it('enrolls each row as a new customer with its reference sealed apart', () => {
    expect(decideEnrollment(campaign, [row(1), row(2, ' CRM-2 ')], now)).toEqual([
      { type: 'CustomerEnrolled', data: { customerId: 'cu-1', campaignId: 'cmp-1', controllerId: 'c1', at: now }, personal: { name: 'N1' }, reference: { customerRef: 'CRM-1' } },
      { type: 'CustomerEnrolled', data: { customerId: 'cu-2', campaignId: 'cmp-1', controllerId: 'c1', at: now }, personal: { name: 'N2' }, reference: { customerRef: 'CRM-2' } },
    ]);
  });

  it('refuses a customerRef repeated in the batch (409) and a blank one (400), naming the row', () => {
    expect(() => decideEnrollment(campaign, [row(0), row(1), row(2, 'CRM-0 ')], now)).toThrow(expect.objectContaining({ kind: 'conflict', field: 'customers[2].customerRef' }));
    expect(() => decideEnrollment(campaign, [row(0), row(1, '  ')], now)).toThrow(expect.objectContaining({ kind: 'invalid', field: 'customers[1].customerRef' }));
  });

  it('refuses enrollment into a closed campaign', () => {
    expect(() => decideEnrollment(closed, [row(0)], now)).toThrow(expect.objectContaining({ kind: 'closed' }));
  });
});

describe('customer decider: legal hold', () => {
  const place = { type: 'PlaceLegalHold' as const, reasonCode: 'data-subject-request', reference: 'DSR-42', now };
  const placed: CustomerEvent = { type: 'LegalHoldPlaced', data: { customerId: 'cu-1', reasonCode: 'data-subject-request', reference: 'DSR-42', at: now } };
  const later = '2026-12-05T08:00:00.000Z';

  it('places a hold, records nothing for the same hold again, and replaces it with another', () => {
    given([enrolled]).when(place).then([placed]);
    given([enrolled, placed]).when({ ...place, now: later }).then([]);
    given([enrolled, placed]).when({ ...place, reasonCode: 'legal-obligation', now: later }).then([{ type: 'LegalHoldPlaced', data: { customerId: 'cu-1', reasonCode: 'legal-obligation', reference: 'DSR-42', at: later } }]);
  });

  it('places a hold on a customer whose anonymization is recorded (standard keeps the reference)', () => {
    given([enrolled, { type: 'CustomerAnonymized', data: { customerId: 'cu-1', campaignId: 'cmp-1', mode: 'standard', certificateId: 'cert-1', at: now } }]).when(place).then([placed]);
  });

  it('refuses free text as a reference and a reason outside the list', () => {
    given([enrolled]).when({ ...place, reference: 'the client phoned' }).thenRejects({ kind: 'invalid', field: 'reference' });
    given([enrolled]).when({ ...place, reasonCode: 'DATA-SUBJECT-REQUEST' }).thenRejects({ kind: 'invalid', field: 'reasonCode' });
  });

  it('releases the hold in place, and refuses to release none (409 no-legal-hold) or on an unknown customer', () => {
    given([enrolled, placed]).when({ type: 'ReleaseLegalHold', now: later }).then([{ type: 'LegalHoldReleased', data: { customerId: 'cu-1', at: later } }]);
    given([enrolled]).when({ type: 'ReleaseLegalHold', now: later }).thenRejects({ kind: 'conflict', code: 'no-legal-hold' });
    given([]).when(place).thenRejects({ kind: 'not-found', code: 'unknown-customer' });
  });

  it('folds holds and recorded anonymizations into state', () => {
    const state = [enrolled, placed, { type: 'CustomerAnonymized', data: { customerId: 'cu-1', campaignId: 'cmp-1', mode: 'full', certificateId: 'c', at: now } } as CustomerEvent].reduce(
      customerDecider.evolve,
      customerDecider.initialState(),
    );
    expect(state).toMatchObject({ legalHold: { reasonCode: 'data-subject-request', reference: 'DSR-42', placedAt: now }, anonymized: 'full' });
  });
});

describe('recording customers anonymized (bulk, without loading the streams)', () => {
  const hold: LegalHold = { reasonCode: 'legal-obligation', reference: null, placedAt: now };
  const free = (campaignId = 'cmp-1'): CustomerHoldFacts => ({ campaignId, legalHold: null, campaignLegalHold: null });
  const facts = new Map<string, CustomerHoldFacts>([
    ['cu-1', free()],
    ['cu-2', free('cmp-2')],
    ['cu-held', { ...free(), legalHold: hold }],
    ['cu-campaign-held', { ...free(), campaignLegalHold: { ...hold, reasonCode: 'other' } }],
  ]);
  const record = (customerId: string, mode: 'standard' | 'full' = 'full') => ({ customerId, mode, certificateId: 'cert-9' });

  it('records one event per customer, in order, with the campaign from the customer list', () => {
    expect(decideCustomersAnonymized([record('cu-1'), record('cu-2', 'standard')], facts, now)).toEqual([
      { type: 'CustomerAnonymized', data: { customerId: 'cu-1', campaignId: 'cmp-1', mode: 'full', certificateId: 'cert-9', at: now } },
      { type: 'CustomerAnonymized', data: { customerId: 'cu-2', campaignId: 'cmp-2', mode: 'standard', certificateId: 'cert-9', at: now } },
    ]);
  });

  it("refuses a customer under its own hold or its campaign's with 423 naming the entry and the hold's reason", () => {
    expect(() => decideCustomersAnonymized([record('cu-1'), record('cu-held')], facts, now)).toThrow(
      expect.objectContaining({ kind: 'locked', code: 'legal-hold', field: 'customers[1]', details: { reasonCode: 'legal-obligation' } }),
    );
    expect(() => decideCustomersAnonymized([record('cu-campaign-held')], facts, now)).toThrow(expect.objectContaining({ kind: 'locked', field: 'customers[0]', details: { reasonCode: 'other' } }));
  });

  it('refuses an unknown customer, a repeated one and a bad mode, naming the entry', () => {
    expect(() => decideCustomersAnonymized([record('cu-1'), record('cu-404')], facts, now)).toThrow(expect.objectContaining({ kind: 'not-found', field: 'customers[1].customerId' }));
    expect(() => decideCustomersAnonymized([record('cu-1'), record('cu-1')], facts, now)).toThrow(expect.objectContaining({ kind: 'invalid', field: 'customers[1].customerId' }));
    expect(() => decideCustomersAnonymized([{ ...record('cu-1'), mode: 'partial' as 'full' }], facts, now)).toThrow(expect.objectContaining({ kind: 'invalid', field: 'customers[0].mode' }));
    expect(() => decideCustomersAnonymized([{ ...record('cu-1'), certificateId: '' }], facts, now)).toThrow(expect.objectContaining({ kind: 'invalid', field: 'customers[0].certificateId' }));
  });
});
