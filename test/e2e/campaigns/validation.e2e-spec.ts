import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedCampaign } from '../../support/campaign-fixtures';
import { expectProblem, writeCounts } from '../../support/problem-assertions';
import { startTestApp, type TestApp } from '../../support/test-app';
import { tokenFor } from '../../support/tokens';

// Every command route refuses each class of invalid input with 400 problem+json naming the field,
// and a refused request writes nothing: no event, key, index row, list row or idempotency record,
// and the campaign and customer read back exactly as before.

const CONTROLLER = 'ctl-validation';
const SELLER = 'seller-validation';
const long = (n: number) => 'x'.repeat(n);
const at = '2026-12-02T09:00:00Z';

type Body = Record<string, unknown>;
/** The body without `key`. */
const without = (body: Body, key: string): Body => Object.fromEntries(Object.entries(body).filter(([k]) => k !== key));
/** The body with one product/budget/retention entry replaced. */
const withFirst = (body: Body, list: 'products' | 'budgets', entry: Body): Body => ({ ...body, [list]: [{ ...(body[list] as Body[])[0], ...entry }] });

const campaign: Body = {
  controllerId: CONTROLLER,
  name: 'Spring fibre',
  purpose: 'Telemarketing of fibre',
  startsOn: '2026-03-01',
  endsOn: '2026-03-31',
  currency: 'NOK',
  products: [{ sku: 'FIB-500', name: 'Fibre 500', unitPriceMinor: 59_900 }],
  budgets: [{ sellerId: SELLER, targetMinor: 100_000 }],
  responseCodes: ['sold', 'call-back'],
  timeZone: 'Europe/Oslo',
  retention: { anonymizeAfterDays: 30, fullAnonymizeAfterDays: 365 },
};
const sms: Body = { sellerId: SELLER, direction: 'outbound', phone: '+4791234567', body: 'Hei Kari', at };
const email: Body = { sellerId: SELLER, direction: 'inbound', address: 'kari@example.no', subject: 'Re: offer', body: 'Yes please', at };
const call: Body = { sellerId: SELLER, phone: '+4791234567', startedAt: at, durationSeconds: 120, notes: 'Positive' };
const response: Body = { sellerId: SELLER, code: 'sold', comment: 'Signed', at };
const sale: Body = { sellerId: SELLER, sku: 'BB-100', quantity: 1, unitPriceMinor: 100, extraFields: { serial: 'RT-1' }, at };

/** [case, body, the fields errors must name]. */
type Case = [string, unknown, string[]];
/** [case, body, the fields, text every message contains]. */
type UnknownCase = [string, unknown, string[], string];

describe('campaigns API: 400 on invalid input, and a 400 writes nothing', () => {
  let t: TestApp;
  let seed: Awaited<ReturnType<typeof seedCampaign>>;
  let customerId: string;
  let position: string;

  beforeAll(async () => {
    t = await startTestApp();
    seed = await seedCampaign(t, { controllerId: CONTROLLER });
    await t.http.put(`/v1/sellers/${SELLER}`).set(seed.auth).send({ name: 'Vera Validator' }).expect(200);
    const enrolled = await t.http
      .post(`/v1/campaigns/${seed.campaignId}/customers`)
      .set(seed.auth)
      .send({ customers: [{ customerRef: 'CRM-V1', name: 'Kari Nordmann', email: 'kari@example.no', phone: '+47 912 34 567', fields: { segment: 'B2C' } }] })
      .expect(201);
    customerId = enrolled.body.customerIds[0];
    position = (await t.http.post(`/v1/customers/${customerId}/sms`).set(seed.auth).send(sms).expect(201)).body.position;
  });
  afterAll(() => t.close());

  /** Everything a refused command could have touched. */
  const snapshot = async () => {
    const [counts, campaignView, customerView] = await Promise.all([
      writeCounts(t),
      t.http.get(`/v1/campaigns/${seed.campaignId}`).set(seed.auth),
      t.http.get(`/v1/customers/${customerId}`).set(seed.auth),
    ]);
    expect([campaignView.status, customerView.status]).toEqual([200, 200]);
    return { counts, campaign: campaignView.body, customer: customerView.body };
  };

  // Every accepted command appends an event, so equal counts mean the reads are still the ones
  // of the last snapshot; it is taken again only after a test wrote on purpose.
  let baseline: Awaited<ReturnType<typeof snapshot>> | undefined;

  /** Sends, expects 400 naming exactly `fields`, and that nothing changed. */
  async function refused(send: () => PromiseLike<Parameters<typeof expectProblem>[0]>, fields: string[], message?: string) {
    const counts = await writeCounts(t);
    if (!baseline || JSON.stringify(baseline.counts) !== JSON.stringify(counts)) baseline = await snapshot();
    const answer = await send();
    expectProblem(answer, 400, { fields, message });
    expect((answer.body as { title: string }).title).toBe('Validation failed');
    expect(await snapshot()).toEqual(baseline);
  }
  const post = (path: () => string, contentType = 'application/json') => (body: unknown) => () =>
    t.http.post(path()).set(seed.auth).set('Content-Type', contentType).send(body as object);

  describe('POST /v1/controllers', () => {
    // The id is new, so the token must cover it: an admin token for every controller.
    let admin: Record<string, string>;
    beforeAll(async () => {
      admin = { Authorization: `Bearer ${await tokenFor(t.config, ['admin'], ['*'])}` };
    });
    const send = (body: unknown) => () => t.http.post('/v1/controllers').set(admin).send(body as object);
    const valid: Body = { id: 'ctl-fresh', name: 'Telco Sverige AB' };
    it.each<Case>([
      ['missing id', without(valid, 'id'), ['id']],
      ['missing name', without(valid, 'name'), ['name']],
      ['id of the wrong type', { ...valid, id: 42 }, ['id']],
      ['name of the wrong type', { ...valid, name: 42 }, ['name']],
      ['id of 65 characters', { ...valid, id: long(65) }, ['id']],
      ['id outside [A-Za-z0-9._-]', { ...valid, id: 'telco no' }, ['id']],
      ['empty id', { ...valid, id: '' }, ['id']],
      ['name of 201 characters', { ...valid, name: long(201) }, ['name']],
      ['empty name', { ...valid, name: '' }, ['name']],
    ])('%s', (_case, body, fields) => refused(send(body), fields));

    it.each<UnknownCase>([['an unknown property', { ...valid, country: 'SE' }, ['country'], 'should not exist']])('%s', (_case, body, fields, message) =>
      refused(send(body), fields, message),
    );

    it('leaves the refused id free: registering it afterwards answers 201', async () => {
      const registered = await t.http.post('/v1/controllers').set(admin).send(valid);
      expect(registered.status).toBe(201);
      expect(registered.body).toEqual({ id: 'ctl-fresh', position: expect.any(String) });
    });
  });

  describe('PUT /v1/sellers/:id', () => {
    const put = (id: string, body: unknown) => () => t.http.put(`/v1/sellers/${id}`).set(seed.auth).send(body as object);
    it.each<Case>([
      ['missing name', {}, ['name']],
      ['name of the wrong type', { name: 42 }, ['name']],
      ['name of 201 characters', { name: long(201) }, ['name']],
      ['empty name', { name: '' }, ['name']],
    ])('%s', (_case, body, fields) => refused(put('seller-fresh', body), fields));

    it('refuses an unknown property', () => refused(put('seller-fresh', { name: 'Ola', email: 'ola@example.no' }), ['email'], 'should not exist'));
    it.each([
      ['an id of 65 characters', long(65)],
      ['an id with a space', 'seller%201'],
      ['an id with other characters', 'seller%40telco'],
    ])('refuses %s in the path (field id)', (_case, id) => refused(put(id, { name: 'Ola' }), ['id']));

    it('creates no seller on a refusal: an interaction naming it is a 422 until it is upserted', async () => {
      const unknown = await t.http.post(`/v1/customers/${customerId}/responses`).set(seed.auth).send({ ...response, sellerId: 'seller-fresh' });
      expectProblem(unknown, 422, { fields: ['sellerId'] });
      await t.http.put('/v1/sellers/seller-fresh').set(seed.auth).send({ name: 'Ola' }).expect(200);
      await t.http.post(`/v1/customers/${customerId}/responses`).set(seed.auth).send({ ...response, sellerId: 'seller-fresh' }).expect(201);
    });
  });

  describe('POST /v1/campaigns', () => {
    const send = post(() => '/v1/campaigns');
    it.each<Case>([
      ...['controllerId', 'name', 'purpose', 'startsOn', 'endsOn', 'currency', 'products'].map((field): Case => [`missing ${field}`, without(campaign, field), [field]]),
      ['name of the wrong type', { ...campaign, name: 42 }, ['name']],
      ['purpose of the wrong type', { ...campaign, purpose: ['Telemarketing'] }, ['purpose']],
      ['products not an array', { ...campaign, products: 'FIB-500' }, ['products']],
      ['a price as a string', withFirst(campaign, 'products', { unitPriceMinor: '59900' }), ['products[0].unitPriceMinor']],
      ['a fractional price', withFirst(campaign, 'products', { unitPriceMinor: 599.5 }), ['products[0].unitPriceMinor']],
      ['a zero price', withFirst(campaign, 'products', { unitPriceMinor: 0 }), ['products[0].unitPriceMinor']],
      ['a fractional budget target', withFirst(campaign, 'budgets', { targetMinor: 1.5 }), ['budgets[0].targetMinor']],
      ['a budget with a bad sellerId', withFirst(campaign, 'budgets', { sellerId: 'seller 1' }), ['budgets[0].sellerId']],
      ['retention not an object', { ...campaign, retention: 30 }, ['retention']],
      ['retention missing fullAnonymizeAfterDays', { ...campaign, retention: { anonymizeAfterDays: 30 } }, ['retention.fullAnonymizeAfterDays']],
      ['name of 201 characters', { ...campaign, name: long(201) }, ['name']],
      ['purpose of 1001 characters', { ...campaign, purpose: long(1001) }, ['purpose']],
      ['a product name of 201 characters', withFirst(campaign, 'products', { name: long(201) }), ['products[0].name']],
      ['a sku of 65 characters', withFirst(campaign, 'products', { sku: long(65) }), ['products[0].sku']],
      ['a controllerId outside the id charset', { ...campaign, controllerId: 'ctl validation' }, ['controllerId']],
      ['startsOn that is not a calendar date (2026-02-30)', { ...campaign, startsOn: '2026-02-30' }, ['startsOn']],
      ['startsOn not in YYYY-MM-DD', { ...campaign, startsOn: '01.03.2026' }, ['startsOn']],
      ['startsOn with a time', { ...campaign, startsOn: '2026-03-01T00:00:00Z' }, ['startsOn']],
      ['endsOn in month 13', { ...campaign, endsOn: '2026-13-01' }, ['endsOn']],
      ['endsOn before startsOn', { ...campaign, endsOn: '2026-02-28' }, ['endsOn']],
      ['a lower-case currency', { ...campaign, currency: 'nok' }, ['currency']],
      ['a four-letter currency', { ...campaign, currency: 'NOKK' }, ['currency']],
      ['a currency symbol', { ...campaign, currency: 'kr' }, ['currency']],
      ['no products', { ...campaign, products: [] }, ['products']],
      [
        'a duplicate sku',
        { ...campaign, products: [{ sku: 'FIB-500', name: 'Fibre 500', unitPriceMinor: 59_900 }, { sku: 'FIB-500', name: 'Fibre 500 again', unitPriceMinor: 49_900 }] },
        ['products[1].sku'],
      ],
      ['a response code off the pattern', { ...campaign, responseCodes: ['sold', 'Not Interested'] }, ['responseCodes']],
      ['a response code of 41 characters', { ...campaign, responseCodes: [long(41)] }, ['responseCodes']],
      ['a repeated response code', { ...campaign, responseCodes: ['sold', 'sold'] }, ['responseCodes[1]']],
      ['two budgets for one seller', { ...campaign, budgets: [{ sellerId: SELLER, targetMinor: 1 }, { sellerId: SELLER, targetMinor: 2 }] }, ['budgets[1].sellerId']],
      ['a time zone that is not IANA', { ...campaign, timeZone: 'Mars/Olympus_Mons' }, ['timeZone']],
      ['fullAnonymizeAfterDays before anonymizeAfterDays', { ...campaign, retention: { anonymizeAfterDays: 30, fullAnonymizeAfterDays: 10 } }, ['retention.fullAnonymizeAfterDays']],
      ['negative retention days', { ...campaign, retention: { anonymizeAfterDays: -1, fullAnonymizeAfterDays: 10 } }, ['retention.anonymizeAfterDays']],
    ])('%s', (_case, body, fields) => refused(send(body), fields));

    it.each<UnknownCase>([
      ['an unknown top-level property', { ...campaign, discount: 10 }, ['discount'], 'should not exist'],
      ['an unknown product property', withFirst(campaign, 'products', { color: 'red' }), ['products[0].color'], 'should not exist'],
      ['an unknown retention property', { ...campaign, retention: { anonymizeAfterDays: 1, fullAnonymizeAfterDays: 2, keepForever: true } }, ['retention.keepForever'], 'should not exist'],
    ])('%s', (_case, body, fields, message) => refused(send(body), fields, message));

    it('accepts the base body the cases above vary (so each 400 is the varied field\'s)', async () => {
      const created = await t.http.post('/v1/campaigns').set(seed.auth).send(campaign);
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ campaignId: expect.any(String), position: expect.any(String) });
    });
  });

  describe('POST /v1/campaigns/:id/close', () => {
    it('refuses a body property (the route takes none) and leaves the campaign active', async () => {
      await refused(() => t.http.post(`/v1/campaigns/${seed.campaignId}/close`).set(seed.auth).send({ reason: 'done' }), ['reason'], 'should not exist');
      expect((await t.http.get(`/v1/campaigns/${seed.campaignId}`).set(seed.auth)).body.status).toBe('active');
    });
  });

  describe('POST /v1/campaigns/:id/customers (JSON)', () => {
    const send = post(() => `/v1/campaigns/${seed.campaignId}/customers`);
    const row = (extra: Body = {}): Body => ({ customerRef: 'CRM-NEW', name: 'Ola Nordmann', email: 'ola@example.no', phone: '+4798765432', ...extra });
    it.each<Case>([
      ['no customers property', {}, ['customers']],
      ['0 customers', { customers: [] }, ['customers']],
      ['customers not an array', { customers: 'CRM-1' }, ['customers']],
      ['10,001 customers', { customers: Array.from({ length: 10_001 }, (_, i) => ({ customerRef: `R-${i}` })) }, ['customers']],
      ['a body that is an array', [row()], ['body']],
      ['a row without customerRef', { customers: [without(row(), 'customerRef')] }, ['customers[0].customerRef']],
      ['a customerRef of the wrong type', { customers: [row({ customerRef: 42 })] }, ['customers[0].customerRef']],
      ['a customerRef of 129 characters', { customers: [row({ customerRef: long(129) })] }, ['customers[0].customerRef']],
      ['a blank customerRef', { customers: [row({ customerRef: '   ' })] }, ['customers[0].customerRef']],
      ['a name of 201 characters in the second row', { customers: [row(), row({ customerRef: 'CRM-NEW-2', name: long(201) })] }, ['customers[1].name']],
      ['a name of the wrong type', { customers: [row({ name: 42 })] }, ['customers[0].name']],
      ['a bad e-mail', { customers: [row({ email: 'ola-at-example.no' })] }, ['customers[0].email']],
      ['a null e-mail', { customers: [row({ email: null })] }, ['customers[0].email']],
      ['a phone that is not a number', { customers: [row({ phone: 'call me' })] }, ['customers[0].phone']],
      ['a null phone', { customers: [row({ phone: null })] }, ['customers[0].phone']],
      ['a phone of 33 characters', { customers: [row({ phone: long(33) })] }, ['customers[0].phone']],
      ['a phone as a number', { customers: [row({ phone: 4798765432 })] }, ['customers[0].phone']],
      ['fields with a nested object', { customers: [row({ fields: { address: { city: 'Oslo' } } })] }, ['customers[0].fields']],
      ['fields that are an array', { customers: [row({ fields: ['B2C'] })] }, ['customers[0].fields']],
      ['fields with a null value (null only removes, in a PATCH)', { customers: [row({ fields: { segment: null } })] }, ['customers[0].fields']],
      [
        'bad e-mails among good rows (each named in one answer)',
        { customers: [row({ email: 'nope' }), row({ customerRef: 'CRM-NEW-2' }), row({ customerRef: 'CRM-NEW-3', email: 'nope' })] },
        ['customers[0].email', 'customers[2].email'],
      ],
      [
        'bad phones among good rows (each named in one answer)',
        { customers: [row({ phone: 'call me' }), row({ customerRef: 'CRM-NEW-2' }), row({ customerRef: 'CRM-NEW-3', phone: 'n/a' })] },
        ['customers[0].phone', 'customers[2].phone'],
      ],
    ])('%s', (_case, body, fields) => refused(send(body), fields));

    it.each<UnknownCase>([
      ['an unknown row property', { customers: [row({ nickname: 'Ola' })] }, ['customers[0].nickname'], 'should not exist'],
      ['an unknown top-level property', { customers: [row()], source: 'crm' }, ['source'], 'should not exist'],
    ])('%s', (_case, body, fields, message) => refused(send(body), fields, message));

    it('names the field, never the value, in its errors', async () => {
      const answer = await t.http
        .post(`/v1/campaigns/${seed.campaignId}/customers`)
        .set(seed.auth)
        .send({ customers: [row({ email: 'leaky-at-example.no' }), row({ customerRef: 'CRM-NEW-2', email: 'other-leak-at-example.no' })] });
      expectProblem(answer, 400, { fields: ['customers[0].email', 'customers[1].email'] });
      expect(answer.text).not.toContain('leak');
      const phone = await t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).send({ customers: [row({ phone: 'ring 555-0199' })] });
      expectProblem(phone, 400, { fields: ['customers[0].phone'] });
      expect(phone.text).not.toContain('555-0199');
    });
  });

  describe('POST /v1/campaigns/:id/customers (text/csv)', () => {
    const send = post(() => `/v1/campaigns/${seed.campaignId}/customers`, 'text/csv');
    it.each<Case>([
      ['a header without a customerRef column', 'name,email\nOla,ola@example.no\n', ['body']],
      ['a row missing its customerRef', 'customerRef,name\nCSV-1,Ola\n,Kari\n', ['customers[1].customerRef']],
      ['a header and no rows', 'customerRef,name\n', ['customers']],
      ['a bad e-mail', 'customerRef,email\nCSV-1,ola-at-example.no\n', ['customers[0].email']],
      ['a phone that is not a number', 'customerRef;phone\nCSV-1;call me\n', ['customers[0].phone']],
      ['an unterminated quote', 'customerRef,name\nCSV-1,"Ola\n', ['customers[0]']],
      ['a row with more cells than the header', 'customerRef,name\nCSV-1,Ola,extra\n', ['customers[0]']],
      ['an unterminated quote in the header', 'customerRef,"name\nCSV-1,Ola\n', ['body']],
    ])('%s', (_case, body, fields) => refused(send(body), fields));
  });

  describe('GET query parameters', () => {
    const get = (path: () => string) => () => t.http.get(path()).set(seed.auth);
    const list = (query: string) => get(() => `/v1/campaigns/${seed.campaignId}/customers?${query}`);
    it.each<[string, () => ReturnType<ReturnType<typeof get>>, string]>([
      ['limit=0 on the customer list', list('limit=0'), 'limit'],
      ['limit=501 on the customer list', list('limit=501'), 'limit'],
      ['limit=abc on the customer list', list('limit=abc'), 'limit'],
      ['limit=1.5 on the customer list', list('limit=1.5'), 'limit'],
      ['a cursor this API never returned', list('cursor=nope'), 'cursor'],
      ['a cursor that decodes to something else', list(`cursor=${Buffer.from('seq:abc').toString('base64url')}`), 'cursor'],
      ['a cursor of 201 characters', list(`cursor=${long(201)}`), 'cursor'],
      ['a malformed waitFor on the customer list', list('waitFor=yesterday'), 'waitFor'],
      ['a malformed waitFor on the campaign', get(() => `/v1/campaigns/${seed.campaignId}?waitFor=42`), 'waitFor'],
      ['a malformed waitFor on the customer', get(() => `/v1/customers/${customerId}?waitFor=00000000000000000001`), 'waitFor'],
    ])('refuses %s', (_case, send, field) => refused(send, [field]));

    it('accepts limit=1 and limit=500, and a position a command returned as waitFor', async () => {
      expect((await t.http.get(`/v1/campaigns/${seed.campaignId}/customers?limit=1`).set(seed.auth).expect(200)).body.items).toHaveLength(1);
      expect((await t.http.get(`/v1/campaigns/${seed.campaignId}/customers?limit=500`).set(seed.auth).expect(200)).body.items).toHaveLength(1);
      for (const path of [`/v1/campaigns/${seed.campaignId}`, `/v1/campaigns/${seed.campaignId}/customers`, `/v1/customers/${customerId}`]) {
        expect((await t.http.get(`${path}?waitFor=${position}`).set(seed.auth)).status).toBe(200);
      }
    });
  });

  describe('GET /v1/campaigns/:id/customers paging', () => {
    // Twelve customers put the list's sequence numbers across 9 -> 10, where an order by their
    // text would put "10" before "9" and the cursor would repeat or skip customers.
    it('pages through every customer exactly once, in enrollment order, whatever the limit', async () => {
      const { campaignId } = (await t.http.post('/v1/campaigns').set(seed.auth).send(campaign).expect(201)).body;
      const refs = Array.from({ length: 12 }, (_, i) => `PAGE-${String(i + 1).padStart(2, '0')}`);
      await t.http.post(`/v1/campaigns/${campaignId}/customers`).set(seed.auth).send({ customers: refs.slice(0, 7).map((customerRef) => ({ customerRef })) }).expect(201);
      await t.http.post(`/v1/campaigns/${campaignId}/customers`).set(seed.auth).send({ customers: refs.slice(7).map((customerRef) => ({ customerRef })) }).expect(201);
      for (const limit of [1, 5, 12, 500]) {
        const seen: string[] = [];
        let cursor: string | null = null;
        for (let pages = 0; pages < 20; pages += 1) {
          const page: { body: { items: { customerRef: string }[]; nextCursor: string | null } } = await t.http
            .get(`/v1/campaigns/${campaignId}/customers?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
            .set(seed.auth)
            .expect(200);
          expect(page.body.items.length).toBeLessThanOrEqual(limit);
          seen.push(...page.body.items.map((item) => item.customerRef));
          cursor = page.body.nextCursor;
          if (!cursor) break;
        }
        expect({ limit, seen }).toEqual({ limit, seen: refs });
      }
    });
  });

  describe('PATCH /v1/customers/:id', () => {
    const patch = (body: unknown) => () => t.http.patch(`/v1/customers/${customerId}`).set(seed.auth).send(body as object);
    it.each<Case>([
      ['an empty change', {}, ['body']],
      ['a name of 201 characters', { name: long(201) }, ['name']],
      ['a name of the wrong type', { name: 42 }, ['name']],
      ['an empty name', { name: '' }, ['name']],
      ['a bad e-mail', { email: 'kari-at-example.no' }, ['email']],
      ['an e-mail of 255 characters', { email: `${long(243)}@example.no` }, ['email']],
      ['a phone that is not a number', { phone: 'call me' }, ['phone']],
      ['a phone of 2 characters', { phone: '12' }, ['phone']],
      ['fields with an array value', { fields: { tags: ['a', 'b'] } }, ['fields']],
      ['fields that are a string', { fields: 'segment=VIP' }, ['fields']],
      ['fields with a nested object', { fields: { address: { city: 'Oslo' } } }, ['fields']],
      ['fields with 101 keys', { fields: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`f${i}`, i])) }, ['fields']],
      ['a good name with a bad e-mail (nothing of it applied)', { name: 'Kari Changed', email: 'nope' }, ['email']],
    ])('%s', (_case, body, fields) => refused(patch(body), fields));

    it.each<UnknownCase>([
      ['customerRef (it cannot be changed)', { customerRef: 'CRM-OTHER' }, ['customerRef'], 'should not exist'],
      ['an unknown property', { name: 'Kari', status: 'anonymized' }, ['status'], 'should not exist'],
    ])('refuses %s', (_case, body, fields, message) => refused(patch(body), fields, message));
  });

  describe('interactions', () => {
    const interaction = (kind: string) => (body: unknown) => () => t.http.post(`/v1/customers/${customerId}/${kind}`).set(seed.auth).send(body as object);
    const common = (base: Body, timeField = 'at'): Case[] => [
      ['missing sellerId', without(base, 'sellerId'), ['sellerId']],
      ['a sellerId of the wrong type', { ...base, sellerId: 42 }, ['sellerId']],
      ['a sellerId outside the id charset', { ...base, sellerId: 'seller 1' }, ['sellerId']],
      ['a sellerId of 65 characters', { ...base, sellerId: long(65) }, ['sellerId']],
      [`${timeField} that is not a time`, { ...base, [timeField]: 'yesterday' }, [timeField]],
      [`${timeField} that is not a calendar date`, { ...base, [timeField]: '2026-02-30T09:00:00Z' }, [timeField]],
      [`${timeField} without a zone`, { ...base, [timeField]: '2026-12-02T09:00:00' }, [timeField]],
      [`${timeField} as a bare date`, { ...base, [timeField]: '2026-12-02' }, [timeField]],
      [`${timeField} with an offset of 24 hours`, { ...base, [timeField]: '2026-12-02T10:00:00+24:00' }, [timeField]],
      [`${timeField} with an offset without a colon`, { ...base, [timeField]: '2026-12-02T10:00:00+0100' }, [timeField]],
      [`${timeField} as epoch seconds`, { ...base, [timeField]: 1_796_202_000 }, [timeField]],
    ];

    describe('POST /v1/customers/:id/sms', () => {
      it.each<Case>([
        ...common(sms),
        ['missing direction', without(sms, 'direction'), ['direction']],
        ['a direction that is neither outbound nor inbound', { ...sms, direction: 'sideways' }, ['direction']],
        ['missing phone', without(sms, 'phone'), ['phone']],
        ['a phone of 2 characters', { ...sms, phone: '12' }, ['phone']],
        ['a phone of 33 characters', { ...sms, phone: long(33) }, ['phone']],
        ['a phone as a number', { ...sms, phone: 4791234567 }, ['phone']],
        ['missing body', without(sms, 'body'), ['body']],
        ['an empty body', { ...sms, body: '' }, ['body']],
        ['a body of 2001 characters', { ...sms, body: long(2001) }, ['body']],
        ['a body of the wrong type', { ...sms, body: 42 }, ['body']],
      ])('%s', (_case, body, fields) => refused(interaction('sms')(body), fields));
      it('refuses an unknown property', () => refused(interaction('sms')({ ...sms, priority: 'high' }), ['priority'], 'should not exist'));
    });

    describe('POST /v1/customers/:id/emails', () => {
      it.each<Case>([
        ...common(email),
        ['missing direction', without(email, 'direction'), ['direction']],
        ['a direction that is neither outbound nor inbound', { ...email, direction: 'out' }, ['direction']],
        ['missing address', without(email, 'address'), ['address']],
        ['a bad address', { ...email, address: 'kari-at-example.no' }, ['address']],
        ['missing subject', without(email, 'subject'), ['subject']],
        ['a subject of 999 characters', { ...email, subject: long(999) }, ['subject']],
        ['missing body', without(email, 'body'), ['body']],
        ['a body of 100,001 characters', { ...email, body: long(100_001) }, ['body']],
      ])('%s', (_case, body, fields) => refused(interaction('emails')(body), fields));
      it('refuses an unknown property', () => refused(interaction('emails')({ ...email, cc: 'boss@example.no' }), ['cc'], 'should not exist'));
    });

    describe('POST /v1/customers/:id/calls', () => {
      it.each<Case>([
        ...common(call, 'startedAt'),
        ['missing startedAt', without(call, 'startedAt'), ['startedAt']],
        ['missing phone', without(call, 'phone'), ['phone']],
        ['a phone of 33 characters', { ...call, phone: long(33) }, ['phone']],
        ['missing durationSeconds', without(call, 'durationSeconds'), ['durationSeconds']],
        ['a negative duration', { ...call, durationSeconds: -1 }, ['durationSeconds']],
        ['a duration over a day', { ...call, durationSeconds: 86_401 }, ['durationSeconds']],
        ['a fractional duration', { ...call, durationSeconds: 1.5 }, ['durationSeconds']],
        ['a duration as a string', { ...call, durationSeconds: '120' }, ['durationSeconds']],
        ['notes of 10,001 characters', { ...call, notes: long(10_001) }, ['notes']],
        ['notes of the wrong type', { ...call, notes: 42 }, ['notes']],
      ])('%s', (_case, body, fields) => refused(interaction('calls')(body), fields));
      it('refuses an unknown property (calls have no at or direction)', () =>
        refused(interaction('calls')({ ...call, at, direction: 'outbound' }), ['at', 'direction'], 'should not exist'));
    });

    describe('POST /v1/customers/:id/responses', () => {
      it.each<Case>([
        ...common(response),
        ['missing code', without(response, 'code'), ['code']],
        ['a code with upper case and a space', { ...response, code: 'Not Interested' }, ['code']],
        ['a code starting with a hyphen', { ...response, code: '-sold' }, ['code']],
        ['a code of 41 characters', { ...response, code: long(41) }, ['code']],
        ['a code of the wrong type', { ...response, code: 1 }, ['code']],
        ['a comment of 10,001 characters', { ...response, comment: long(10_001) }, ['comment']],
      ])('%s', (_case, body, fields) => refused(interaction('responses')(body), fields));
      it('refuses an unknown property', () => refused(interaction('responses')({ ...response, score: 5 }), ['score'], 'should not exist'));
    });

    describe('POST /v1/customers/:id/sales', () => {
      it.each<Case>([
        ...common(sale),
        ['missing sku', without(sale, 'sku'), ['sku']],
        ['a sku outside the id charset', { ...sale, sku: 'BB 100' }, ['sku']],
        ['missing quantity', without(sale, 'quantity'), ['quantity']],
        ['a quantity of 0', { ...sale, quantity: 0 }, ['quantity']],
        ['a fractional quantity', { ...sale, quantity: 1.5 }, ['quantity']],
        ['a quantity over 10,000', { ...sale, quantity: 10_001 }, ['quantity']],
        ['a quantity as a string', { ...sale, quantity: '2' }, ['quantity']],
        ['a negative price', { ...sale, unitPriceMinor: -1 }, ['unitPriceMinor']],
        ['a fractional price', { ...sale, unitPriceMinor: 99.5 }, ['unitPriceMinor']],
        ['extraFields with a nested object', { ...sale, extraFields: { router: { serial: 'RT-1' } } }, ['extraFields']],
        ['extraFields that are a string', { ...sale, extraFields: 'RT-1' }, ['extraFields']],
      ])('%s', (_case, body, fields) => refused(interaction('sales')(body), fields));
      it('refuses an unknown property', () => refused(interaction('sales')({ ...sale, discount: 10 }), ['discount'], 'should not exist'));
    });

    it('names the field, never the value, in its errors', async () => {
      const answer = await t.http.post(`/v1/customers/${customerId}/emails`).set(seed.auth).send({ ...email, address: 'secret-at-example.no', subject: long(999) });
      expectProblem(answer, 400, { fields: ['address', 'subject'] });
      expect(answer.text).not.toContain('secret-at-example');
    });
  });

  describe('what the validation deliberately lets through', () => {
    // SMS and call phones are not normalized or indexed (only enrollment and PATCH phones are):
    // they are sealed free text of 3-32 characters, so an alphanumeric sender id (or this) is kept.
    it('keeps an SMS or call phone that is not a number, as given', async () => {
      await t.http.post(`/v1/customers/${customerId}/sms`).set(seed.auth).send({ ...sms, direction: 'inbound', phone: 'call me' }).expect(201);
      await t.http.post(`/v1/customers/${customerId}/calls`).set(seed.auth).send({ ...call, phone: 'Telenor' }).expect(201);
      const card = await t.http.get(`/v1/customers/${customerId}`).set(seed.auth).expect(200);
      expect(card.body.timeline.slice(-2).map((entry: { personal: { phone: string } }) => entry.personal.phone)).toEqual(['call me', 'Telenor']);
    });
  });
});
