import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { enrollOne, seedCampaign } from '../../support/campaign-fixtures';
import { waitUntil } from '../../support/event-store-database';
import { startTestApp, type TestApp } from '../../support/test-app';

describe('read-your-writes with waitFor', () => {
  let t: TestApp;
  let seed: Awaited<ReturnType<typeof seedCampaign>>;

  beforeAll(async () => {
    t = await startTestApp();
    seed = await seedCampaign(t);
  });
  afterAll(() => t.close());

  it("answers at once for the position a command returned, with the write visible", async () => {
    const customerId = await enrollOne(t, seed.campaignId, seed.auth);
    const sms = await t.http.post(`/v1/customers/${customerId}/sms`).set(seed.auth).send({ sellerId: seed.sellerId, direction: 'outbound', phone: '+4791234567', body: 'hello' }).expect(201);
    const started = Date.now();
    const card = await t.http.get(`/v1/customers/${customerId}`).query({ waitFor: sms.body.position }).set(seed.auth).expect(200);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(card.body.timeline.map((e: { interactionId: string }) => e.interactionId)).toContain(sms.body.interactionId);
    await t.http.get(`/v1/campaigns/${seed.campaignId}/customers`).query({ waitFor: sms.body.position }).set(seed.auth).expect(200);
    await t.http.get(`/v1/campaigns/${seed.campaignId}`).query({ waitFor: sms.body.position }).set(seed.auth).expect(200);
  });

  it('refuses a malformed position with 400', async () => {
    const response = await t.http.get(`/v1/campaigns/${seed.campaignId}`).query({ waitFor: 'yesterday' }).set(seed.auth).expect(400);
    expect(response.body.errors).toEqual([{ field: 'waitFor', message: expect.any(String) }]);
  });

  it('gives up after 5 s on a position not reached, with 503 and Retry-After', async () => {
    const { body } = await t.http.post(`/v1/campaigns/${seed.campaignId}/close`).set(seed.auth).expect(200);
    // A well-formed position far beyond anything written.
    const future = body.position.replace(/^\d+/, (xid: string) => String(BigInt(xid) + 1_000_000n).padStart(xid.length, '0'));
    const started = Date.now();
    const response = await t.http.get(`/v1/campaigns/${seed.campaignId}`).query({ waitFor: future }).set(seed.auth).expect(503);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4900);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);

    // Logged once, as a warning without a stack: a 503 here is an answer, not a failure.
    const about = () => t.logLines.filter((line) => line.includes(response.headers['x-request-id']!));
    await waitUntil(() => about().length > 0, 2000, 'the request log line');
    expect(about()).toHaveLength(1);
    const entry = JSON.parse(about()[0]!);
    expect(entry).toMatchObject({ level: 40, res: { statusCode: 503 } });
    expect(entry).not.toHaveProperty('err');
  }, 15_000);
});
