import { expect } from '@jest/globals';
import type { TestApp } from './test-app';
import { tokenFor } from './tokens';

// A small, fully known set of campaigns for the analytics e2e suites, made through the API.
// Two controllers, three campaigns in two currencies and two time zones, four sellers, and every
// kind of interaction at instants chosen around local midnight. The expected figures are worked
// out by hand in the suites from the tables below; keep them in step.

export const CONTROLLERS = { nordic: 'ctl-nordic', atlantic: 'ctl-atlantic' } as const;

export const SELLERS = {
  anna: { id: 'seller-anna', name: 'Anna Andersen' },
  bjorn: { id: 'seller-bjorn', name: 'Bjørn Berg' },
  carl: { id: 'seller-carl', name: 'Carl Clark' },
  dora: { id: 'seller-dora', name: 'Dora Dahl' },
} as const;
type Seller = keyof typeof SELLERS;

export type CampaignKey = 'oslo' | 'nyc' | 'atl';

const CAMPAIGNS: Record<CampaignKey, Record<string, unknown> & { controllerId: string }> = {
  // NOK, Europe/Oslo (UTC+1 in December and January).
  oslo: {
    controllerId: CONTROLLERS.nordic,
    name: 'Oslo broadband',
    purpose: 'Telemarketing of broadband',
    startsOn: '2026-12-01',
    endsOn: '2026-12-31',
    currency: 'NOK',
    timeZone: 'Europe/Oslo',
    products: [
      { sku: 'BB-100', name: 'Broadband 100', unitPriceMinor: 49_900 },
      { sku: 'TV-MAX', name: 'TV Max', unitPriceMinor: 29_900 },
    ],
    budgets: [
      { sellerId: SELLERS.anna.id, targetMinor: 200_000 },
      { sellerId: SELLERS.bjorn.id, targetMinor: 100_000 },
    ],
    responseCodes: ['sold', 'call-back', 'not-interested'],
  },
  // EUR, America/New_York (UTC-5 in December).
  nyc: {
    controllerId: CONTROLLERS.nordic,
    name: 'New York energy',
    purpose: 'Solar panels and batteries',
    startsOn: '2026-12-01',
    endsOn: '2026-12-31',
    currency: 'EUR',
    timeZone: 'America/New_York',
    products: [
      { sku: 'SOLAR', name: 'Solar kit', unitPriceMinor: 120_000 },
      { sku: 'BATT', name: 'Battery', unitPriceMinor: 45_000 },
    ],
    budgets: [
      { sellerId: SELLERS.anna.id, targetMinor: 300_000 },
      { sellerId: SELLERS.carl.id, targetMinor: 100_000 },
    ],
    responseCodes: ['sold', 'not-interested'],
  },
  // Another controller: NOK, Europe/Oslo.
  atl: {
    controllerId: CONTROLLERS.atlantic,
    name: 'Atlantic broadband',
    purpose: 'Broadband for the west coast',
    startsOn: '2026-12-01',
    endsOn: '2026-12-31',
    currency: 'NOK',
    products: [{ sku: 'BB-100', name: 'Broadband 100', unitPriceMinor: 10_000 }],
    budgets: [{ sellerId: SELLERS.dora.id, targetMinor: 50_000 }],
    responseCodes: ['sold'],
  },
};

type CustomerKey = 'k1' | 'k2' | 'k3' | 'k4' | 'k5' | 'k6';
const CUSTOMERS: Record<CustomerKey, CampaignKey> = { k1: 'oslo', k2: 'oslo', k3: 'oslo', k4: 'nyc', k5: 'nyc', k6: 'atl' };

type Interaction =
  | { kind: 'sale'; id: string; seller: Seller; customer: CustomerKey; sku: string; quantity: number; unitPriceMinor?: number; at: string }
  | { kind: 'call'; id: string; seller: Seller; customer: CustomerKey; startedAt: string; durationSeconds: number }
  | { kind: 'sms'; id: string; seller: Seller; customer: CustomerKey; at: string }
  | { kind: 'email'; id: string; seller: Seller; customer: CustomerKey; at: string }
  | { kind: 'response'; id: string; seller: Seller; customer: CustomerKey; code: string; at: string };

// Local days in the comments: Oslo is UTC+1, New York UTC-5.
const INTERACTIONS: Interaction[] = [
  // Oslo, NOK
  { kind: 'sale', id: 's1', seller: 'anna', customer: 'k1', sku: 'BB-100', quantity: 2, at: '2026-12-02T23:30:00Z' }, // 12-03, 99 800
  { kind: 'sale', id: 's2', seller: 'anna', customer: 'k2', sku: 'TV-MAX', quantity: 1, at: '2026-12-03T09:00:00Z' }, // 12-03, 29 900
  { kind: 'sale', id: 's3', seller: 'bjorn', customer: 'k3', sku: 'BB-100', quantity: 1, unitPriceMinor: 39_900, at: '2026-12-03T22:59:00Z' }, // 12-03 23:59, 39 900
  { kind: 'sale', id: 's4', seller: 'bjorn', customer: 'k1', sku: 'TV-MAX', quantity: 3, at: '2026-12-31T23:10:00Z' }, // 2027-01-01, 89 700
  { kind: 'call', id: 'c1', seller: 'anna', customer: 'k1', startedAt: '2026-12-02T23:00:00Z', durationSeconds: 600 }, // 12-03
  { kind: 'call', id: 'c2', seller: 'anna', customer: 'k2', startedAt: '2026-12-03T08:30:00Z', durationSeconds: 1200 }, // 12-03
  { kind: 'call', id: 'c3', seller: 'bjorn', customer: 'k3', startedAt: '2026-12-03T22:00:00Z', durationSeconds: 3600 }, // 12-03
  { kind: 'call', id: 'c4', seller: 'bjorn', customer: 'k1', startedAt: '2026-12-31T23:00:00Z', durationSeconds: 1800 }, // 2027-01-01
  { kind: 'sms', id: 'm1', seller: 'anna', customer: 'k1', at: '2026-12-03T10:00:00Z' }, // 12-03
  { kind: 'sms', id: 'm2', seller: 'bjorn', customer: 'k3', at: '2026-12-03T21:00:00Z' }, // 12-03
  { kind: 'sms', id: 'm3', seller: 'bjorn', customer: 'k3', at: '2026-12-30T08:00:00Z' }, // 12-30
  { kind: 'sms', id: 'm5', seller: 'anna', customer: 'k2', at: '2026-12-05T10:00:00Z' }, // 12-05
  { kind: 'email', id: 'e1', seller: 'anna', customer: 'k2', at: '2026-12-03T11:00:00Z' }, // 12-03
  { kind: 'response', id: 'r1', seller: 'anna', customer: 'k1', code: 'sold', at: '2026-12-02T23:40:00Z' }, // 12-03
  { kind: 'response', id: 'r2', seller: 'anna', customer: 'k2', code: 'sold', at: '2026-12-03T09:05:00Z' }, // 12-03
  { kind: 'response', id: 'r3', seller: 'anna', customer: 'k2', code: 'call-back', at: '2026-12-02T12:00:00Z' }, // 12-02
  { kind: 'response', id: 'r4', seller: 'bjorn', customer: 'k3', code: 'sold', at: '2026-12-03T22:58:00Z' }, // 12-03
  { kind: 'response', id: 'r5', seller: 'bjorn', customer: 'k1', code: 'call-back', at: '2026-12-31T12:00:00Z' }, // 12-31
  { kind: 'response', id: 'r6', seller: 'bjorn', customer: 'k1', code: 'sold', at: '2026-12-31T23:15:00Z' }, // 2027-01-01
  { kind: 'response', id: 'r7', seller: 'bjorn', customer: 'k3', code: 'not-interested', at: '2026-12-30T08:05:00Z' }, // 12-30
  // New York, EUR
  { kind: 'sale', id: 's5', seller: 'anna', customer: 'k4', sku: 'SOLAR', quantity: 1, at: '2026-12-03T03:00:00Z' }, // 12-02 22:00, 120 000
  { kind: 'sale', id: 's6', seller: 'carl', customer: 'k5', sku: 'BATT', quantity: 2, at: '2026-12-03T15:00:00Z' }, // 12-03, 90 000
  { kind: 'sale', id: 's7', seller: 'carl', customer: 'k4', sku: 'SOLAR', quantity: 1, unitPriceMinor: 100_000, at: '2026-12-04T04:59:00Z' }, // 12-03 23:59, 100 000
  { kind: 'call', id: 'c5', seller: 'anna', customer: 'k4', startedAt: '2026-12-03T02:30:00Z', durationSeconds: 900 }, // 12-02
  { kind: 'call', id: 'c6', seller: 'carl', customer: 'k5', startedAt: '2026-12-03T14:00:00Z', durationSeconds: 1800 }, // 12-03
  { kind: 'call', id: 'c7', seller: 'carl', customer: 'k4', startedAt: '2026-12-04T04:00:00Z', durationSeconds: 1800 }, // 12-03
  { kind: 'sms', id: 'm4', seller: 'carl', customer: 'k5', at: '2026-12-03T13:00:00Z' }, // 12-03
  { kind: 'email', id: 'e2', seller: 'anna', customer: 'k4', at: '2026-12-03T02:00:00Z' }, // 12-02
  { kind: 'email', id: 'e3', seller: 'carl', customer: 'k5', at: '2026-12-03T16:00:00Z' }, // 12-03
  { kind: 'response', id: 'r8', seller: 'anna', customer: 'k4', code: 'sold', at: '2026-12-03T03:05:00Z' }, // 12-02
  { kind: 'response', id: 'r9', seller: 'carl', customer: 'k5', code: 'sold', at: '2026-12-03T15:01:00Z' }, // 12-03
  { kind: 'response', id: 'r10', seller: 'carl', customer: 'k4', code: 'not-interested', at: '2026-12-03T20:00:00Z' }, // 12-03
  { kind: 'response', id: 'r11', seller: 'carl', customer: 'k4', code: 'sold', at: '2026-12-04T04:58:00Z' }, // 12-03
  // Atlantic (the other controller), NOK
  { kind: 'sale', id: 's8', seller: 'dora', customer: 'k6', sku: 'BB-100', quantity: 1, at: '2026-12-03T12:00:00Z' }, // 12-03, 10 000
  { kind: 'call', id: 'c8', seller: 'dora', customer: 'k6', startedAt: '2026-12-03T11:00:00Z', durationSeconds: 1800 }, // 12-03
  { kind: 'response', id: 'r12', seller: 'dora', customer: 'k6', code: 'sold', at: '2026-12-03T12:01:00Z' }, // 12-03
];

/** Personal values of the seeded data (customers and interactions): none may reach an analytics answer. */
export function personalMarkers(): string[] {
  const values = (personal: Record<string, unknown>): unknown[] => Object.values(personal).flatMap((v) => (typeof v === 'object' && v !== null ? Object.values(v) : [v]));
  const all = [...(Object.keys(CUSTOMERS) as CustomerKey[]).map(customerPersonal), ...INTERACTIONS.map(interactionPersonal)].flatMap(values).map(String);
  // Phones also as digits only and in E.164.
  return [...new Set(all.flatMap((v) => (v.startsWith('+') ? [v, v.replace(/\D/g, ''), v.replace(/ /g, '')] : [v])))];
}

function customerPersonal(k: CustomerKey) {
  const n = k.slice(1);
  return { customerRef: `MRKref-${k}`, name: `MRKname-${k}`, email: `mrk-${k}@mrkmail.example`, phone: `+47 41 00 00 0${n}`, fields: { crm: `MRKfield-${k}` } };
}

function interactionPersonal(i: Interaction): Record<string, unknown> {
  switch (i.kind) {
    case 'sale':
      return { extraFields: { serial: `MRKextra-${i.id}` } };
    case 'call':
      return { phone: `+47 48 00 00 0${i.id.slice(1)}`, notes: `MRKnotes-${i.id}` };
    case 'sms':
      return { phone: `+47 47 00 00 0${i.id.slice(1)}`, body: `MRKsms-${i.id}` };
    case 'email':
      return { address: `mrk-${i.id}@mrkmail.example`, subject: `MRKsubject-${i.id}`, body: `MRKbody-${i.id}` };
    case 'response':
      return { comment: `MRKcomment-${i.id}` };
  }
}

export interface AnalyticsDataset {
  campaigns: Record<CampaignKey, string>;
  customers: Record<CustomerKey, string>;
  /** The last command's position: `waitFor` it and every projection has seen the whole set. */
  position: string;
  service: Record<string, string>;
}

/** Seeds the set through the HTTP API, one command at a time (so `position` is the last of them all). */
export async function seedAnalyticsDataset(t: TestApp): Promise<AnalyticsDataset> {
  const service = { Authorization: `Bearer ${await tokenFor(t.config, ['service'], ['*'], 'analytics-seed')}` };
  let position = '';
  const send = async (request: Promise<{ status: number; body: { position?: string } }>, status: number) => {
    const answer = await request;
    expect({ status: answer.status, body: answer.body }).toMatchObject({ status });
    position = answer.body.position ?? position;
    return answer.body as Record<string, unknown>;
  };

  await send(t.http.post('/v1/controllers').set(service).send({ id: CONTROLLERS.nordic, name: 'Telco Norge AS' }), 201);
  await send(t.http.post('/v1/controllers').set(service).send({ id: CONTROLLERS.atlantic, name: 'Vestland Fiber AS' }), 201);
  for (const seller of Object.values(SELLERS)) await send(t.http.put(`/v1/sellers/${seller.id}`).set(service).send({ name: seller.name }), 200);

  const campaigns = {} as Record<CampaignKey, string>;
  for (const key of Object.keys(CAMPAIGNS) as CampaignKey[]) {
    campaigns[key] = (await send(t.http.post('/v1/campaigns').set(service).send(CAMPAIGNS[key]), 201)).campaignId as string;
  }
  const customers = {} as Record<CustomerKey, string>;
  for (const key of Object.keys(CUSTOMERS) as CustomerKey[]) {
    const body = await send(t.http.post(`/v1/campaigns/${campaigns[CUSTOMERS[key]]}/customers`).set(service).send({ customers: [customerPersonal(key)] }), 201);
    customers[key] = (body.customerIds as string[])[0];
  }

  for (const i of INTERACTIONS) {
    const sellerId = SELLERS[i.seller].id;
    const personal = interactionPersonal(i);
    const path = `/v1/customers/${customers[i.customer]}`;
    const post = (route: string, body: object) => send(t.http.post(`${path}/${route}`).set(service).send(body), 201);
    switch (i.kind) {
      case 'sale':
        await post('sales', { sellerId, sku: i.sku, quantity: i.quantity, at: i.at, ...(i.unitPriceMinor ? { unitPriceMinor: i.unitPriceMinor } : {}), ...personal });
        break;
      case 'call':
        await post('calls', { sellerId, startedAt: i.startedAt, durationSeconds: i.durationSeconds, ...personal });
        break;
      case 'sms':
        await post('sms', { sellerId, direction: 'outbound', at: i.at, ...personal });
        break;
      case 'email':
        await post('emails', { sellerId, direction: 'outbound', at: i.at, ...personal });
        break;
      case 'response':
        await post('responses', { sellerId, code: i.code, at: i.at, ...personal });
        break;
    }
  }
  return { campaigns, customers, position, service };
}
