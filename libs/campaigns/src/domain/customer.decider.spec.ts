import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '../../../../test/support/given-when-then';
import { type CampaignState, campaignDecider } from './campaign.decider';
import { type CustomerCommand, customerDecider, decideEnrollment, type InteractionContext } from './customer.decider';
import type { CustomerDetailsChange, CustomerEnrolled, CustomerEvent, CustomerPersonal } from './events';

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
const open: InteractionContext = { campaign, sellerExists: true };
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
    const noList = { campaign: { ...campaign, responseCodes: [] } as CampaignState, sellerExists: true };
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
    given([enrolled]).when({ ...sms, context: { campaign, sellerExists: false } }).thenRejects({ kind: 'unprocessable', code: 'unknown-seller' });
    given([enrolled]).when({ ...sms, context: { campaign: closed, sellerExists: true } }).thenRejects({ kind: 'closed', code: 'campaign-closed' });
    given([]).when(sms).thenRejects({ kind: 'not-found', code: 'unknown-customer' });
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
    given([enrolled]).when({ type: 'ChangeCustomerDetails', customerId: 'cu-1', patch: { name: 'X' }, currentFields: null, now, context: { campaign: closed, sellerExists: true } }).thenRejects({ kind: 'closed' });
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
