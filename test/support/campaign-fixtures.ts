import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import type { TestApp } from './test-app';
import { tokenFor } from './tokens';

/** A registered controller, a seller and an active campaign, made through the API itself. */
export async function seedCampaign(t: TestApp, options: { controllerId?: string; responseCodes?: string[] } = {}) {
  const controllerId = options.controllerId ?? `ctl-${randomUUID().slice(0, 8)}`;
  const service = await tokenFor(t.config, ['service'], [controllerId]);
  const auth = { Authorization: `Bearer ${service}` };
  await t.http.post('/v1/controllers').set(auth).send({ id: controllerId, name: 'Telco Norge AS' }).expect(201);
  const sellerId = `seller-${randomUUID().slice(0, 8)}`;
  await t.http.put(`/v1/sellers/${sellerId}`).set(auth).send({ name: 'Ola Selger' }).expect(200);
  const created = await t.http
    .post('/v1/campaigns')
    .set(auth)
    .send({
      controllerId,
      name: 'Winter broadband',
      purpose: 'Telemarketing of broadband',
      startsOn: '2026-12-01',
      endsOn: '2026-12-31',
      currency: 'NOK',
      products: [{ sku: 'BB-100', name: 'Broadband 100', unitPriceMinor: 49_900 }],
      budgets: [{ sellerId, targetMinor: 1_000_000 }],
      responseCodes: options.responseCodes ?? ['sold', 'call-back', 'not-interested'],
    })
    .expect(201);
  expect(created.body).toEqual({ campaignId: expect.any(String), position: expect.any(String) });
  return { controllerId, sellerId, campaignId: created.body.campaignId as string, service, auth };
}

export async function enrollOne(t: TestApp, campaignId: string, auth: Record<string, string>, customer: Record<string, unknown> = {}) {
  const response = await t.http
    .post(`/v1/campaigns/${campaignId}/customers`)
    .set(auth)
    .send({ customers: [{ customerRef: `CRM-${randomUUID().slice(0, 8)}`, name: 'Kari Nordmann', email: 'kari@example.no', phone: '+47 912 34 567', ...customer }] })
    .expect(201);
  return response.body.customerIds[0] as string;
}
