import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { enrollOne, seedCampaign } from '../../support/campaign-fixtures';
import { expectProblem, writeCounts } from '../../support/problem-assertions';
import { startTestApp, type TestApp } from '../../support/test-app';

// What an integrator reads when a request is refused: a 415 naming the types a route takes
// instead of a list of missing fields, and one message per field, in plain English.

describe('campaigns API: errors an integrator can act on', () => {
  let t: TestApp;
  let seed: Awaited<ReturnType<typeof seedCampaign>>;
  let customerId: string;

  beforeAll(async () => {
    t = await startTestApp();
    seed = await seedCampaign(t);
    customerId = await enrollOne(t, seed.campaignId, seed.auth);
  });
  afterAll(() => t.close());

  describe('validation messages', () => {
    const sale = () => ({ sellerId: seed.sellerId, sku: 'BB-100', quantity: 1 });
    const campaign = () => ({
      controllerId: seed.controllerId,
      name: 'Spring fibre',
      purpose: 'Telemarketing',
      startsOn: '2026-03-01',
      endsOn: '2026-03-31',
      currency: 'NOK',
      products: [{ sku: 'FIB-500', name: 'Fibre 500', unitPriceMinor: 59_900 }],
    });

    it('gives one message for a value of the wrong type, naming the type', async () => {
      const answer = await t.http.post(`/v1/customers/${customerId}/sales`).set(seed.auth).send({ ...sale(), quantity: '2' });
      expectProblem(answer, 400, { fields: ['quantity'] });
      expect(answer.body.errors).toEqual([{ field: 'quantity', message: 'quantity must be an integer' }]);
    });

    it('names the first rule a value broke, once', async () => {
      const answer = await t.http.post(`/v1/customers/${customerId}/sales`).set(seed.auth).send({ ...sale(), quantity: 0 });
      expect(answer.body.errors).toEqual([{ field: 'quantity', message: 'quantity must be at least 1' }]);
    });

    it('says an empty list or text is empty, in plain English', async () => {
      const answer = await t.http.post('/v1/campaigns').set(seed.auth).send({ ...campaign(), products: [], name: '' });
      expectProblem(answer, 400, { fields: ['products', 'name'] });
      expect(answer.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'products', message: 'products must not be empty' },
          { field: 'name', message: 'name must not be empty' },
        ]),
      );
      expect(answer.body.errors).toHaveLength(2);
    });

    it('words the enrollment rows the same way, by their customers[i] path', async () => {
      const answer = await t.http
        .post(`/v1/campaigns/${seed.campaignId}/customers`)
        .set(seed.auth)
        .send({ customers: [{ customerRef: 'CRM-M1', name: 'x'.repeat(201) }, { customerRef: 42 }] });
      expect(answer.body.errors).toEqual([
        { field: 'customers[0].name', message: 'customers[0].name must be at most 200 characters long' },
        { field: 'customers[1].customerRef', message: 'customers[1].customerRef must be a string' },
      ]);
    });
  });

  describe('the body\'s Content-Type', () => {
    /** A request through fetch, which sends a Buffer body with no Content-Type at all. */
    const raw = (method: string, path: string, body?: string, contentType?: string) => {
      const { port } = t.app.getHttpServer().address() as { port: number };
      const headers: Record<string, string> = { authorization: seed.auth.Authorization, ...(contentType ? { 'content-type': contentType } : {}) };
      return fetch(`http://127.0.0.1:${port}${path}`, { method, headers, body: body === undefined ? undefined : Buffer.from(body) });
    };
    const asAnswer = async (response: Response) => ({
      status: response.status,
      headers: Object.fromEntries(response.headers) as Record<string, string>,
      body: (await response.json()) as Record<string, unknown>,
    });

    it('answers 415 naming application/json for a JSON body sent without Content-Type, and writes nothing', async () => {
      const before = await writeCounts(t);
      const answer = await asAnswer(await raw('POST', `/v1/customers/${customerId}/sales`, JSON.stringify({ sellerId: seed.sellerId, sku: 'BB-100', quantity: 1 })));
      expectProblem(answer, 415, { fields: ['Content-Type'] });
      expect(answer.body).toMatchObject({ type: 'urn:campaign-ledger:problem:unsupported-media-type', accepted: ['application/json'] });
      expect(answer.body.detail).toContain('application/json');
      expect(answer.headers.accept).toBe('application/json');
      expect(await writeCounts(t)).toEqual(before);
    });

    it('answers 415 for a body of another type (text/plain, form data), not a list of missing fields', async () => {
      for (const [body, type] of [
        ['{"id":"ctl-x","name":"Telco"}', 'text/plain'],
        ['id=ctl-x&name=Telco', 'application/x-www-form-urlencoded'],
      ]) {
        const answer = await asAnswer(await raw('POST', '/v1/controllers', body, type));
        expectProblem(answer, 415, { fields: ['Content-Type'] });
        expect(answer.body).toMatchObject({ accepted: ['application/json'] });
      }
    });

    it('names both JSON and CSV on customer enrollment', async () => {
      const answer = await asAnswer(await raw('POST', `/v1/campaigns/${seed.campaignId}/customers`, 'customerRef\nCRM-T1\n', 'text/plain'));
      expectProblem(answer, 415, { fields: ['Content-Type'] });
      expect(answer.body).toMatchObject({ accepted: ['application/json', 'text/csv'] });
      expect(answer.body.detail).toMatch(/application\/json or text\/csv/);
      expect(answer.headers.accept).toBe('application/json, text/csv');
      // The same file as text/csv is taken.
      expect((await raw('POST', `/v1/campaigns/${seed.campaignId}/customers`, 'customerRef\nCRM-T1\n', 'text/csv')).status).toBe(201);
    });

    it('takes JSON with a charset parameter', async () => {
      const answer = await raw('PUT', `/v1/sellers/${seed.sellerId}`, JSON.stringify({ name: 'Ola Selger' }), 'application/json; charset=utf-8');
      expect(answer.status).toBe(200);
    });

    it('lets a route that takes no body be called with no body and no Content-Type', async () => {
      const { body } = await t.http.post('/v1/campaigns').set(seed.auth).send({
        controllerId: seed.controllerId, name: 'Closing', purpose: 'Telemarketing', startsOn: '2026-03-01', endsOn: '2026-03-31', currency: 'NOK',
        products: [{ sku: 'FIB-500', name: 'Fibre 500', unitPriceMinor: 59_900 }],
      }).expect(201);
      const refused = await asAnswer(await raw('POST', `/v1/campaigns/${body.campaignId}/close`, 'now please', 'text/plain'));
      expectProblem(refused, 415, { fields: ['Content-Type'] });
      const closed = await raw('POST', `/v1/campaigns/${body.campaignId}/close`);
      expect(closed.status).toBe(200);
      const other = (await t.http.post('/v1/campaigns').set(seed.auth).send({
        controllerId: seed.controllerId, name: 'Closing 2', purpose: 'Telemarketing', startsOn: '2026-03-01', endsOn: '2026-03-31', currency: 'NOK',
        products: [{ sku: 'FIB-500', name: 'Fibre 500', unitPriceMinor: 59_900 }],
      }).expect(201)).body.campaignId;
      await t.http.post(`/v1/campaigns/${other}/close`).set(seed.auth).expect(200);
    });
  });
});
