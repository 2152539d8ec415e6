import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { enrollOne, seedCampaign } from '../../support/campaign-fixtures';
import { expectProblem } from '../../support/problem-assertions';
import { startTestApp, type TestApp } from '../../support/test-app';

// What an integrator reads when a request is refused: one message per field, in plain English.

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
});
