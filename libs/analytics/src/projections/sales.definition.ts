import type { EntityManager } from 'typeorm';
import { asAnalyticsEvent, type AnalyticsEvent, type PlainEvent } from '../domain/plain-event';
import { foldBatch } from '../domain/projection-context';
import { projectSales, type SaleRow } from '../domain/sales.projection';
import { analyticsTableSecurity, type ProjectionDefinition, type TableNames } from './projection';
import { campaignFactsTable, loadContext, saveContext } from './projection-context.store';

/** Sales facts, one row per sale, and their aggregates by seller × campaign × product × local day. */
export const salesProjection: ProjectionDefinition = {
  name: 'sales',
  eventTypes: ['CampaignCreated', 'ProductRegistered'],
  tables: [
    {
      schema: 'analytics',
      name: 'sales',
      create: (t) => [
        `CREATE TABLE ${t} (
           interaction_id uuid PRIMARY KEY,
           campaign_id uuid NOT NULL,
           controller_id text NOT NULL,
           seller_id text NOT NULL,
           sku text NOT NULL,
           quantity integer NOT NULL,
           unit_price_minor bigint NOT NULL,
           amount_minor bigint NOT NULL,
           currency char(3) NOT NULL,
           sold_at timestamptz NOT NULL,
           local_day date NOT NULL,
           local_month date NOT NULL
         )`,
        ...analyticsTableSecurity(t),
      ],
      indexes: (t) => [`CREATE INDEX ON ${t} (campaign_id, amount_minor DESC)`, `CREATE INDEX ON ${t} (controller_id, amount_minor DESC)`],
    },
    {
      schema: 'analytics',
      name: 'sales_daily',
      create: (t) => [
        `CREATE TABLE ${t} (
           campaign_id uuid NOT NULL,
           seller_id text NOT NULL,
           sku text NOT NULL,
           local_day date NOT NULL,
           controller_id text NOT NULL,
           currency char(3) NOT NULL,
           sales bigint NOT NULL,
           quantity bigint NOT NULL,
           revenue_minor bigint NOT NULL,
           PRIMARY KEY (campaign_id, seller_id, sku, local_day)
         )`,
        ...analyticsTableSecurity(t),
      ],
      indexes: (t) => [`CREATE INDEX ON ${t} (controller_id, local_day)`],
    },
    { schema: 'projections', name: 'sales_campaigns', create: campaignFactsTable },
  ],
  async apply(events: PlainEvent[], tx: EntityManager, tables: TableNames): Promise<void> {
    const typed = events.map(asAnalyticsEvent).filter((e): e is AnalyticsEvent => e !== null);
    const contextTables = { campaigns: tables.sales_campaigns };
    const { contextChanges, rows } = foldBatch(await loadContext(tx, contextTables, typed), typed, projectSales);
    await saveContext(tx, contextTables, contextChanges);
    await writeSales(tx, tables, rows.map((r) => r.sale));
  },
};

async function writeSales(tx: EntityManager, tables: TableNames, sales: SaleRow[]): Promise<void> {
  if (sales.length === 0) return;
  // Facts and the aggregates' increments in one statement, from one JSON document.
  await tx.query(
    `WITH rows AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(
         "interactionId" uuid, "campaignId" uuid, "controllerId" text, "sellerId" text, sku text, quantity integer,
         "unitPriceMinor" bigint, "amountMinor" bigint, currency text, "soldAt" timestamptz, "localDay" date, "localMonth" date)
     ), facts AS (
       INSERT INTO ${tables.sales} (interaction_id, campaign_id, controller_id, seller_id, sku, quantity, unit_price_minor, amount_minor, currency, sold_at, local_day, local_month)
       SELECT "interactionId", "campaignId", "controllerId", "sellerId", sku, quantity, "unitPriceMinor", "amountMinor", currency, "soldAt", "localDay", "localMonth" FROM rows
     )
     INSERT INTO ${tables.sales_daily} AS d (campaign_id, seller_id, sku, local_day, controller_id, currency, sales, quantity, revenue_minor)
     SELECT "campaignId", "sellerId", sku, "localDay", min("controllerId"), min(currency), count(*), sum(quantity), sum("amountMinor")
       FROM rows GROUP BY "campaignId", "sellerId", sku, "localDay"
     ON CONFLICT (campaign_id, seller_id, sku, local_day) DO UPDATE
       SET sales = d.sales + EXCLUDED.sales, quantity = d.quantity + EXCLUDED.quantity, revenue_minor = d.revenue_minor + EXCLUDED.revenue_minor`,
    [JSON.stringify(sales)],
  );
}
