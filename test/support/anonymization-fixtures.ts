import { type Role } from '@app/platform';
import { DataSource } from 'typeorm';
import type { TestApp } from './test-app';
import { tokenFor } from './tokens';

export { scanTables } from './table-scan';

export const bearer = async (t: TestApp, roles: Role[], controllers = ['*'], subject = 'officer-7', claims: { sellerId?: string } = {}) => ({
  Authorization: `Bearer ${await tokenFor(t.config, roles, controllers, subject, claims)}`,
});

/** Another campaign of a controller that is registered already (seedCampaign registers a new one). */
export async function createCampaign(t: TestApp, auth: Record<string, string>, controllerId: string, sellerId: string, name = 'Spring broadband'): Promise<string> {
  const created = await t.http
    .post('/v1/campaigns')
    .set(auth)
    .send({
      controllerId,
      name,
      purpose: 'Telemarketing of broadband',
      startsOn: '2026-12-01',
      endsOn: '2026-12-31',
      currency: 'NOK',
      products: [{ sku: 'BB-100', name: 'Broadband 100', unitPriceMinor: 49_900 }],
      budgets: [{ sellerId, targetMinor: 1_000_000 }],
      responseCodes: ['sold', 'call-back', 'not-interested'],
    })
    .expect(201);
  return created.body.campaignId as string;
}

/** Needles for markers: phones are also looked for as digits only and in E.164. */
export function needlesOf(markers: Record<string, string>): string[] {
  return [
    ...Object.values(markers).filter((v) => !v.startsWith('+')),
    ...Object.values(markers)
      .filter((v) => v.startsWith('+'))
      .flatMap((v) => [v, v.replace(/[^\d]/g, ''), v.replace(/ /g, '')]),
  ];
}

/** Live (not destroyed) data keys of a campaign, by scope. */
export async function liveKeys(t: TestApp, campaignId: string): Promise<Record<string, number>> {
  const rows: { scope: string; n: string }[] = await t.app
    .get(DataSource)
    .query(`SELECT scope, count(*) AS n FROM crypto.data_keys WHERE campaign_id = $1 AND wrapped IS NOT NULL GROUP BY scope`, [campaignId]);
  return Object.fromEntries(rows.map((row) => [row.scope, Number(row.n)]));
}
