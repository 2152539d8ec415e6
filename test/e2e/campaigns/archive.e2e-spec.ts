import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KeyShredder } from '@app/crypto-shredding';
import type { Role } from '@app/platform';
import { DataSource } from 'typeorm';
import { enrollOne, seedCampaign } from '../../support/campaign-fixtures';
import { backendPid, waitForLockWaiter } from '../../support/lock-waits';
import { expectProblem, streamEventTypes, writeCounts } from '../../support/problem-assertions';
import { startTestApp, type TestApp } from '../../support/test-app';
import { tokenFor } from '../../support/tokens';

// POST /v1/campaigns/:id/archive and /unarchive (service, compliance, admin; in scope): archived
// customers leave the working list (GET .../customers unless ?status=archived|all), take no
// interactions (409 customer-archived), stay readable, can still be anonymized; reversible.

const at = '2026-12-02T09:00:00Z';

describe('archiving customers', () => {
  let t: TestApp;
  let seed: Awaited<ReturnType<typeof seedCampaign>>;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp();
    seed = await seedCampaign(t);
    admin = { Authorization: `Bearer ${await tokenFor(t.config, ['admin'], ['*'], 'archive-admin')}` };
  });
  afterAll(() => t.close());

  const as = async (roles: Role[], controllers = [seed.controllerId]) => ({ Authorization: `Bearer ${await tokenFor(t.config, roles, controllers, `archive-${roles.join('+')}`)}` });
  const enrollMany = async (campaignId: string, count: number, auth = seed.auth): Promise<string[]> =>
    (
      await t.http
        .post(`/v1/campaigns/${campaignId}/customers`)
        .set(auth)
        .send({ customers: Array.from({ length: count }, (_, i) => ({ customerRef: `A-${randomUUID()}`, name: `Kunde ${i}` })) })
        .expect(201)
    ).body.customerIds;
  const newCampaign = async () => {
    const created = await t.http
      .post('/v1/campaigns')
      .set(seed.auth)
      .send({ controllerId: seed.controllerId, name: 'Spring', purpose: 'p', startsOn: '2026-12-01', endsOn: '2026-12-31', currency: 'NOK', products: [{ sku: 'BB-100', name: 'B', unitPriceMinor: 100 }], responseCodes: ['sold'] })
      .expect(201);
    return created.body.campaignId as string;
  };
  const listIds = async (campaignId: string, status?: string) => {
    const answer = await t.http.get(`/v1/campaigns/${campaignId}/customers?limit=500${status ? `&status=${status}` : ''}`).set(seed.auth).expect(200);
    return (answer.body.items as { customerId: string }[]).map((item) => item.customerId);
  };
  const interactions = (customerId: string, auth: Record<string, string>) => [
    t.http.post(`/v1/customers/${customerId}/sms`).set(auth).send({ sellerId: seed.sellerId, direction: 'outbound', phone: '+4791234567', body: 'Hei', at }),
    t.http.post(`/v1/customers/${customerId}/emails`).set(auth).send({ sellerId: seed.sellerId, direction: 'outbound', address: 'kari@example.no', subject: 'S', body: 'B', at }),
    t.http.post(`/v1/customers/${customerId}/calls`).set(auth).send({ sellerId: seed.sellerId, phone: '+4791234567', startedAt: at, durationSeconds: 30 }),
    t.http.post(`/v1/customers/${customerId}/responses`).set(auth).send({ sellerId: seed.sellerId, code: 'sold', at }),
    t.http.post(`/v1/customers/${customerId}/sales`).set(auth).send({ sellerId: seed.sellerId, sku: 'BB-100', quantity: 1, at }),
  ];

  it('archives the given customers: off the working list, listed under ?status=archived and all, counted on the campaign', async () => {
    const campaignId = await newCampaign();
    const [a, b, c] = await enrollMany(campaignId, 3);
    const answer = await t.http.post(`/v1/campaigns/${campaignId}/archive`).set(seed.auth).send({ customerIds: [a, c] });
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: { archived: 2, position: expect.any(String) } });

    // The position is one a GET can wait for.
    await t.http.get(`/v1/campaigns/${campaignId}/customers?waitFor=${answer.body.position}`).set(seed.auth).expect(200);
    expect(await listIds(campaignId)).toEqual([b]);
    expect(await listIds(campaignId, 'active')).toEqual([b]);
    expect(await listIds(campaignId, 'archived')).toEqual([a, c]);
    expect(await listIds(campaignId, 'all')).toEqual([a, b, c]);
    const archivedItems = (await t.http.get(`/v1/campaigns/${campaignId}/customers?status=archived`).set(seed.auth).expect(200)).body.items;
    expect(archivedItems[0]).toMatchObject({ customerId: a, status: 'active', archived: true, legalHold: null, personal: { name: 'Kunde 0' } });
    expect((await t.http.get(`/v1/campaigns/${campaignId}`).set(seed.auth).expect(200)).body).toMatchObject({ customerCount: 3, archivedCount: 2 });
    expectProblem(await t.http.get(`/v1/campaigns/${campaignId}/customers?status=gone`).set(seed.auth), 400, { fields: ['status'] });
  });

  it('records one small event naming the customers, or none when archiving all (null), however many there are', async () => {
    const campaignId = await newCampaign();
    const [a] = await enrollMany(campaignId, 250);
    await t.http.post(`/v1/campaigns/${campaignId}/archive`).set(seed.auth).send({ customerIds: [a] }).expect(200);
    const all = await t.http.post(`/v1/campaigns/${campaignId}/archive`).set(seed.auth).send().expect(200);
    expect(all.body).toEqual({ archived: 249, position: expect.any(String) });
    const rows: { type: string; data: { plain: unknown } }[] = await t.app
      .get(DataSource)
      .query(`SELECT type, data FROM es.events WHERE stream_id = $1 AND type LIKE 'Customers%' ORDER BY stream_revision`, [`campaign-${campaignId}`]);
    expect(rows.map((row) => [row.type, row.data.plain])).toEqual([
      ['CustomersArchived', { campaignId, customerIds: [a], at: expect.any(String) }],
      ['CustomersArchived', { campaignId, customerIds: null, at: expect.any(String) }],
    ]);
    expect(await listIds(campaignId)).toEqual([]);

    // Customers enrolled after "all" are on the working list.
    const [late] = await enrollMany(campaignId, 1);
    expect(await listIds(campaignId)).toEqual([late]);

    const back = await t.http.post(`/v1/campaigns/${campaignId}/unarchive`).set(seed.auth).send({}).expect(200);
    expect(back.body).toEqual({ unarchived: 250, position: expect.any(String) });
    expect(await listIds(campaignId, 'archived')).toEqual([]);
    expect(await streamEventTypes(t, `campaign-${campaignId}`)).toEqual(['CampaignCreated', 'CustomersArchived', 'CustomersArchived', 'CustomersUnarchived']);
  });

  it('archiving what is archived already changes nothing: 0, no event, and a position a GET can wait for', async () => {
    const campaignId = await newCampaign();
    const [a] = await enrollMany(campaignId, 1);
    const first = await t.http.post(`/v1/campaigns/${campaignId}/archive`).set(seed.auth).send({ customerIds: [a] }).expect(200);
    const before = await writeCounts(t);
    const again = await t.http.post(`/v1/campaigns/${campaignId}/archive`).set(seed.auth).send({ customerIds: [a] }).expect(200);
    expect(again.body).toEqual({ archived: 0, position: first.body.position });
    expect((await t.http.post(`/v1/campaigns/${campaignId}/archive`).set(seed.auth).send({}).expect(200)).body.archived).toBe(0);
    expect(await writeCounts(t)).toEqual(before);
    await t.http.get(`/v1/campaigns/${campaignId}?waitFor=${again.body.position}`).set(seed.auth).expect(200);
    const [b] = await enrollMany(campaignId, 1);
    expect((await t.http.post(`/v1/campaigns/${campaignId}/unarchive`).set(seed.auth).send({ customerIds: [b] }).expect(200)).body).toEqual({ unarchived: 0, position: expect.any(String) });
  });

  it('refuses every interaction on an archived customer with 409 customer-archived, writing nothing; details stay correctable', async () => {
    const customerId = await enrollOne(t, seed.campaignId, seed.auth);
    await t.http.post(`/v1/campaigns/${seed.campaignId}/archive`).set(seed.auth).send({ customerIds: [customerId] }).expect(200);
    const before = await writeCounts(t);
    for (const answer of await Promise.all(interactions(customerId, seed.auth))) {
      expectProblem(answer, 409);
      expect(answer.body).toMatchObject({ type: 'urn:campaign-ledger:problem:customer-archived', title: 'Conflict' });
    }
    expect(await writeCounts(t)).toEqual(before);
    await t.http.patch(`/v1/customers/${customerId}`).set(seed.auth).send({ fields: { note: 'moved' } }).expect(200);

    // Readable: the whole card, personal data and all, saying it is archived.
    const card = await t.http.get(`/v1/customers/${customerId}`).set(seed.auth).expect(200);
    expect(card.body).toMatchObject({ customerId, status: 'active', archived: true, legalHold: null, personal: { name: 'Kari Nordmann', fields: { note: 'moved' } } });

    // Unarchived, it takes interactions again.
    await t.http.post(`/v1/campaigns/${seed.campaignId}/unarchive`).set(seed.auth).send({ customerIds: [customerId] }).expect(200);
    for (const answer of await Promise.all(interactions(customerId, seed.auth))) expect(answer.status).toBe(201);
    expect((await t.http.get(`/v1/customers/${customerId}`).set(seed.auth).expect(200)).body).toMatchObject({ archived: false, timeline: expect.arrayContaining([expect.objectContaining({ type: 'sale' })]) });
  });

  it('archives customers of a closed campaign, and an archived customer can still be anonymized', async () => {
    const campaignId = await newCampaign();
    const [a] = await enrollMany(campaignId, 1);
    await t.http.post(`/v1/campaigns/${campaignId}/close`).set(seed.auth).expect(200);
    expect((await t.http.post(`/v1/campaigns/${campaignId}/archive`).set(seed.auth).send().expect(200)).body.archived).toBe(1);
    await t.app.get(KeyShredder).destroyNow({ customerIds: [a], scopes: ['content'] }, { actor: 'archive-test' }, { vacuum: false });
    const card = await t.http.get(`/v1/customers/${a}`).set(seed.auth).expect(200);
    expect(card.body).toMatchObject({ status: 'anonymized', archived: true, personal: null, customerRef: expect.any(String) });
    expect(await listIds(campaignId, 'archived')).toEqual([a]);
  });

  it('names the index of a customer id that is no customer of this campaign (422), malformed or repeated (400), and writes nothing', async () => {
    const campaignId = await newCampaign();
    const [a, b] = await enrollMany(campaignId, 2);
    const elsewhere = await enrollOne(t, seed.campaignId, seed.auth);
    const before = await writeCounts(t);
    const archive = (body: unknown) => t.http.post(`/v1/campaigns/${campaignId}/archive`).set(seed.auth).send(body as object);
    expectProblem(await archive({ customerIds: [a, elsewhere] }), 422, { fields: ['customerIds[1]'] });
    expectProblem(await archive({ customerIds: [randomUUID(), a] }), 422, { fields: ['customerIds[0]'] });
    expectProblem(await t.http.post(`/v1/campaigns/${campaignId}/unarchive`).set(seed.auth).send({ customerIds: [b, randomUUID()] }), 422, { fields: ['customerIds[1]'] });
    expectProblem(await archive({ customerIds: [a, 'CRM-1'] }), 400, { fields: ['customerIds[1]'] });
    expectProblem(await archive({ customerIds: [a, b, a.toUpperCase()] }), 400, { fields: ['customerIds[2]'] });
    expectProblem(await archive({ customerIds: [] }), 400, { fields: ['customerIds'] });
    expectProblem(await archive({ customerIds: [a, 7] }), 400, { fields: ['customerIds'] });
    expectProblem(await archive({ everyone: true }), 400, { fields: ['everyone'] });
    expect(await writeCounts(t)).toEqual(before);
    expect(await listIds(campaignId)).toEqual([a, b]);
  });

  describe('who may archive', () => {
    const cases: [string, Role[], 'in' | 'out' | 'all', number][] = [
      ['service in scope', ['service'], 'in', 200],
      ['compliance in scope', ['compliance'], 'in', 200],
      ['admin in scope', ['admin'], 'in', 200],
      ['compliance with ["*"]', ['compliance'], 'all', 200],
      ['seller in scope', ['seller'], 'in', 403],
      ['analyst in scope', ['analyst'], 'in', 403],
      ['seller and analyst with ["*"]', ['seller', 'analyst'], 'all', 403],
      ['service out of scope', ['service'], 'out', 404],
      ['compliance out of scope', ['compliance'], 'out', 404],
      ['admin out of scope', ['admin'], 'out', 404],
    ];

    it.each(cases.flatMap(([label, roles, scope, status]) => (['archive', 'unarchive'] as const).map((route) => [route, label, roles, scope, status] as const)))(
      'POST /v1/campaigns/:id/%s as %s -> as listed',
      async (route, _label, roles, scope, status) => {
        const campaignId = await newCampaign();
        const [a] = await enrollMany(campaignId, 1);
        if (route === 'unarchive') await t.http.post(`/v1/campaigns/${campaignId}/archive`).set(admin).send().expect(200);
        const auth = await as(roles, scope === 'in' ? [seed.controllerId] : scope === 'out' ? ['someone-else'] : ['*']);
        const before = await writeCounts(t);
        const answer = await t.http.post(`/v1/campaigns/${campaignId}/${route}`).set(auth).send({ customerIds: [a] });
        if (status === 200) {
          expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: { [`${route}d`]: 1, position: expect.any(String) } });
          expect((await writeCounts(t)).events).toBe(before.events + 1);
        } else {
          expectProblem(answer, status);
          expect(await writeCounts(t)).toEqual(before);
        }
      },
    );

    it('an id outside the token\'s controllers gets the very answer of an unknown id; no token is a 401', async () => {
      const outside = await as(['compliance'], ['someone-else']);
      for (const route of ['archive', 'unarchive']) {
        const hidden = await t.http.post(`/v1/campaigns/${seed.campaignId}/${route}`).set(outside).send();
        const unknown = await t.http.post(`/v1/campaigns/${randomUUID()}/${route}`).set(outside).send();
        const unknownInScope = await t.http.post(`/v1/campaigns/${randomUUID()}/${route}`).set(admin).send();
        const malformed = await t.http.post(`/v1/campaigns/not-a-uuid/${route}`).set(admin).send();
        for (const answer of [hidden, unknown, unknownInScope, malformed]) expectProblem(answer, 404);
        const withoutInstance = ({ instance: _instance, ...rest }: Record<string, unknown>) => rest;
        expect(withoutInstance(hidden.body)).toEqual(withoutInstance(unknown.body));
        expectProblem(await t.http.post(`/v1/campaigns/${seed.campaignId}/${route}`).send(), 401);
      }
    });

    it('checks the role before the body: an analyst with an invalid body is a 403', async () => {
      expectProblem(await t.http.post(`/v1/campaigns/${seed.campaignId}/archive`).set(await as(['analyst'])).send({ customerIds: 'all' }), 403);
    });
  });

  describe('racing other writers (two connections)', () => {
    it('an interaction waits for an archiving of its customer in flight, then answers 409 and appends nothing', async () => {
      const campaignId = await newCampaign();
      const [a] = await enrollMany(campaignId, 1);
      const dataSource = t.app.get(DataSource);
      const archiver = dataSource.createQueryRunner();
      await archiver.connect();
      try {
        await archiver.startTransaction();
        // What archiving writes to the customer's row, not yet committed.
        await archiver.query(`UPDATE app.customers SET archived_at = now() WHERE customer_id = $1`, [a]);
        const pid = await backendPid(archiver.manager);
        const sms = t.http.post(`/v1/customers/${a}/sms`).set(seed.auth).send({ sellerId: seed.sellerId, direction: 'outbound', phone: '+4791234567', body: 'Hei', at }).then((answer) => answer);
        await waitForLockWaiter(dataSource, pid);
        await archiver.commitTransaction();
        const answer = await sms;
        expectProblem(answer, 409);
        expect(answer.body).toMatchObject({ type: 'urn:campaign-ledger:problem:customer-archived' });
      } finally {
        if (archiver.isTransactionActive) await archiver.rollbackTransaction();
        await archiver.release();
      }
      expect(await streamEventTypes(t, `customer-${a}`)).toEqual(['CustomerEnrolled']);
    });

    it('archiving all waits for an enrollment in flight (FOR SHARE on the keyspace), then archives its customers too', async () => {
      const campaignId = await newCampaign();
      await enrollMany(campaignId, 2);
      const dataSource = t.app.get(DataSource);
      const enrollment = dataSource.createQueryRunner();
      await enrollment.connect();
      try {
        await enrollment.startTransaction();
        // The lock an enrollment holds until it commits.
        await enrollment.query(`SELECT status FROM crypto.campaign_keyspaces WHERE campaign_id = $1 FOR SHARE`, [campaignId]);
        const pid = await backendPid(enrollment.manager);
        const archive = t.http.post(`/v1/campaigns/${campaignId}/archive`).set(seed.auth).send().then((answer) => answer);
        await waitForLockWaiter(dataSource, pid);
        await enrollment.commitTransaction();
        expect((await archive).body).toEqual({ archived: 2, position: expect.any(String) });
      } finally {
        if (enrollment.isTransactionActive) await enrollment.rollbackTransaction();
        await enrollment.release();
      }
    });
  });
});
