import type { EntityManager } from 'typeorm';
import { type ActivityDelta, projectActivity, type ResponseDelta } from '../domain/activity.projection';
import { asAnalyticsEvent, type AnalyticsEvent, type PlainEvent } from '../domain/plain-event';
import { foldBatch } from '../domain/projection-context';
import { analyticsTableSecurity, type ProjectionDefinition, type TableNames } from './projection';
import { campaignFactsTable, customerCampaignsTable, loadContext, saveContext } from './projection-context.store';

/** Calls, talk time, SMS, e-mails, responses and sales per seller × campaign × local day, and responses by code. */
export const activityProjection: ProjectionDefinition = {
  name: 'activity',
  eventTypes: ['CampaignCreated', 'CustomerEnrolled', 'SmsLogged', 'EmailLogged', 'CallLogged', 'ResponseRegistered', 'ProductRegistered'],
  tables: [
    {
      schema: 'analytics',
      name: 'activity_daily',
      create: (t) => [
        `CREATE TABLE ${t} (
           campaign_id uuid NOT NULL,
           seller_id text NOT NULL,
           local_day date NOT NULL,
           controller_id text NOT NULL,
           currency char(3) NOT NULL,
           calls bigint NOT NULL,
           talk_seconds bigint NOT NULL,
           sms bigint NOT NULL,
           emails bigint NOT NULL,
           responses bigint NOT NULL,
           sales bigint NOT NULL,
           revenue_minor bigint NOT NULL,
           PRIMARY KEY (campaign_id, seller_id, local_day)
         )`,
        ...analyticsTableSecurity(t),
      ],
      indexes: (t) => [`CREATE INDEX ON ${t} (controller_id, local_day)`],
    },
    {
      schema: 'analytics',
      name: 'responses_daily',
      create: (t) => [
        `CREATE TABLE ${t} (
           campaign_id uuid NOT NULL,
           seller_id text NOT NULL,
           code text NOT NULL,
           local_day date NOT NULL,
           controller_id text NOT NULL,
           responses bigint NOT NULL,
           PRIMARY KEY (campaign_id, seller_id, code, local_day)
         )`,
        ...analyticsTableSecurity(t),
      ],
      indexes: (t) => [`CREATE INDEX ON ${t} (controller_id, local_day)`],
    },
    { schema: 'projections', name: 'activity_campaigns', create: campaignFactsTable },
    { schema: 'projections', name: 'activity_customers', create: customerCampaignsTable },
  ],
  async apply(events: PlainEvent[], tx: EntityManager, tables: TableNames): Promise<void> {
    const typed = events.map(asAnalyticsEvent).filter((e): e is AnalyticsEvent => e !== null);
    const contextTables = { campaigns: tables.activity_campaigns, customers: tables.activity_customers };
    const { contextChanges, rows } = foldBatch(await loadContext(tx, contextTables, typed), typed, projectActivity);
    await saveContext(tx, contextTables, contextChanges);
    await writeActivity(tx, tables, rows.flatMap((r) => (r.kind === 'activity' ? [r.delta] : [])));
    await writeResponses(tx, tables, rows.flatMap((r) => (r.kind === 'response' ? [r.delta] : [])));
  },
};

async function writeActivity(tx: EntityManager, tables: TableNames, deltas: ActivityDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  await tx.query(
    `INSERT INTO ${tables.activity_daily} AS d (campaign_id, seller_id, local_day, controller_id, currency, calls, talk_seconds, sms, emails, responses, sales, revenue_minor)
     SELECT "campaignId", "sellerId", "localDay", min("controllerId"), min(currency),
            sum(calls), sum("talkSeconds"), sum(sms), sum(emails), sum(responses), sum(sales), sum("revenueMinor")
       FROM jsonb_to_recordset($1::jsonb) AS t("campaignId" uuid, "sellerId" text, "localDay" date, "controllerId" text, currency text,
            calls bigint, "talkSeconds" bigint, sms bigint, emails bigint, responses bigint, sales bigint, "revenueMinor" bigint)
      GROUP BY "campaignId", "sellerId", "localDay"
     ON CONFLICT (campaign_id, seller_id, local_day) DO UPDATE
       SET calls = d.calls + EXCLUDED.calls, talk_seconds = d.talk_seconds + EXCLUDED.talk_seconds, sms = d.sms + EXCLUDED.sms,
           emails = d.emails + EXCLUDED.emails, responses = d.responses + EXCLUDED.responses, sales = d.sales + EXCLUDED.sales,
           revenue_minor = d.revenue_minor + EXCLUDED.revenue_minor`,
    [JSON.stringify(deltas)],
  );
}

async function writeResponses(tx: EntityManager, tables: TableNames, deltas: ResponseDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  await tx.query(
    `INSERT INTO ${tables.responses_daily} AS d (campaign_id, seller_id, code, local_day, controller_id, responses)
     SELECT "campaignId", "sellerId", code, "localDay", min("controllerId"), count(*)
       FROM jsonb_to_recordset($1::jsonb) AS t("campaignId" uuid, "sellerId" text, code text, "localDay" date, "controllerId" text)
      GROUP BY "campaignId", "sellerId", code, "localDay"
     ON CONFLICT (campaign_id, seller_id, code, local_day) DO UPDATE SET responses = d.responses + EXCLUDED.responses`,
    [JSON.stringify(deltas)],
  );
}
