import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { IntegrityError, isErased } from '@app/crypto-shredding';
import { type CryptoContext, enroll, startCryptoContext } from '../../../../test/support/crypto-context';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { createPostgresEventStore, type PostgresEventStoreKit } from '../event-store.factory';
import { SealingEventStore } from './sealing-event-store';

const MARKERS = { name: 'MARKER-Kari-Nordmann', email: 'marker.kari@example.no', ref: 'MARKER-CRM-77', body: 'MARKER-sms-body-text' };

describe('sealing codec around the PostgreSQL event store', () => {
  let database: TestDatabase;
  let ctx: CryptoContext;
  let kit: PostgresEventStoreKit;
  let store: SealingEventStore;

  beforeAll(async () => {
    database = await createTestDatabase();
    ctx = await startCryptoContext(database.url);
    kit = createPostgresEventStore(ctx.dataSource);
    store = new SealingEventStore(kit.store, ctx.sealer, {
      upcasters: { SmsLogged: (data, version) => (version === 1 ? { data: { ...data, direction: data.direction ?? 'outbound' }, schemaVersion: 2 } : { data, schemaVersion: version }) },
    });
  });
  afterAll(async () => {
    await kit.close();
    await ctx.close();
    await database.drop();
  });

  it('seals on append inside the enrolling transaction and opens on request; raw rows hold no personal value', async () => {
    const campaignId = randomUUID();
    const streamId = `customer-${randomUUID()}`;
    await store.transaction(async (tx) => {
      const [customer] = await enroll(ctx, campaignId, 'c1', 1, tx);
      await store.append(
        streamId,
        [
          { type: 'CustomerEnrolled', data: { campaignId }, personal: { name: MARKERS.name, email: MARKERS.email }, reference: { customerRef: MARKERS.ref } },
          { type: 'SmsLogged', data: { sellerId: 's1' }, personal: { body: MARKERS.body } },
        ],
        { expectedRevision: 'no_stream', tx, keys: { personal: customer.contentKeyId, reference: customer.referenceKeyId }, metadata: { actor: 'test', correlationId: 'corr-1' } },
      );
    });

    const sealed = await store.readStream(streamId);
    expect(sealed.map((e) => [e.type, e.data])).toEqual([
      ['CustomerEnrolled', { campaignId }],
      ['SmsLogged', { sellerId: 's1', direction: 'outbound' }],
    ]);
    expect(sealed[1].metadata).toMatchObject({ schemaVersion: 2, actor: 'test', correlationId: 'corr-1' });
    // State loading and projections see that a slot is there, never what it holds.
    expect(sealed[0].personal).toEqual(expect.any(Object));
    expect(JSON.stringify(sealed, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).not.toContain('MARKER');
    expect(Object.keys(sealed[0].personal!)).toEqual([]);

    const opened = await store.open(sealed);
    expect(opened.map((e) => [e.personal, e.reference])).toEqual([
      [{ name: MARKERS.name, email: MARKERS.email }, { customerRef: MARKERS.ref }],
      [{ body: MARKERS.body }, undefined],
    ]);

    const raw: unknown[] = await ctx.dataSource.query(`SELECT * FROM es.events WHERE stream_id = $1`, [streamId]);
    expect(raw).toHaveLength(2);
    const text = JSON.stringify(raw);
    for (const marker of Object.values(MARKERS)) expect(text).not.toContain(marker);
  });

  it('opens as Erased after the key is destroyed, and refuses a blob moved to another event', async () => {
    const campaignId = randomUUID();
    const streamId = `customer-${randomUUID()}`;
    const [customer] = await enroll(ctx, campaignId, 'c1', 1);
    await store.append(streamId, [1, 2].map((n) => ({ type: 'SmsLogged', data: { n }, personal: { body: `${MARKERS.body}-${n}` } })), {
      expectedRevision: 'no_stream',
      keys: { personal: customer.contentKeyId },
    });

    // Swap the sealed payloads of the two events by SQL (triggers forbid UPDATE, so copy into a new stream).
    const events = await store.readStream(streamId);
    const raw: { data: { plain: object; personal: object } }[] = await ctx.dataSource.query(`SELECT data FROM es.events WHERE stream_id = $1 ORDER BY stream_revision`, [streamId]);
    const moved = `customer-${randomUUID()}`;
    await kit.store.append(moved, [{ eventId: events[1].eventId.replace(/.$/, (c) => (c === '0' ? '1' : '0')), type: 'SmsLogged', data: raw[0].data as Record<string, unknown>, metadata: { schemaVersion: 2 } }], { expectedRevision: 'no_stream' });
    await expect(store.open(await store.readStream(moved))).rejects.toThrow(IntegrityError);

    await ctx.shredder.destroyNow({ customerIds: [customer.customerId], scopes: ['content'] }, { actor: 'x' }, { vacuum: false });
    const opened = await store.open(await store.readStream(streamId));
    expect(opened.map((e) => isErased(e.personal))).toEqual([true, true]);
    expect(opened.map((e) => e.data)).toEqual([{ n: 1, direction: 'outbound' }, { n: 2, direction: 'outbound' }]);
  });
});
