import type { EntityManager } from 'typeorm';
import { projectCampaigns } from '../domain/campaigns.projection';
import { asAnalyticsEvent, type AnalyticsEvent, type PlainEvent } from '../domain/plain-event';
import { analyticsTableSecurity, type ProjectionDefinition, type TableNames } from './projection';

/** The campaign dimension (owner, currency, time zone, period, status) and budget targets. */
export const campaignsProjection: ProjectionDefinition = {
  name: 'campaigns',
  eventTypes: ['CampaignCreated', 'CampaignClosed'],
  tables: [
    {
      schema: 'analytics',
      name: 'campaigns',
      create: (t) => [
        `CREATE TABLE ${t} (
           campaign_id uuid PRIMARY KEY,
           controller_id text NOT NULL,
           currency char(3) NOT NULL,
           time_zone text NOT NULL,
           starts_on date NOT NULL,
           ends_on date NOT NULL,
           status text NOT NULL,
           created_at timestamptz NOT NULL,
           closed_at timestamptz
         )`,
        ...analyticsTableSecurity(t),
      ],
      indexes: (t) => [`CREATE INDEX ON ${t} (controller_id)`],
    },
    {
      schema: 'analytics',
      name: 'budgets',
      create: (t) => [
        `CREATE TABLE ${t} (
           campaign_id uuid NOT NULL,
           seller_id text NOT NULL,
           controller_id text NOT NULL,
           target_minor bigint NOT NULL,
           currency char(3) NOT NULL,
           PRIMARY KEY (campaign_id, seller_id)
         )`,
        ...analyticsTableSecurity(t),
      ],
    },
  ],
  async apply(events: PlainEvent[], tx: EntityManager, tables: TableNames): Promise<void> {
    // Campaign events are few: one statement each keeps this plain.
    for (const event of events.map(asAnalyticsEvent).filter((e): e is AnalyticsEvent => e !== null)) {
      for (const change of projectCampaigns(event)) {
        if (change.kind === 'campaign-created') {
          const { campaign, budgets } = change;
          await tx.query(
            `INSERT INTO ${tables.campaigns} (campaign_id, controller_id, currency, time_zone, starts_on, ends_on, status, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'active', $7)`,
            [campaign.campaignId, campaign.controllerId, campaign.currency, campaign.timeZone, campaign.startsOn, campaign.endsOn, campaign.createdAt],
          );
          if (budgets.length > 0) {
            await tx.query(
              `INSERT INTO ${tables.budgets} (campaign_id, seller_id, controller_id, target_minor, currency)
               SELECT "campaignId", "sellerId", "controllerId", "targetMinor", currency
                 FROM jsonb_to_recordset($1::jsonb) AS t("campaignId" uuid, "sellerId" text, "controllerId" text, "targetMinor" bigint, currency text)`,
              [JSON.stringify(budgets)],
            );
          }
        } else {
          await tx.query(`UPDATE ${tables.campaigns} SET status = $2, closed_at = $3 WHERE campaign_id = $1`, [change.campaignId, change.status, change.at]);
        }
      }
    }
  },
};
