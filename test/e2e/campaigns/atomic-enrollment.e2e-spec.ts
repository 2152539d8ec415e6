import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedCampaign } from '../../support/campaign-fixtures';
import { startTestApp, type TestApp } from '../../support/test-app';

describe('bulk enrollment is all or nothing', () => {
  let t: TestApp;
  let seed: Awaited<ReturnType<typeof seedCampaign>>;

  beforeAll(async () => {
    t = await startTestApp();
    seed = await seedCampaign(t);
  });
  afterAll(() => t.close());


  async function tableCounts() {
    const { DataSource } = await import('typeorm');
    const dataSource = t.app.get(DataSource);
    const [row] = await dataSource.query(`
      SELECT (SELECT count(*) FROM es.events)::int AS events,
             (SELECT count(*) FROM crypto.data_keys)::int AS keys,
             (SELECT count(*) FROM crypto.blind_index)::int AS "indexRows",
             (SELECT count(*) FROM app.customers)::int AS customers`);
    return row as { events: number; keys: number; indexRows: number; customers: number };
  }

  const customers = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ customerRef: `BULK-${i}`, name: `Person ${i}`, email: `person${i}@example.no`, phone: `+47 9${String(i).padStart(7, '0')}` }));

  it('a 5,000-customer import with one bad row at 4,321 answers 400 naming it, and writes nothing', async () => {
    const before = await tableCounts();
    const batch = customers(5000);
    batch[4321] = { ...batch[4321], email: 'not-an-e-mail' };
    const response = await t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).send({ customers: batch }).expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors).toEqual([{ field: 'customers[4321].email', message: expect.stringContaining('email') }]);
    expect(await tableCounts()).toEqual(before);
  }, 60_000);

  it('a bad phone number deep in the batch is refused by row number too, writing nothing', async () => {
    const before = await tableCounts();
    const batch = customers(3000);
    batch[2999] = { ...batch[2999], phone: 'call me now' };
    const response = await t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).send({ customers: batch }).expect(400);
    expect(response.body.errors).toEqual([{ field: 'customers[2999].phone', message: 'customers[2999].phone is not a valid phone number' }]);
    expect(await tableCounts()).toEqual(before);
  }, 60_000);

  it('one 400 lists every bad row: DTO failures and numbers that do not normalize alike', async () => {
    const batch = customers(5);
    batch[1] = { ...batch[1], email: 'no-at-sign' };
    batch[3] = { ...batch[3], phone: 'call me now' };
    const response = await t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).send({ customers: batch }).expect(400);
    expect(response.body.errors).toEqual([
      { field: 'customers[1].email', message: expect.stringContaining('email') },
      { field: 'customers[3].phone', message: 'customers[3].phone is not a valid phone number' },
    ]);
  });

  it('a customerRef already enrolled makes the whole batch 409 and writes nothing; the same batch without it succeeds', async () => {
    await t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).send({ customers: [{ customerRef: 'TAKEN' }] }).expect(201);
    const before = await tableCounts();
    const batch = customers(2000);
    batch[1500] = { ...batch[1500], customerRef: 'TAKEN' };
    const response = await t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).send({ customers: batch }).expect(409);
    expect(response.body).toMatchObject({ status: 409, errors: [{ field: 'customers[1500].customerRef' }] });
    expect(await tableCounts()).toEqual(before);

    batch[1500] = { ...batch[1500], customerRef: 'FREE' };
    const ok = await t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).send({ customers: batch }).expect(201);
    expect(ok.body.customerIds).toHaveLength(2000);
    const after = await tableCounts();
    expect(after).toEqual({ events: before.events + 2000, keys: before.keys + 4000, indexRows: before.indexRows + 6000, customers: before.customers + 2000 });
  }, 60_000);
});
