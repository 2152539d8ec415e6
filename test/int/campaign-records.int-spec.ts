import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Actor, CampaignRecords, CustomerCards, DomainError } from '@app/campaigns';
import { KeyShredder } from '@app/crypto-shredding';
import { SealingEventStore } from '@app/event-store';
import { DataSource, type EntityManager } from 'typeorm';
import { enrollOne, seedCampaign } from '../support/campaign-fixtures';
import { backendPid, waitForLockWaiter } from '../support/lock-waits';
import { streamEventTypes, writeCounts } from '../support/problem-assertions';
import { startTestApp, type TestApp } from '../support/test-app';

// The application services the compliance lib builds on, used as it will use them: inside one
// transaction of its own, together with key destruction. What they record commits or rolls back
// with the rest; GET /v1/campaigns/:id and /v1/customers/:id show what they recorded.

describe('CampaignRecords and CustomerCards (exported from @app/campaigns)', () => {
  let t: TestApp;
  let records: CampaignRecords;
  let cards: CustomerCards;
  let store: SealingEventStore;
  let shredder: KeyShredder;
  let seed: Awaited<ReturnType<typeof seedCampaign>>;
  const actor: Actor = { subject: 'compliance-officer-7', correlationId: 'corr-1' };

  beforeAll(async () => {
    t = await startTestApp();
    records = t.app.get(CampaignRecords);
    cards = t.app.get(CustomerCards);
    store = t.app.get(SealingEventStore);
    shredder = t.app.get(KeyShredder);
    seed = await seedCampaign(t);
  });
  afterAll(() => t.close());

  const newCampaign = async (customers: number) => {
    const created = await t.http
      .post('/v1/campaigns')
      .set(seed.auth)
      .send({ controllerId: seed.controllerId, name: `Høst ${randomUUID().slice(0, 4)}`, purpose: 'Upsell of TV', startsOn: '2026-12-01', endsOn: '2026-12-31', currency: 'NOK', products: [{ sku: 'TV', name: 'TV', unitPriceMinor: 100 }] })
      .expect(201);
    const campaignId: string = created.body.campaignId;
    const customerIds: string[] = [];
    for (let done = 0; done < customers; done += 5_000) {
      const size = Math.min(5_000, customers - done);
      const enrolled = await t.http
        .post(`/v1/campaigns/${campaignId}/customers`)
        .set(seed.auth)
        .send({ customers: Array.from({ length: size }, (_, i) => ({ customerRef: `R-${done + i}`, name: `Kunde ${done + i}`, email: `k${done + i}@example.no` })) })
        .expect(201);
      customerIds.push(...enrolled.body.customerIds);
    }
    return { campaignId, customerIds };
  };
  const get = async (path: string) => (await t.http.get(path).set(seed.auth).expect(200)).body;
  const inTransaction = <T>(work: (tx: EntityManager) => Promise<T>) => store.transaction(work);
  const failure = (attempt: Promise<unknown>) => attempt.then(() => null, (error: unknown) => error);

  it('reads the facts a decision needs: campaign, customer, ids by archive status, holds', async () => {
    const { campaignId, customerIds } = await newCampaign(3);
    await t.http.post(`/v1/campaigns/${campaignId}/archive`).set(seed.auth).send({ customerIds: [customerIds[1]] }).expect(200);
    await inTransaction(async (tx) => {
      expect(await records.campaignFacts(tx, campaignId)).toMatchObject({
        campaignId,
        controllerId: seed.controllerId,
        purpose: 'Upsell of TV',
        status: 'active',
        timeZone: 'Europe/Oslo',
        endsOn: '2026-12-31',
        retention: null,
        legalHold: null,
        anonymization: null,
        customerCount: 3,
        archivedCount: 1,
      });
      expect(await records.customerFacts(tx, customerIds[1])).toEqual({
        customerId: customerIds[1],
        campaignId,
        controllerId: seed.controllerId,
        legalHold: null,
        campaignLegalHold: null,
        archived: true,
        anonymization: null,
      });
      expect(await records.customerIdsOf(tx, campaignId)).toEqual(customerIds);
      expect(await records.customerIdsOf(tx, campaignId, { status: 'active' })).toEqual([customerIds[0], customerIds[2]]);
      expect(await records.customerIdsOf(tx, campaignId, { status: 'archived' })).toEqual([customerIds[1]]);
      expect(await records.heldCustomers(tx, campaignId)).toEqual([]);
    });
    // Unknown ids (and ids that are no UUID) are null, not an error: the caller answers its 404.
    expect(await records.campaignFacts(undefined, randomUUID())).toBeNull();
    expect(await records.campaignFacts(undefined, 'nope')).toBeNull();
    expect(await records.customerFacts(undefined, randomUUID())).toBeNull();
  });

  it('places, replaces and releases legal holds; GET shows them; the same hold again records nothing', async () => {
    const { campaignId, customerIds } = await newCampaign(2);
    const [customerId] = customerIds;
    const placed = await inTransaction((tx) => records.placeLegalHold(tx, { campaignId }, { reasonCode: 'legal-obligation', reference: 'CASE-2027/114', actor }));
    expect(placed).toEqual({ position: expect.any(String), legalHold: { reasonCode: 'legal-obligation', reference: 'CASE-2027/114', placedAt: expect.any(String) } });
    const campaign = await get(`/v1/campaigns/${campaignId}?waitFor=${placed.position}`);
    expect(campaign.legalHold).toEqual(placed.legalHold);

    const again = await inTransaction((tx) => records.placeLegalHold(tx, { campaignId }, { reasonCode: 'legal-obligation', reference: 'CASE-2027/114', actor }));
    expect(again).toEqual(placed);
    const replaced = await inTransaction((tx) => records.placeLegalHold(tx, { campaignId }, { reasonCode: 'other', actor }));
    expect(replaced.legalHold).toEqual({ reasonCode: 'other', reference: null, placedAt: expect.any(String) });
    expect((await get(`/v1/campaigns/${campaignId}`)).legalHold).toEqual(replaced.legalHold);

    const onCustomer = await inTransaction((tx) => records.placeLegalHold(tx, { customerId }, { reasonCode: 'data-subject-request', reference: 'DSR-9', actor }));
    const card = await get(`/v1/customers/${customerId}?waitFor=${onCustomer.position}`);
    expect(card).toMatchObject({ legalHold: { reasonCode: 'data-subject-request', reference: 'DSR-9', placedAt: onCustomer.legalHold.placedAt }, archived: false });
    expect((await get(`/v1/campaigns/${campaignId}/customers`)).items.map((item: { legalHold: unknown }) => item.legalHold)).toEqual([onCustomer.legalHold, null]);
    expect(await records.heldCustomers(undefined, campaignId)).toEqual([{ customerId, legalHold: onCustomer.legalHold }]);
    expect(await records.customerFacts(undefined, customerId)).toMatchObject({ legalHold: onCustomer.legalHold, campaignLegalHold: replaced.legalHold });

    await inTransaction((tx) => records.releaseLegalHold(tx, { customerId }, actor));
    await inTransaction((tx) => records.releaseLegalHold(tx, { campaignId }, actor));
    expect((await get(`/v1/customers/${customerId}`)).legalHold).toBeNull();
    expect((await get(`/v1/campaigns/${campaignId}`)).legalHold).toBeNull();
    expect(await records.heldCustomers(undefined, campaignId)).toEqual([]);
    for (const target of [{ campaignId }, { customerId }]) {
      expect(await failure(inTransaction((tx) => records.releaseLegalHold(tx, target, actor)))).toMatchObject({ kind: 'conflict', code: 'no-legal-hold' });
    }
    expect(await streamEventTypes(t, `campaign-${campaignId}`)).toEqual(['CampaignCreated', 'LegalHoldPlaced', 'LegalHoldPlaced', 'LegalHoldReleased']);
    expect(await streamEventTypes(t, `customer-${customerId}`)).toEqual(['CustomerEnrolled', 'LegalHoldPlaced', 'LegalHoldReleased']);
    // The actor and correlation id are the events' metadata.
    const [{ metadata }] = await t.app.get(DataSource).query(`SELECT metadata FROM es.events WHERE stream_id = $1 AND type = 'LegalHoldReleased'`, [`customer-${customerId}`]);
    expect(metadata).toMatchObject({ actor: 'compliance-officer-7', correlationId: 'corr-1' });
  });

  it('refuses free text, unknown reasons and unknown targets', async () => {
    expect(await failure(inTransaction((tx) => records.placeLegalHold(tx, { campaignId: seed.campaignId }, { reasonCode: 'other', reference: 'client phoned us', actor })))).toMatchObject({ kind: 'invalid', field: 'reference' });
    expect(await failure(inTransaction((tx) => records.placeLegalHold(tx, { campaignId: seed.campaignId }, { reasonCode: 'dispute', actor })))).toMatchObject({ kind: 'invalid', field: 'reasonCode' });
    for (const target of [{ campaignId: randomUUID() }, { customerId: randomUUID() }, { customerId: 'x' }]) {
      expect(await failure(inTransaction((tx) => records.placeLegalHold(tx, target, { reasonCode: 'other', actor })))).toMatchObject({ kind: 'not-found' });
    }
  });

  it('anonymization in one transaction with the key destruction: a rollback leaves nothing, a commit shows everywhere', async () => {
    const { campaignId, customerIds } = await newCampaign(3);
    const certificateId = randomUUID();
    const anonymize = (tx: EntityManager) => async () => {
      await records.lockCampaign(tx, campaignId);
      const facts = (await records.campaignFacts(tx, campaignId))!;
      expect(facts.legalHold).toBeNull();
      expect(await records.heldCustomers(tx, campaignId)).toEqual([]);
      const ids = await records.customerIdsOf(tx, campaignId);
      const destroyed = await shredder.destroy(tx, { campaignId, scopes: ['content'] }, { actor: actor.subject, certificateId });
      const campaign = await records.recordCampaignAnonymized(tx, { campaignId, mode: 'standard', customersAffected: destroyed.customersAffected, keysDestroyed: destroyed.keysDestroyed, certificateId }, actor);
      const customers = await records.recordCustomersAnonymized(tx, ids.map((customerId) => ({ customerId, mode: 'standard' as const, certificateId })), actor);
      return { destroyed, campaign, customers };
    };

    const before = await writeCounts(t);
    const rolledBack = await failure(
      inTransaction(async (tx) => {
        const done = await anonymize(tx)();
        expect(done.customers.positions).toHaveLength(3);
        throw new Error('the audit entry failed');
      }),
    );
    expect(rolledBack).toMatchObject({ message: 'the audit entry failed' });
    expect(await writeCounts(t)).toEqual(before);
    const live = await get(`/v1/campaigns/${campaignId}`);
    expect(live).toMatchObject({ status: 'active', anonymization: null });
    expect(await get(`/v1/customers/${customerIds[0]}`)).toMatchObject({ status: 'active', personal: { name: 'Kunde 0' } });
    expect(await streamEventTypes(t, `campaign-${campaignId}`)).toEqual(['CampaignCreated']);
    expect(await streamEventTypes(t, `customer-${customerIds[2]}`)).toEqual(['CustomerEnrolled']);

    const done = await inTransaction(async (tx) => anonymize(tx)());
    await shredder.confirm(done.destroyed, { vacuum: false });
    expect(done.destroyed).toMatchObject({ keysDestroyed: 3, customersAffected: 3 });
    const campaign = await get(`/v1/campaigns/${campaignId}?waitFor=${done.customers.positions.at(-1)}`);
    expect(campaign).toMatchObject({ status: 'anonymized', anonymization: { mode: 'standard', at: expect.any(String), certificateId } });
    const card = await get(`/v1/customers/${customerIds[1]}`);
    expect(card).toMatchObject({ status: 'anonymized', anonymization: { mode: 'standard', certificateId }, personal: null, customerRef: 'R-1' });
    expect(await streamEventTypes(t, `campaign-${campaignId}`)).toEqual(['CampaignCreated', 'CampaignAnonymized']);
    for (const customerId of customerIds) expect(await streamEventTypes(t, `customer-${customerId}`)).toEqual(['CustomerEnrolled', 'CustomerAnonymized']);

    // Standard again is refused from the stream (409), and rolls back the caller's work with it.
    const repeat = await failure(inTransaction((tx) => records.recordCampaignAnonymized(tx, { campaignId, mode: 'standard', customersAffected: 0, keysDestroyed: 0, certificateId: randomUUID() }, actor)));
    expect(repeat).toBeInstanceOf(DomainError);
    expect(repeat).toMatchObject({ kind: 'conflict', code: 'already-anonymized' });
  });

  it('refuses to record an anonymization under a hold (423 with its reason), rolling back the destruction beside it', async () => {
    const { campaignId, customerIds } = await newCampaign(2);
    await inTransaction((tx) => records.placeLegalHold(tx, { customerId: customerIds[1] }, { reasonCode: 'legal-obligation', actor }));
    const before = await writeCounts(t);
    const held = await failure(
      inTransaction(async (tx) => {
        await shredder.destroy(tx, { customerIds, scopes: ['content', 'reference'] }, { actor: actor.subject });
        await records.recordCustomersAnonymized(tx, customerIds.map((customerId) => ({ customerId, mode: 'full' as const, certificateId: 'c-1' })), actor);
      }),
    );
    expect(held).toMatchObject({ kind: 'locked', code: 'legal-hold', field: 'customers[1]', details: { reasonCode: 'legal-obligation' } });
    expect(await writeCounts(t)).toEqual(before);
    expect((await get(`/v1/customers/${customerIds[0]}`)).status).toBe('active');

    await inTransaction((tx) => records.placeLegalHold(tx, { campaignId }, { reasonCode: 'purpose-fulfilled', actor }));
    const onCampaign = await failure(inTransaction((tx) => records.recordCampaignAnonymized(tx, { campaignId, mode: 'full', customersAffected: 2, keysDestroyed: 4, certificateId: 'c-2' }, actor)));
    expect(onCampaign).toMatchObject({ kind: 'locked', details: { reasonCode: 'purpose-fulfilled' } });
    // The campaign's hold holds every customer of it.
    const throughCampaign = await failure(inTransaction((tx) => records.recordCustomersAnonymized(tx, [{ customerId: customerIds[0], mode: 'full', certificateId: 'c-3' }], actor)));
    expect(throughCampaign).toMatchObject({ kind: 'locked', field: 'customers[0]', details: { reasonCode: 'purpose-fulfilled' } });
    expect(await failure(inTransaction((tx) => records.recordCustomersAnonymized(tx, [{ customerId: randomUUID(), mode: 'full', certificateId: 'c-4' }], actor)))).toMatchObject({
      kind: 'not-found',
      field: 'customers[0].customerId',
    });
  });

  it('records 12,000 customers anonymized in one call: one event on each stream, positions in order', async () => {
    const { campaignId, customerIds } = await newCampaign(12_000);
    const started = Date.now();
    const { positions } = await inTransaction((tx) => records.recordCustomersAnonymized(tx, customerIds.map((customerId) => ({ customerId, mode: 'full' as const, certificateId: 'bulk-cert' })), actor));
    const elapsed = Date.now() - started;
    expect(positions).toHaveLength(12_000);
    expect(new Set(positions).size).toBe(12_000);
    const [row] = await t.app.get(DataSource).query(
      `SELECT count(*)::int AS n, count(DISTINCT stream_id)::int AS streams, bool_and(stream_revision = 1) AS second FROM es.events WHERE type = 'CustomerAnonymized' AND data->'plain'->>'campaignId' = $1`,
      [campaignId],
    );
    expect(row).toEqual({ n: 12_000, streams: 12_000, second: true });
    // Generous for a shared test machine; it is two statements, not 12,000 appends.
    expect(elapsed).toBeLessThan(30_000);
  }, 120_000);

  it('a hold placed while an anonymization takes the campaign lock: the lock waits for it, then sees it', async () => {
    const { campaignId, customerIds } = await newCampaign(2);
    const dataSource = t.app.get(DataSource);
    const placing = dataSource.createQueryRunner();
    await placing.connect();
    try {
      await placing.startTransaction();
      await records.placeLegalHold(placing.manager, { customerId: customerIds[0] }, { reasonCode: 'legal-obligation', reference: 'CASE-1', actor });
      const pid = await backendPid(placing.manager);
      const deciding = inTransaction(async (tx) => {
        await records.lockCampaign(tx, campaignId);
        return records.heldCustomers(tx, campaignId);
      });
      await waitForLockWaiter(dataSource, pid);
      await placing.commitTransaction();
      expect(await deciding).toEqual([{ customerId: customerIds[0], legalHold: expect.objectContaining({ reasonCode: 'legal-obligation', reference: 'CASE-1' }) }]);
    } finally {
      if (placing.isTransactionActive) await placing.rollbackTransaction();
      await placing.release();
    }
  });

  it('a PATCH of a customer whose hold is changing waits for the row (taken before the stream), then succeeds: no deadlock, no 500', async () => {
    const { customerIds } = await newCampaign(1);
    const [customerId] = customerIds;
    const dataSource = t.app.get(DataSource);
    const placing = dataSource.createQueryRunner();
    await placing.connect();
    try {
      await placing.startTransaction();
      // What a hold change takes first; it appends only afterwards.
      await placing.query(`SELECT 1 FROM app.customers WHERE customer_id = $1 FOR UPDATE`, [customerId]);
      const pid = await backendPid(placing.manager);
      const patch = t.http.patch(`/v1/customers/${customerId}`).set(seed.auth).send({ name: 'Kari Ny' }).then((answer) => answer);
      await waitForLockWaiter(dataSource, pid);
      await records.placeLegalHold(placing.manager, { customerId }, { reasonCode: 'other', actor });
      await placing.commitTransaction();
      expect((await patch).status).toBe(200);
    } finally {
      if (placing.isTransactionActive) await placing.rollbackTransaction();
      await placing.release();
    }
    expect(await streamEventTypes(t, `customer-${customerId}`)).toEqual(['CustomerEnrolled', 'LegalHoldPlaced', 'CustomerDetailsChanged']);
    expect(await get(`/v1/customers/${customerId}`)).toMatchObject({ personal: { name: 'Kari Ny' }, legalHold: { reasonCode: 'other' } });
  });

  it('opens customer cards for an access request: the shape of GET /v1/customers/:id, with the campaign, in the order asked', async () => {
    const { campaignId, customerIds } = await newCampaign(2);
    const other = await enrollOne(t, seed.campaignId, seed.auth, { name: 'Per Hansen' });
    await t.http.post(`/v1/customers/${other}/sms`).set(seed.auth).send({ sellerId: seed.sellerId, direction: 'outbound', phone: '+4791234567', body: 'Hei Per', at: '2026-12-02T09:00:00Z' }).expect(201);
    await t.http.post(`/v1/campaigns/${campaignId}/archive`).set(seed.auth).send({ customerIds: [customerIds[1]] }).expect(200);

    const opened = await cards.open(undefined, [customerIds[1], randomUUID(), other, 'not-an-id']);
    expect(opened.map((card) => card.customerId)).toEqual([customerIds[1], other]);
    const campaigns = opened.map((card) => card.campaign);
    expect(campaigns[0]).toEqual({ campaignId, name: expect.stringMatching(/^Høst/), purpose: 'Upsell of TV' });
    expect(campaigns[1]).toEqual({ campaignId: seed.campaignId, name: 'Winter broadband', purpose: 'Telemarketing of broadband' });
    for (const card of opened) {
      const { campaign: _campaign, ...rest } = card;
      expect(rest).toEqual(await get(`/v1/customers/${card.customerId}`));
    }
    expect(opened[0]).toMatchObject({ archived: true, personal: { name: 'Kunde 1', email: 'k1@example.no' } });
    expect(opened[1].timeline).toEqual([expect.objectContaining({ type: 'sms', personal: { phone: '+4791234567', body: 'Hei Per' } })]);
    // Inside a transaction too (an access request's own).
    expect((await inTransaction((tx) => cards.open(tx, [other]))).map((card) => card.personal?.name)).toEqual(['Per Hansen']);
  });
});
