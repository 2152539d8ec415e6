import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BlindIndex } from '@app/crypto-shredding';
import { DataSource } from 'typeorm';
import { enrollOne, seedCampaign } from '../../support/campaign-fixtures';
import { expectProblem, writeCounts } from '../../support/problem-assertions';
import { startTestApp, type TestApp } from '../../support/test-app';

// Issue 9, "Integrator experience: data handling": what integrators send comes back the way the
// API documents it.

describe('campaigns API: data handling', () => {
  let t: TestApp;
  let seed: Awaited<ReturnType<typeof seedCampaign>>;

  beforeAll(async () => {
    t = await startTestApp();
    seed = await seedCampaign(t);
  });
  afterAll(() => t.close());

  const campaignBody = (extra: Record<string, unknown> = {}) => ({
    controllerId: seed.controllerId,
    name: 'Spring fibre',
    purpose: 'Telemarketing of fibre',
    startsOn: '2026-03-01',
    endsOn: '2026-03-31',
    currency: 'NOK',
    products: [{ sku: 'FIB-500', name: 'Fibre 500', unitPriceMinor: 59_900 }],
    ...extra,
  });

  describe('campaign definition', () => {
    it('returns the responseCodes given at creation on GET /v1/campaigns/:id', async () => {
      const created = await t.http.post('/v1/campaigns').set(seed.auth).send(campaignBody({ responseCodes: ['sold', 'call-back'] })).expect(201);
      const campaign = await t.http.get(`/v1/campaigns/${created.body.campaignId}`).set(seed.auth).expect(200);
      expect(campaign.body.responseCodes).toEqual(['sold', 'call-back']);
      const withoutCodes = await t.http.post('/v1/campaigns').set(seed.auth).send(campaignBody()).expect(201);
      expect((await t.http.get(`/v1/campaigns/${withoutCodes.body.campaignId}`).set(seed.auth).expect(200)).body.responseCodes).toEqual([]);
    });

    it('refuses a budget for an unknown seller with 422 naming the entry, like a sale by one, and writes nothing', async () => {
      const before = await writeCounts(t);
      const refused = await t.http
        .post('/v1/campaigns')
        .set(seed.auth)
        .send(campaignBody({ budgets: [{ sellerId: seed.sellerId, targetMinor: 100 }, { sellerId: 'seller-nobody', targetMinor: 100 }] }));
      expectProblem(refused, 422, { fields: ['budgets[1].sellerId'] });
      expect(await writeCounts(t)).toEqual(before);
      await t.http.put('/v1/sellers/seller-nobody').set(seed.auth).send({ name: 'Now registered' }).expect(200);
      await t.http
        .post('/v1/campaigns')
        .set(seed.auth)
        .send(campaignBody({ budgets: [{ sellerId: seed.sellerId, targetMinor: 100 }, { sellerId: 'seller-nobody', targetMinor: 100 }] }))
        .expect(201);
    });
  });

  describe('times', () => {
    it('accepts RFC 3339 times with an offset or Z and returns them as UTC with milliseconds, on every time field', async () => {
      const customerId = await enrollOne(t, seed.campaignId, seed.auth);
      const post = (path: string, body: object) => t.http.post(`/v1/customers/${customerId}/${path}`).set(seed.auth).send({ sellerId: seed.sellerId, ...body }).expect(201);
      await post('sms', { direction: 'outbound', phone: '+4791234567', body: 'Hei', at: '2026-12-02T09:30:00+01:00' });
      await post('emails', { direction: 'inbound', address: 'kari@example.no', subject: 'S', body: 'B', at: '2026-12-02T08:31:00Z' });
      await post('calls', { phone: '+4791234567', startedAt: '2026-12-02T03:32:00.5-05:00', durationSeconds: 60 });
      await post('responses', { code: 'sold', at: '2026-12-02t08:33:00.123456z' });
      await post('sales', { sku: 'BB-100', quantity: 1, at: '2026-12-02T14:19:00+05:45' });
      const card = await t.http.get(`/v1/customers/${customerId}`).set(seed.auth).expect(200);
      expect(card.body.timeline.map((entry: { type: string; at: string; startedAt?: string }) => [entry.type, entry.at, entry.startedAt])).toEqual([
        ['sms', '2026-12-02T08:30:00.000Z', undefined],
        ['email', '2026-12-02T08:31:00.000Z', undefined],
        ['call', '2026-12-02T08:32:00.500Z', '2026-12-02T08:32:00.500Z'],
        ['response', '2026-12-02T08:33:00.123Z', undefined],
        ['sale', '2026-12-02T08:34:00.000Z', undefined],
      ]);
    });

    it('stores the UTC form in the event, not the text as sent', async () => {
      const customerId = await enrollOne(t, seed.campaignId, seed.auth);
      await t.http.post(`/v1/customers/${customerId}/responses`).set(seed.auth).send({ sellerId: seed.sellerId, code: 'sold', at: '2026-11-30T09:30:00+01:00' }).expect(201);
      const [row] = await t.app.get(DataSource).query(`SELECT data->'plain'->>'at' AS at FROM es.events WHERE stream_id = $1 AND type = 'ResponseRegistered'`, [`customer-${customerId}`]);
      expect(row.at).toBe('2026-11-30T08:30:00.000Z');
    });

    it('still refuses a time without a zone, and a date field keeps being a plain date', async () => {
      const customerId = await enrollOne(t, seed.campaignId, seed.auth);
      const local = await t.http.post(`/v1/customers/${customerId}/responses`).set(seed.auth).send({ sellerId: seed.sellerId, code: 'sold', at: '2026-11-30T09:30:00' });
      expectProblem(local, 400, { fields: ['at'] });
      expect(local.body.errors[0].message).toContain('offset');
      const dated = await t.http.post('/v1/campaigns').set(seed.auth).send(campaignBody({ startsOn: '2026-03-01T00:00:00+01:00' }));
      expectProblem(dated, 400, { fields: ['startsOn'] });
    });
  });

  describe('phones', () => {
    it('stores and returns customer phones in E.164, from JSON, CSV and PATCH alike', async () => {
      const fromJson = await enrollOne(t, seed.campaignId, seed.auth, { phone: '+47 912 34 567' });
      const fromCsv = (await t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).set('Content-Type', 'text/csv').send('customerRef;phone\nPHONE-CSV;912 34 568\n').expect(201)).body.customerIds[0];
      const patched = await enrollOne(t, seed.campaignId, seed.auth);
      await t.http.patch(`/v1/customers/${patched}`).set(seed.auth).send({ phone: '0047 422 22 222' }).expect(200);
      const phoneOf = async (id: string) => (await t.http.get(`/v1/customers/${id}`).set(seed.auth).expect(200)).body.personal.phone;
      expect([await phoneOf(fromJson), await phoneOf(fromCsv), await phoneOf(patched)]).toEqual(['+4791234567', '+4791234568', '+4742222222']);
      const list = await t.http.get(`/v1/campaigns/${seed.campaignId}/customers?limit=500`).set(seed.auth).expect(200);
      const listed = new Map(list.body.items.map((item: { customerId: string; personal: { phone: string } }) => [item.customerId, item.personal.phone]));
      expect([fromJson, fromCsv, patched].map((id) => listed.get(id))).toEqual(['+4791234567', '+4791234568', '+4742222222']);
    });

    it('stores SMS and call phones in E.164 where they parse, and keeps a sender id or short code as given', async () => {
      const customerId = await enrollOne(t, seed.campaignId, seed.auth);
      const sms = (phone: string) => t.http.post(`/v1/customers/${customerId}/sms`).set(seed.auth).send({ sellerId: seed.sellerId, direction: 'inbound', phone, body: 'x' }).expect(201);
      await sms('0047 48 88 77 66');
      await sms('Telenor');
      await sms('2222');
      await sms('+46 70 123 45 67');
      await t.http.post(`/v1/customers/${customerId}/calls`).set(seed.auth).send({ sellerId: seed.sellerId, phone: '912 34 567', startedAt: '2026-12-02T12:00:00Z', durationSeconds: 5 }).expect(201);
      const card = await t.http.get(`/v1/customers/${customerId}`).set(seed.auth).expect(200);
      expect(card.body.timeline.map((entry: { personal: { phone: string } }) => entry.personal.phone)).toEqual(['+4748887766', 'Telenor', '2222', '+46701234567', '+4791234567']);
    });

    it('documents it in the OpenAPI field descriptions', async () => {
      const schemas = (await t.http.get('/docs-json').expect(200)).body.components.schemas;
      for (const dto of ['CustomerInputDto', 'PatchCustomerDto', 'SmsDto', 'CallDto']) expect({ dto, description: schemas[dto].properties.phone.description }).toEqual({ dto, description: expect.stringContaining('E.164') });
      expect(schemas.SmsDto.properties.phone.description).toContain('kept as given');
    });
  });

  describe('the timeline', () => {
    // The seeded campaign runs 2026-12-01 to 2026-12-31 in Europe/Oslo (UTC+1 in winter).
    it('lists entries by their time (a call by startedAt), written order breaking ties, not in write order', async () => {
      const customerId = await enrollOne(t, seed.campaignId, seed.auth);
      const post = (path: string, body: object) => t.http.post(`/v1/customers/${customerId}/${path}`).set(seed.auth).send({ sellerId: seed.sellerId, ...body }).expect(201);
      const ids: Record<string, string> = {};
      ids.late = (await post('sms', { direction: 'outbound', phone: '+4791234567', body: 'newest', at: '2026-12-10T10:00:00Z' })).body.interactionId;
      ids.backDated = (await post('sms', { direction: 'inbound', phone: '+4791234567', body: 'back-dated', at: '2026-12-02T10:00:00+01:00' })).body.interactionId;
      ids.call = (await post('calls', { phone: '+4791234567', startedAt: '2026-12-05T09:00:00Z', durationSeconds: 30 })).body.interactionId;
      ids.tieFirst = (await post('responses', { code: 'call-back', at: '2026-12-05T10:00:00Z' })).body.interactionId;
      ids.tieSecond = (await post('sales', { sku: 'BB-100', quantity: 1, at: '2026-12-05T11:00:00+01:00' })).body.interactionId;
      const card = await t.http.get(`/v1/customers/${customerId}`).set(seed.auth).expect(200);
      expect(card.body.timeline.map((entry: { interactionId: string; at: string }) => [entry.interactionId, entry.at])).toEqual([
        [ids.backDated, '2026-12-02T09:00:00.000Z'],
        [ids.call, '2026-12-05T09:00:00.000Z'],
        [ids.tieFirst, '2026-12-05T10:00:00.000Z'],
        [ids.tieSecond, '2026-12-05T10:00:00.000Z'],
        [ids.late, '2026-12-10T10:00:00.000Z'],
      ]);
    });

    it('accepts an interaction dated outside the campaign period and flags it outsidePeriod, by whole days in the campaign time zone', async () => {
      const customerId = await enrollOne(t, seed.campaignId, seed.auth);
      const response = (at: string) => t.http.post(`/v1/customers/${customerId}/responses`).set(seed.auth).send({ sellerId: seed.sellerId, code: 'sold', at }).expect(201);
      await response('2026-11-30T22:59:00Z'); // 23:59 on 30 November in Oslo
      await response('2026-11-30T23:00:00Z'); // midnight starting 1 December in Oslo
      await response('2026-12-31T22:59:00Z'); // 23:59 on 31 December in Oslo
      await response('2026-12-31T23:30:00Z'); // 00:30 on 1 January in Oslo
      await t.http.post(`/v1/customers/${customerId}/calls`).set(seed.auth).send({ sellerId: seed.sellerId, phone: '+4791234567', startedAt: '2027-02-01T10:00:00Z', durationSeconds: 1 }).expect(201);
      const card = await t.http.get(`/v1/customers/${customerId}`).set(seed.auth).expect(200);
      expect(card.body.timeline.map((entry: { at: string; outsidePeriod: boolean }) => [entry.at, entry.outsidePeriod])).toEqual([
        ['2026-11-30T22:59:00.000Z', true],
        ['2026-11-30T23:00:00.000Z', false],
        ['2026-12-31T22:59:00.000Z', false],
        ['2026-12-31T23:30:00.000Z', true],
        ['2027-02-01T10:00:00.000Z', true],
      ]);
    });
  });

  describe('CSV charsets and line numbers', () => {
    const enrollCsv = (bytes: Buffer | string, contentType = 'text/csv') =>
      t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).set('Content-Type', contentType).send(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'utf8'));
    const nameOf = async (customerId: string) => (await t.http.get(`/v1/customers/${customerId}`).set(seed.auth).expect(200)).body.personal.name;
    // "Blåbær Øst" as Norwegian Excel saves it: windows-1252, one byte per letter.
    const cp1252 = (ref: string) => Buffer.concat([Buffer.from(`customerRef;name\r\n${ref};Bl`), Buffer.from([0xe5]), Buffer.from('b'), Buffer.from([0xe6]), Buffer.from('r '), Buffer.from([0xd8]), Buffer.from('st\r\n')]);

    it('decodes the charset Content-Type names: windows-1252, iso-8859-1 and utf-8', async () => {
      const win = await enrollCsv(cp1252('CS-WIN'), 'text/csv; charset=windows-1252').expect(201);
      const latin = await enrollCsv(cp1252('CS-LATIN'), 'text/csv; charset="ISO-8859-1"').expect(201);
      const utf8 = await enrollCsv('customerRef;name\nCS-UTF8;Blåbær Øst\n', 'text/csv; charset=utf-8').expect(201);
      const plain = await enrollCsv('\uFEFFcustomerRef;name\nCS-PLAIN;Blåbær Øst\n').expect(201);
      for (const response of [win, latin, utf8, plain]) expect(await nameOf(response.body.customerIds[0])).toBe('Blåbær Øst');
    });

    it('refuses bytes that are not UTF-8 when no charset is named, with a 400 saying how to send them, and writes nothing', async () => {
      const before = await writeCounts(t);
      const refused = await enrollCsv(cp1252('CS-NOCHARSET'));
      expectProblem(refused, 400, { fields: ['body'] });
      expect(refused.body.detail).toContain('text/csv; charset=windows-1252');
      expect(refused.body.errors[0].message).toMatch(/^line 2: .*not valid UTF-8/);
      expect(refused.text).not.toContain('\uFFFD');
      const declaredUtf8 = await enrollCsv(cp1252('CS-WRONG'), 'text/csv; charset=utf-8');
      expectProblem(declaredUtf8, 400, { fields: ['body'] });
      expect(await writeCounts(t)).toEqual(before);
    });

    it('never stores a replacement character: one already in the text, or a byte windows-1252 leaves undefined, is a 400', async () => {
      const before = await writeCounts(t);
      expectProblem(await enrollCsv('customerRef;name\nCS-FFFD;Bl\uFFFDb\uFFFDr\n'), 400, { fields: ['body'] });
      const undefinedByte = Buffer.concat([Buffer.from('customerRef;name\nCS-81;A'), Buffer.from([0x81]), Buffer.from('\n')]);
      const refused = await enrollCsv(undefinedByte, 'text/csv; charset=windows-1252');
      expectProblem(refused, 400, { fields: ['body'] });
      expect(refused.body.errors[0].message).toMatch(/^line 2: /);
      expect(await writeCounts(t)).toEqual(before);
    });

    it('answers an unknown charset with 415 naming the supported ones', async () => {
      const refused = await enrollCsv('customerRef\nCS-EBCDIC\n', 'text/csv; charset=ebcdic-cp-us');
      expectProblem(refused, 415, { fields: ['Content-Type'] });
      for (const charset of ['utf-8', 'windows-1252', 'iso-8859-1']) expect(refused.body.detail).toContain(charset);
    });

    it('names the file line (header = line 1) and customers[i] alike in row errors and parse errors, across blank lines and quoted line breaks', async () => {
      // Line 1 header, 2 ok, 3 blank, 4-5 one row with a quoted line break, 6 a bad e-mail, 7 a bad phone.
      const rows = 'customerRef,name,email,phone\r\nCS-L1,Ola,,\r\n\r\nCS-L2,"Kari\r\nNordmann",,\r\nCS-L3,Per,per-at-example.no,\r\nCS-L4,Pål,,call me\r\n';
      const rowErrors = await enrollCsv(rows);
      expectProblem(rowErrors, 400, { fields: ['customers[2].email', 'customers[3].phone'] });
      expect(rowErrors.body.errors.map((e: { message: string }) => e.message.slice(0, 8))).toEqual(['line 6: ', 'line 7: ']);

      const parseError = await enrollCsv('customerRef,name\r\nCS-P1,Ola\r\n\r\nCS-P2,"Kari\r\nNordmann"\r\nCS-P3,Per,extra\r\n');
      expectProblem(parseError, 400, { fields: ['customers[2]'] });
      expect(parseError.body.errors[0].message).toBe('line 6: customers[2] has 3 cells where the header has 2');

      const unclosed = await enrollCsv('customerRef,name\nCS-Q1,Ola\nCS-Q2,"Kari\nCS-Q3,Per\n');
      expectProblem(unclosed, 400, { fields: ['customers[1]'] });
      expect(unclosed.body.errors[0].message).toMatch(/^line 3: customers\[1\] opens a quoted cell/);

      // A repeated customerRef is refused by the domain (409); it names the line too.
      const repeated = await enrollCsv('customerRef\nCS-R1\n\nCS-R1\n');
      expectProblem(repeated, 409, { fields: ['customers[1].customerRef'] });
      expect(repeated.body.errors[0].message).toMatch(/^line 4: /);
    });

    it('quotes nothing of the file in its errors', async () => {
      const refused = await enrollCsv('customerRef,name\nCS-LEAK,"Secret"Name\n');
      expectProblem(refused, 400, { fields: ['customers[0]'] });
      expect(refused.text).not.toMatch(/Secret|Name"/);
    });
  });

  describe('PATCH /v1/customers/:id as a JSON Merge Patch', () => {
    const patch = (customerId: string, body: object, contentType = 'application/json') =>
      t.http.patch(`/v1/customers/${customerId}`).set(seed.auth).set('Content-Type', contentType).send(JSON.stringify(body));
    const personalOf = async (customerId: string) => (await t.http.get(`/v1/customers/${customerId}`).set(seed.auth).expect(200)).body.personal;
    const listed = async (customerId: string) =>
      (await t.http.get(`/v1/campaigns/${seed.campaignId}/customers?limit=500`).set(seed.auth).expect(200)).body.items.find((item: { customerId: string }) => item.customerId === customerId).personal;

    it('merges fields: the keys sent change, every other field (consent) stays, on the card and the list', async () => {
      const customerId = await enrollOne(t, seed.campaignId, seed.auth, { fields: { segment: 'B2C', consent: true, months: 12 } });
      await patch(customerId, { fields: { segment: 'VIP' } }).expect(200);
      const expected = { name: 'Kari Nordmann', email: 'kari@example.no', phone: '+4791234567', fields: { segment: 'VIP', consent: true, months: 12 } };
      expect(await personalOf(customerId)).toEqual(expected);
      expect(await listed(customerId)).toEqual(expected);
    });

    it('removes a field whose value is null, all fields for fields: null, and clears a top-level detail given as null', async () => {
      const customerId = await enrollOne(t, seed.campaignId, seed.auth, { fields: { segment: 'B2C', consent: true } });
      await patch(customerId, { fields: { consent: null, region: 'Vest' } }, 'application/merge-patch+json').expect(200);
      expect((await personalOf(customerId)).fields).toEqual({ segment: 'B2C', region: 'Vest' });
      await patch(customerId, { name: null, phone: null }).expect(200);
      expect(await personalOf(customerId)).toEqual({ name: null, email: 'kari@example.no', phone: null, fields: { segment: 'B2C', region: 'Vest' } });
      await patch(customerId, { fields: null }).expect(200);
      expect(await personalOf(customerId)).toEqual({ name: null, email: 'kari@example.no', phone: null, fields: null });
      await patch(customerId, { fields: { segment: 'Back' } }).expect(200);
      expect(await listed(customerId)).toEqual({ name: null, email: 'kari@example.no', phone: null, fields: { segment: 'Back' } });
    });

    it('takes the blind-index entry away with an e-mail or phone set to null', async () => {
      const customerId = await enrollOne(t, seed.campaignId, seed.auth, { email: 'gone@example.no', phone: '+47 455 55 555' });
      const index = t.app.get(BlindIndex);
      const found = async (kind: 'email' | 'phone', value: string) => (await index.find(seed.controllerId, kind, value)).map((m) => m.customerId);
      expect(await found('email', 'gone@example.no')).toEqual([customerId]);
      await patch(customerId, { email: null, phone: null }).expect(200);
      expect(await found('email', 'gone@example.no')).toEqual([]);
      expect(await found('phone', '+4745555555')).toEqual([]);
    });

    it('loses neither of two concurrent patches of different fields', async () => {
      const customerId = await enrollOne(t, seed.campaignId, seed.auth, { fields: { base: 1 } });
      // Three: a loser retries the merge from a fresh read, and the executor allows it three retries.
      const keys = ['k0', 'k1', 'k2'];
      const answers = await Promise.all(keys.map((key) => patch(customerId, { fields: { [key]: true } })));
      expect(answers.map((answer) => answer.status)).toEqual(keys.map(() => 200));
      expect((await personalOf(customerId)).fields).toEqual({ base: 1, ...Object.fromEntries(keys.map((key) => [key, true])) });
    });

    it('refuses a merge that would leave more than 100 fields with 400 naming fields, and writes nothing', async () => {
      const customerId = await enrollOne(t, seed.campaignId, seed.auth, { fields: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`a${i}`, i])) });
      const before = await writeCounts(t);
      const refused = await patch(customerId, { fields: Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`b${i}`, i])) });
      expectProblem(refused, 400, { fields: ['fields'] });
      expect(await writeCounts(t)).toEqual(before);
      expectProblem(await patch(customerId, { fields: { nested: { a: 1 } } }), 400, { fields: ['fields'] });
    });
  });
});
