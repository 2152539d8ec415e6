import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CampaignDirectory, CampaignRecords, IdempotencyStore } from '@app/campaigns';
import { Anonymizations, type ComplianceClock, Retention, retentionDue, RetentionScheduler } from '@app/compliance';
import { DataSource } from 'typeorm';
import { bearer, liveKeys } from '../../support/anonymization-fixtures';
import { enrollOne, seedCampaign } from '../../support/campaign-fixtures';
import { startTestApp, type TestApp } from '../../support/test-app';

// The retention policy: the dry run (GET /v1/compliance/retention/due) and the scheduler applying
// it through the anonymization path, with an injected clock; one leader across instances by
// advisory lock; expired idempotency records purged.

describe('retention policy', () => {
  let t: TestApp;
  let seeded: Awaited<ReturnType<typeof seedCampaign>>;
  const clock: ComplianceClock & { at: Date } = { at: new Date('2026-05-15T00:00:00Z'), now: () => clock.at };
  let retention: Retention;
  const ids: Record<'due' | 'held' | 'later' | 'none', string> = { due: '', held: '', later: '', none: '' };

  const create = async (name: string, endsOn: string, retentionPolicy: object | undefined) => {
    const created = await t.http
      .post('/v1/campaigns')
      .set(seeded.auth)
      .send({
        controllerId: seeded.controllerId,
        name,
        purpose: 'Telemarketing of broadband',
        startsOn: '2026-01-01',
        endsOn,
        timeZone: 'Europe/Oslo',
        currency: 'NOK',
        products: [{ sku: 'BB-100', name: 'Broadband 100', unitPriceMinor: 49_900 }],
        budgets: [{ sellerId: seeded.sellerId, targetMinor: 1_000_000 }],
        responseCodes: ['sold'],
        ...(retentionPolicy ? { retention: retentionPolicy } : {}),
      })
      .expect(201);
    return created.body.campaignId as string;
  };

  beforeAll(async () => {
    t = await startTestApp();
    seeded = await seedCampaign(t);
    const policy = { anonymizeAfterDays: 30, fullAnonymizeAfterDays: 90 };
    ids.due = await create('Due broadband', '2026-03-31', policy);
    ids.held = await create('Held broadband', '2026-03-31', policy);
    ids.later = await create('Later broadband', '2099-06-30', policy);
    ids.none = await create('Kept broadband', '2026-01-31', undefined);
    for (const id of Object.values(ids)) await enrollOne(t, id, seeded.auth);
    const officer = await bearer(t, ['compliance'], [seeded.controllerId]);
    await t.http.put(`/v1/campaigns/${ids.held}/legal-hold`).set(officer).send({ reasonCode: 'legal-obligation', reference: 'CASE-1' }).expect(200);
    const app = t.app;
    retention = new Retention(app.get(CampaignDirectory), app.get(CampaignRecords), app.get(Anonymizations), app.get(IdempotencyStore), clock, app.get(DataSource));
  });
  afterAll(() => t.close());

  const ours = (due: { campaignId: string }[]) => due.filter((d) => Object.values(ids).includes(d.campaignId));

  it('lists due campaigns with the mode due, held ones with their reason code, nothing not yet due', async () => {
    expect(ours(await retention.due([seeded.controllerId]))).toEqual([
      { campaignId: ids.due, controllerId: seeded.controllerId, mode: 'standard', dueSince: '2026-04-30T22:00:00.000Z', held: null },
      { campaignId: ids.held, controllerId: seeded.controllerId, mode: 'standard', dueSince: '2026-04-30T22:00:00.000Z', held: 'legal-obligation' },
    ]);
    expect(await retention.due(['another-controller'])).toEqual([]);
  });

  it('GET /v1/compliance/retention/due answers the dry run in the token scope (system clock); analysts are 403, no token 401', async () => {
    const expected = retentionDue({ endsOn: '2026-03-31', timeZone: 'Europe/Oslo', retention: { anonymizeAfterDays: 30, fullAnonymizeAfterDays: 90 }, applied: null }, new Date());
    const answer = await t.http.get('/v1/compliance/retention/due').set(await bearer(t, ['compliance'], [seeded.controllerId])).expect(200);
    expect(answer.body.due).toEqual(
      expected
        ? [
            { campaignId: ids.due, controllerId: seeded.controllerId, mode: expected.mode, dueSince: expected.dueSince.toISOString(), held: null },
            { campaignId: ids.held, controllerId: seeded.controllerId, mode: expected.mode, dueSince: expected.dueSince.toISOString(), held: 'legal-obligation' },
          ]
        : [],
    );
    const elsewhere = await t.http.get('/v1/compliance/retention/due').set(await bearer(t, ['admin'], ['someone-else'])).expect(200);
    expect(elsewhere.body).toEqual({ due: [] });
    await t.http.get('/v1/compliance/retention/due').set(await bearer(t, ['analyst'], [seeded.controllerId])).expect(403);
    await t.http.get('/v1/compliance/retention/due').expect(401);
  });

  it('one scheduler leads: it anonymizes what is due (standard, then full later), skips held campaigns, leaves the rest', async () => {
    const dataSource = t.app.get(DataSource);
    const [first, second] = [new RetentionScheduler(retention, dataSource), new RetentionScheduler(retention, dataSource)];
    try {
      const run = await first.tick();
      expect(await second.tick()).toBeNull();
      expect(run).not.toBeNull();
      expect(run!.anonymized.filter((a) => Object.values(ids).includes(a.campaignId))).toEqual([{ campaignId: ids.due, mode: 'standard', certificateId: expect.any(String) }]);
      expect(ours(run!.held)).toEqual([expect.objectContaining({ campaignId: ids.held, held: 'legal-obligation' })]);
      expect(t.logLines.some((line) => line.includes(ids.held) && line.includes('legal hold'))).toBe(true);

      const admin = await bearer(t, ['admin']);
      const certificateId = run!.anonymized.find((a) => a.campaignId === ids.due)!.certificateId;
      const certificate = (await t.http.get(`/v1/compliance/certificates/${certificateId}`).set(admin).expect(200)).body;
      expect(certificate).toMatchObject({ kind: 'campaign-anonymization', mode: 'standard', reasonCode: 'retention-policy', requestedBy: 'retention-policy', scope: { campaignId: ids.due } });
      const audit = (await t.http.get('/v1/compliance/audit').set(admin).expect(200)).body.entries as { actor: string; action: string; certificateId: string | null }[];
      expect(audit.find((entry) => entry.certificateId === certificateId)).toMatchObject({ actor: 'retention-policy', action: 'campaign.anonymized' });

      expect(await liveKeys(t, ids.due)).toEqual({ reference: 1 });
      expect(await liveKeys(t, ids.held)).toEqual({ content: 1, reference: 1 });
      expect(await liveKeys(t, ids.later)).toEqual({ content: 1, reference: 1 });
      expect(await liveKeys(t, ids.none)).toEqual({ content: 1, reference: 1 });
      expect(ours(await retention.due(['*'])).map((d) => d.campaignId)).toEqual([ids.held]);

      // Full anonymization falls due 90 days after the end.
      clock.at = new Date('2026-07-01T00:00:00Z');
      const later = await first.tick();
      expect(await second.tick()).toBeNull();
      expect(later!.anonymized.filter((a) => a.campaignId === ids.due)).toEqual([{ campaignId: ids.due, mode: 'full', certificateId: expect.any(String) }]);
      expect(await liveKeys(t, ids.due)).toEqual({});
      expect(ours(later!.held).map((h) => h.campaignId)).toEqual([ids.held]);

      // The leader resigns: the other instance takes over.
      await first.onApplicationShutdown();
      const takeover = await second.tick();
      expect(takeover).not.toBeNull();
      expect(takeover!.anonymized.filter((a) => Object.values(ids).includes(a.campaignId))).toEqual([]);
    } finally {
      await first.onApplicationShutdown();
      await second.onApplicationShutdown();
    }
  });

  it('purges expired idempotency records and keeps live ones', async () => {
    const dataSource = t.app.get(DataSource);
    clock.at = new Date('2026-07-01T00:00:00Z');
    const insert = (key: string, expiresAt: string) =>
      dataSource.query(
        `INSERT INTO app.idempotency_records (subject, route, idempotency_key, request_hmac, hmac_key_version, status, response, expires_at)
         VALUES ('svc-retention-test', 'POST /v1/test', $1, '\\x00', 1, 201, '{}', $2)`,
        [key, expiresAt],
      );
    await insert('expired', '2026-06-30T23:59:59Z');
    await insert('live', '2026-07-01T00:00:01Z');
    const scheduler = new RetentionScheduler(retention, dataSource);
    try {
      const run = await scheduler.tick();
      expect(run!.idempotencyRecordsPurged).toBeGreaterThanOrEqual(1);
    } finally {
      await scheduler.onApplicationShutdown();
    }
    const left: { idempotency_key: string }[] = await dataSource.query(`SELECT idempotency_key FROM app.idempotency_records WHERE subject = 'svc-retention-test' ORDER BY idempotency_key`);
    expect(left.map((row) => row.idempotency_key)).toEqual(['live']);
  });
});
