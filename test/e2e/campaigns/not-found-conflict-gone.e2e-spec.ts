import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KeyShredder } from '@app/crypto-shredding';
import type { Test } from 'supertest';
import { enrollOne, seedCampaign } from '../../support/campaign-fixtures';
import { expectProblem, writeCounts } from '../../support/problem-assertions';
import { startTestApp, type TestApp } from '../../support/test-app';
import { tokenFor } from '../../support/tokens';

// 404 for ids that name nothing, 422 for references to what does not exist, 409 for conflicts
// with the current state (duplicates, a closed campaign), 410 once the data is anonymized. Each
// refusal writes nothing.

const at = '2026-12-02T09:00:00Z';
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
type Auth = Record<string, string>;
type Body = Record<string, unknown>;

const interactions = (sellerId: string): Record<string, Body> => ({
  sms: { sellerId, direction: 'outbound', phone: '+4791234567', body: 'Hei', at },
  emails: { sellerId, direction: 'outbound', address: 'kari@example.no', subject: 'Offer', body: 'Hi Kari', at },
  calls: { sellerId, phone: '+4791234567', startedAt: at, durationSeconds: 60, notes: 'Busy' },
  responses: { sellerId, code: 'call-back', comment: 'After six', at },
  sales: { sellerId, sku: 'BB-100', quantity: 1, extraFields: { serial: 'RT-9' }, at },
});
const KINDS = ['sms', 'emails', 'calls', 'responses', 'sales'];

describe('campaigns API: 404, 422, 409 and 410', () => {
  let t: TestApp;
  let seed: Awaited<ReturnType<typeof seedCampaign>>;
  let customerId: string;
  let admin: Auth;

  beforeAll(async () => {
    t = await startTestApp();
    seed = await seedCampaign(t);
    customerId = await enrollOne(t, seed.campaignId, seed.auth, { customerRef: 'CRM-A' });
    await t.http.post(`/v1/customers/${customerId}/sms`).set(seed.auth).send(interactions(seed.sellerId).sms).expect(201);
    admin = { Authorization: `Bearer ${await tokenFor(t.config, ['admin'], ['*'])}` };
  });
  afterAll(() => t.close());

  /** Sends, expects the problem, and that nothing was written. */
  async function refusedWith(status: number, send: () => Test, fields?: string[]) {
    const before = await writeCounts(t);
    const answer = await send();
    expectProblem(answer, status, { fields });
    expect(await writeCounts(t)).toEqual(before);
    return answer;
  }
  const customerCount = async (campaignId: string) => (await t.http.get(`/v1/campaigns/${campaignId}`).set(admin).expect(200)).body.customerCount as number;
  const timeline = async (id: string) => (await t.http.get(`/v1/customers/${id}`).set(admin).expect(200)).body.timeline as Body[];
  /** A new campaign of the seed's controller, with customers enrolled. */
  async function campaignWith(refs: string[]) {
    const created = await t.http
      .post('/v1/campaigns')
      .set(seed.auth)
      .send({ controllerId: seed.controllerId, name: 'Side campaign', purpose: 'p', startsOn: '2026-12-01', endsOn: '2026-12-31', currency: 'NOK', products: [{ sku: 'BB-100', name: 'BB', unitPriceMinor: 100 }], responseCodes: ['call-back'] })
      .expect(201);
    const campaignId: string = created.body.campaignId;
    const enrolled = await t.http
      .post(`/v1/campaigns/${campaignId}/customers`)
      .set(seed.auth)
      .send({ customers: refs.map((customerRef) => ({ customerRef, name: `Name of ${customerRef}`, email: `${customerRef.toLowerCase()}@example.no`, phone: '+4791234567' })) })
      .expect(201);
    return { campaignId, customerIds: enrolled.body.customerIds as string[] };
  }

  describe('404: ids that name nothing', () => {
    const ids = [
      ['a random UUID', randomUUID()],
      ['a non-UUID', 'nope'],
    ];
    const routes: [string, (id: string) => Test][] = [
      ['GET /v1/campaigns/:id', (id) => t.http.get(`/v1/campaigns/${id}`).set(seed.auth)],
      ['POST /v1/campaigns/:id/close', (id) => t.http.post(`/v1/campaigns/${id}/close`).set(seed.auth)],
      ['POST /v1/campaigns/:id/customers (JSON)', (id) => t.http.post(`/v1/campaigns/${id}/customers`).set(seed.auth).send({ customers: [{ customerRef: 'CRM-404' }] })],
      ['POST /v1/campaigns/:id/customers (CSV)', (id) => t.http.post(`/v1/campaigns/${id}/customers`).set(seed.auth).set('Content-Type', 'text/csv').send('customerRef\nCRM-404\n')],
      ['GET /v1/campaigns/:id/customers', (id) => t.http.get(`/v1/campaigns/${id}/customers`).set(seed.auth)],
      ['GET /v1/customers/:id', (id) => t.http.get(`/v1/customers/${id}`).set(seed.auth)],
      ['PATCH /v1/customers/:id', (id) => t.http.patch(`/v1/customers/${id}`).set(seed.auth).send({ name: 'Nobody' })],
      ...KINDS.map((kind): [string, (id: string) => Test] => [`POST /v1/customers/:id/${kind}`, (id) => t.http.post(`/v1/customers/${id}/${kind}`).set(seed.auth).send(interactions(seed.sellerId)[kind])]),
    ];
    it.each(routes.flatMap(([route, send]) => ids.map(([label, id]) => [route, label, id, send] as const)))('%s with %s', (_route, _label, id, send) => refusedWith(404, () => send(id)));

    it('does not mistake one kind of id for another', async () => {
      await refusedWith(404, () => t.http.get(`/v1/campaigns/${customerId}`).set(seed.auth));
      await refusedWith(404, () => t.http.get(`/v1/customers/${seed.campaignId}`).set(seed.auth));
      await refusedWith(404, () => t.http.post(`/v1/customers/${seed.campaignId}/sms`).set(seed.auth).send(interactions(seed.sellerId).sms));
    });

    // PUT /v1/sellers/:id is an upsert: an unknown id is created, never a 404.
    it('PUT /v1/sellers/:id creates an unknown seller instead of answering 404', async () => {
      const sellerId = `seller-${randomUUID().slice(0, 8)}`;
      expectProblem(await t.http.post(`/v1/customers/${customerId}/responses`).set(seed.auth).send(interactions(sellerId).responses), 422, { fields: ['sellerId'] });
      expect((await t.http.put(`/v1/sellers/${sellerId}`).set(seed.auth).send({ name: 'New Seller' })).body).toEqual({ id: sellerId, position: expect.any(String) });
      await t.http.post(`/v1/customers/${customerId}/responses`).set(seed.auth).send(interactions(sellerId).responses).expect(201);
    });
  });

  describe('422: references to what does not exist', () => {
    it.each(KINDS)('POST /v1/customers/:id/%s naming an unknown seller', (kind) =>
      refusedWith(422, () => t.http.post(`/v1/customers/${customerId}/${kind}`).set(seed.auth).send(interactions('seller-nobody')[kind]), ['sellerId']),
    );

    it('a sale of a sku the campaign does not sell', () =>
      refusedWith(422, () => t.http.post(`/v1/customers/${customerId}/sales`).set(seed.auth).send({ ...interactions(seed.sellerId).sales, sku: 'TV-200' }), ['sku']));

    it('a response code outside the campaign\'s list, though it matches the pattern', () =>
      refusedWith(422, () => t.http.post(`/v1/customers/${customerId}/responses`).set(seed.auth).send({ ...interactions(seed.sellerId).responses, code: 'maybe-later' }), ['code']));

    it('accepts any code matching the pattern when the campaign has no list', async () => {
      const open = await seedCampaign(t, { responseCodes: [] });
      const id = await enrollOne(t, open.campaignId, open.auth);
      await t.http.post(`/v1/customers/${id}/responses`).set(open.auth).send({ sellerId: open.sellerId, code: 'maybe-later' }).expect(201);
      expect((await t.http.get(`/v1/customers/${id}`).set(open.auth)).body.timeline).toEqual([expect.objectContaining({ type: 'response', code: 'maybe-later' })]);
    });

    it('a campaign for a controller nobody registered', async () => {
      const body = { controllerId: 'ctl-unregistered', name: 'Ghost', purpose: 'p', startsOn: '2026-12-01', endsOn: '2026-12-31', currency: 'NOK', products: [{ sku: 'A', name: 'A', unitPriceMinor: 1 }] };
      await refusedWith(422, () => t.http.post('/v1/campaigns').set(admin).send(body), ['controllerId']);
      const scoped = { Authorization: `Bearer ${await tokenFor(t.config, ['service'], ['ctl-unregistered'])}` };
      await refusedWith(422, () => t.http.post('/v1/campaigns').set(scoped).send(body), ['controllerId']);
    });
  });

  describe('409: conflicts with what exists', () => {
    it('registering a controller twice', async () => {
      const answer = await refusedWith(409, () => t.http.post('/v1/controllers').set(seed.auth).send({ id: seed.controllerId, name: 'Another name' }));
      expect(answer.body.detail).toContain(seed.controllerId);
    });

    it('enrolling a customerRef the campaign already has: the whole batch, nothing written', async () => {
      const count = await customerCount(seed.campaignId);
      await refusedWith(409, () => t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).send({ customers: [{ customerRef: 'CRM-NEW-1' }, { customerRef: 'CRM-A' }] }), [
        'customers[1].customerRef',
      ]);
      await refusedWith(409, () => t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).send({ customers: [{ customerRef: '  CRM-A  ' }] }), ['customers[0].customerRef']);
      await refusedWith(409, () => t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).set('Content-Type', 'text/csv').send('customerRef,name\nCRM-NEW-1,Ny\nCRM-A,Kari\n'));
      expect(await customerCount(seed.campaignId)).toBe(count);
      // The good row of the refused batch was not kept: it enrolls now.
      await t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).send({ customers: [{ customerRef: 'CRM-NEW-1' }] }).expect(201);
      expect(await customerCount(seed.campaignId)).toBe(count + 1);
    });

    it('a customerRef repeated within one batch', async () => {
      const count = await customerCount(seed.campaignId);
      await refusedWith(409, () => t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).send({ customers: [{ customerRef: 'CRM-R' }, { customerRef: 'CRM-S' }, { customerRef: 'CRM-R' }] }), [
        'customers[2].customerRef',
      ]);
      await refusedWith(409, () => t.http.post(`/v1/campaigns/${seed.campaignId}/customers`).set(seed.auth).set('Content-Type', 'text/csv').send('customerRef\nCRM-R\nCRM-R\n'), ['customers[1].customerRef']);
      expect(await customerCount(seed.campaignId)).toBe(count);
    });

    it('the same customerRef in another campaign is no conflict', async () => {
      const other = await campaignWith(['CRM-A']);
      expect(other.customerIds).toHaveLength(1);
    });

    describe('a closed campaign', () => {
      let closed: Awaited<ReturnType<typeof campaignWith>>;
      beforeAll(async () => {
        closed = await campaignWith(['CL-1']);
        await t.http.post(`/v1/customers/${closed.customerIds[0]}/sms`).set(seed.auth).send(interactions(seed.sellerId).sms).expect(201);
        await t.http.post(`/v1/campaigns/${closed.campaignId}/close`).set(seed.auth).expect(200);
      });

      it('closing it again', () => refusedWith(409, () => t.http.post(`/v1/campaigns/${closed.campaignId}/close`).set(seed.auth)));

      it.each(KINDS)('POST /v1/customers/:id/%s on its customer', async (kind) => {
        await refusedWith(409, () => t.http.post(`/v1/customers/${closed.customerIds[0]}/${kind}`).set(seed.auth).send(interactions(seed.sellerId)[kind]));
        expect(await timeline(closed.customerIds[0])).toHaveLength(1);
      });

      it('PATCH /v1/customers/:id on its customer', async () => {
        await refusedWith(409, () => t.http.patch(`/v1/customers/${closed.customerIds[0]}`).set(seed.auth).send({ name: 'Changed' }));
        expect((await t.http.get(`/v1/customers/${closed.customerIds[0]}`).set(seed.auth)).body.personal.name).toBe('Name of CL-1');
      });

      it('enrolling into it (JSON and CSV)', async () => {
        await refusedWith(409, () => t.http.post(`/v1/campaigns/${closed.campaignId}/customers`).set(seed.auth).send({ customers: [{ customerRef: 'CL-2' }] }));
        await refusedWith(409, () => t.http.post(`/v1/campaigns/${closed.campaignId}/customers`).set(seed.auth).set('Content-Type', 'text/csv').send('customerRef\nCL-2\n'));
        expect(await customerCount(closed.campaignId)).toBe(1);
      });

      it('still reads: the campaign says closed, its customers and list answer', async () => {
        expect((await t.http.get(`/v1/campaigns/${closed.campaignId}`).set(seed.auth).expect(200)).body).toMatchObject({ status: 'closed', anonymization: null, customerCount: 1 });
        expect((await t.http.get(`/v1/customers/${closed.customerIds[0]}`).set(seed.auth).expect(200)).body).toMatchObject({ status: 'active', customerRef: 'CL-1' });
        expect((await t.http.get(`/v1/campaigns/${closed.campaignId}/customers`).set(seed.auth).expect(200)).body.items).toHaveLength(1);
      });
    });
  });

  describe('410: anonymized customers and campaigns', () => {
    let shredder: KeyShredder;
    beforeAll(() => {
      shredder = t.app.get(KeyShredder);
    });

    /** Every interaction route and PATCH on this customer answer 410 and write nothing. */
    async function everyWriteGone(id: string) {
      for (const kind of KINDS) await refusedWith(410, () => t.http.post(`/v1/customers/${id}/${kind}`).set(seed.auth).send(interactions(seed.sellerId)[kind]));
      await refusedWith(410, () => t.http.patch(`/v1/customers/${id}`).set(seed.auth).send({ name: 'Back again' }));
    }

    describe('one customer, standard (content keys only)', () => {
      let campaign: Awaited<ReturnType<typeof campaignWith>>;
      let anonymized: string;
      let kept: string;
      beforeAll(async () => {
        campaign = await campaignWith(['STD-1', 'STD-2']);
        [anonymized, kept] = campaign.customerIds;
        const bodies = interactions(seed.sellerId);
        await t.http.post(`/v1/customers/${anonymized}/sms`).set(seed.auth).send(bodies.sms).expect(201);
        await t.http.post(`/v1/customers/${anonymized}/sales`).set(seed.auth).send(bodies.sales).expect(201);
        await t.http.post(`/v1/customers/${anonymized}/responses`).set(seed.auth).send(bodies.responses).expect(201);
        await shredder.destroyNow({ customerIds: [anonymized], scopes: ['content'] }, { actor: 'test' });
      });

      it('refuses every interaction and PATCH with 410', () => everyWriteGone(anonymized));

      it('GET /v1/customers/:id: anonymized, customerRef kept, no personal data anywhere', async () => {
        const card = (await t.http.get(`/v1/customers/${anonymized}`).set(seed.auth).expect(200)).body;
        expect(card).toMatchObject({
          customerId: anonymized,
          campaignId: campaign.campaignId,
          controllerId: seed.controllerId,
          status: 'anonymized',
          anonymization: { mode: 'standard', at: expect.stringMatching(ISO_TIME) },
          customerRef: 'STD-1',
          personal: null,
        });
        expect(card.timeline.map((entry: Body) => [entry.type, entry.personal])).toEqual([
          ['sms', null],
          ['sale', null],
          ['response', null],
        ]);
        // Plain fields stay: analytics still count the sale.
        expect(card.timeline[1]).toMatchObject({ sellerId: seed.sellerId, sku: 'BB-100', quantity: 1, amountMinor: 100, currency: 'NOK', at: '2026-12-02T09:00:00.000Z' });
        expect(JSON.stringify(card)).not.toMatch(/Name of STD-1|std-1@example|RT-9|After six|Hei/);
      });

      it('the campaign list shows the same, and the other customer untouched', async () => {
        const items = (await t.http.get(`/v1/campaigns/${campaign.campaignId}/customers`).set(seed.auth).expect(200)).body.items;
        expect(items).toEqual([
          expect.objectContaining({ customerId: anonymized, status: 'anonymized', anonymization: expect.objectContaining({ mode: 'standard' }), customerRef: 'STD-1', personal: null }),
          expect.objectContaining({ customerId: kept, status: 'active', anonymization: null, customerRef: 'STD-2', personal: expect.objectContaining({ name: 'Name of STD-2' }) }),
        ]);
        await t.http.post(`/v1/customers/${kept}/sms`).set(seed.auth).send(interactions(seed.sellerId).sms).expect(201);
        expect((await t.http.get(`/v1/campaigns/${campaign.campaignId}`).set(seed.auth).expect(200)).body).toMatchObject({ status: 'active', anonymization: null });
      });

      it('frees the customerRef: the same person can be enrolled again', async () => {
        const again = await t.http.post(`/v1/campaigns/${campaign.campaignId}/customers`).set(seed.auth).send({ customers: [{ customerRef: 'STD-1' }] }).expect(201);
        expect(again.body.customerIds[0]).not.toBe(anonymized);
        await refusedWith(409, () => t.http.post(`/v1/campaigns/${campaign.campaignId}/customers`).set(seed.auth).send({ customers: [{ customerRef: 'STD-2' }] }));
      });
    });

    describe('a whole campaign, full (content and reference keys)', () => {
      let campaign: Awaited<ReturnType<typeof campaignWith>>;
      beforeAll(async () => {
        campaign = await campaignWith(['FULL-1', 'FULL-2']);
        await t.http.post(`/v1/customers/${campaign.customerIds[0]}/emails`).set(seed.auth).send(interactions(seed.sellerId).emails).expect(201);
        await shredder.destroyNow({ campaignId: campaign.campaignId, scopes: ['content', 'reference'] }, { actor: 'test' });
      });

      it('GET /v1/campaigns/:id says anonymized, full', async () => {
        expect((await t.http.get(`/v1/campaigns/${campaign.campaignId}`).set(seed.auth).expect(200)).body).toMatchObject({
          status: 'anonymized',
          anonymization: { mode: 'full', at: expect.stringMatching(ISO_TIME) },
          customerCount: 2,
        });
      });

      it('GET /v1/customers/:id: customerRef and personal null, timeline without personal', async () => {
        const card = (await t.http.get(`/v1/customers/${campaign.customerIds[0]}`).set(seed.auth).expect(200)).body;
        expect(card).toMatchObject({ status: 'anonymized', anonymization: { mode: 'full' }, customerRef: null, personal: null });
        expect(card.timeline).toEqual([expect.objectContaining({ type: 'email', direction: 'outbound', sellerId: seed.sellerId, personal: null })]);
      });

      it('the campaign list shows every customer the same way', async () => {
        const items = (await t.http.get(`/v1/campaigns/${campaign.campaignId}/customers`).set(seed.auth).expect(200)).body.items as Body[];
        expect(items.map((item) => [item.customerId, item.status, item.customerRef, item.personal])).toEqual(campaign.customerIds.map((id) => [id, 'anonymized', null, null]));
      });

      it('refuses enrollment into it with 410 (JSON and CSV)', async () => {
        await refusedWith(410, () => t.http.post(`/v1/campaigns/${campaign.campaignId}/customers`).set(seed.auth).send({ customers: [{ customerRef: 'FULL-3' }] }));
        await refusedWith(410, () => t.http.post(`/v1/campaigns/${campaign.campaignId}/customers`).set(seed.auth).set('Content-Type', 'text/csv').send('customerRef\nFULL-3\n'));
        expect(await customerCount(campaign.campaignId)).toBe(2);
      });

      it('refuses every interaction and PATCH on its customers with 410', () => everyWriteGone(campaign.customerIds[1]));

      it('refuses closing it with 410', () => refusedWith(410, () => t.http.post(`/v1/campaigns/${campaign.campaignId}/close`).set(seed.auth)));
    });

    describe('a whole campaign, standard (content keys only)', () => {
      let campaign: Awaited<ReturnType<typeof campaignWith>>;
      beforeAll(async () => {
        campaign = await campaignWith(['CSTD-1']);
        await shredder.destroyNow({ campaignId: campaign.campaignId, scopes: ['content'] }, { actor: 'test' });
      });

      it('is anonymized (standard) with customerRefs kept, and takes no enrollment or writes', async () => {
        expect((await t.http.get(`/v1/campaigns/${campaign.campaignId}`).set(seed.auth).expect(200)).body).toMatchObject({ status: 'anonymized', anonymization: { mode: 'standard' } });
        expect((await t.http.get(`/v1/customers/${campaign.customerIds[0]}`).set(seed.auth).expect(200)).body).toMatchObject({ status: 'anonymized', customerRef: 'CSTD-1', personal: null });
        expect((await t.http.get(`/v1/campaigns/${campaign.campaignId}/customers`).set(seed.auth).expect(200)).body.items).toEqual([
          expect.objectContaining({ status: 'anonymized', customerRef: 'CSTD-1', personal: null }),
        ]);
        await refusedWith(410, () => t.http.post(`/v1/campaigns/${campaign.campaignId}/customers`).set(seed.auth).send({ customers: [{ customerRef: 'CSTD-2' }] }));
        await everyWriteGone(campaign.customerIds[0]);
      });
    });
  });
});
