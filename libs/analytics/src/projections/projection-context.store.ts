import type { EntityManager } from 'typeorm';
import type { AnalyticsEvent } from '../domain/plain-event';
import { type ContextChange, customerOfStream, type ProjectionContext } from '../domain/projection-context';

export interface ContextTables {
  campaigns: string;
  /** Only projections that place interactions other than sales keep customers. */
  customers?: string;
}

export const campaignFactsTable = (qualified: string) => [
  `CREATE TABLE ${qualified} (campaign_id uuid PRIMARY KEY, controller_id text NOT NULL, currency text NOT NULL, time_zone text NOT NULL)`,
];

export const customerCampaignsTable = (qualified: string) => [`CREATE TABLE ${qualified} (customer_id uuid PRIMARY KEY, campaign_id uuid NOT NULL)`];

/** Reads the context the batch needs: its customers' campaigns, then those campaigns and the ones it names. */
export async function loadContext(tx: EntityManager, tables: ContextTables, events: AnalyticsEvent[]): Promise<ProjectionContext> {
  const context: ProjectionContext = { campaigns: new Map(), customers: new Map() };
  const campaignIds = new Set<string>();
  const customerIds = new Set<string>();
  for (const event of events) {
    const data = event.data as { campaignId?: string };
    if (data.campaignId) campaignIds.add(data.campaignId);
    else if (tables.customers) {
      const customerId = customerOfStream(event.streamId);
      if (customerId) customerIds.add(customerId);
    }
  }
  if (tables.customers && customerIds.size > 0) {
    const rows: { customer_id: string; campaign_id: string }[] = await tx.query(
      `SELECT customer_id, campaign_id FROM ${tables.customers} WHERE customer_id = ANY($1::uuid[])`,
      [[...customerIds]],
    );
    for (const row of rows) {
      context.customers.set(row.customer_id, row.campaign_id);
      campaignIds.add(row.campaign_id);
    }
  }
  if (campaignIds.size > 0) {
    const rows: { campaign_id: string; controller_id: string; currency: string; time_zone: string }[] = await tx.query(
      `SELECT campaign_id, controller_id, currency, time_zone FROM ${tables.campaigns} WHERE campaign_id = ANY($1::uuid[])`,
      [[...campaignIds]],
    );
    for (const row of rows) {
      context.campaigns.set(row.campaign_id, { campaignId: row.campaign_id, controllerId: row.controller_id, currency: row.currency, timeZone: row.time_zone });
    }
  }
  return context;
}

export async function saveContext(tx: EntityManager, tables: ContextTables, changes: ContextChange[]): Promise<void> {
  const campaigns = changes.flatMap((c) => (c.kind === 'campaign-known' ? [c.facts] : []));
  const customers = changes.flatMap((c) => (c.kind === 'customer-known' ? [{ customerId: c.customerId, campaignId: c.campaignId }] : []));
  if (campaigns.length > 0) {
    await tx.query(
      `INSERT INTO ${tables.campaigns} (campaign_id, controller_id, currency, time_zone)
       SELECT "campaignId", "controllerId", currency, "timeZone" FROM jsonb_to_recordset($1::jsonb) AS t("campaignId" uuid, "controllerId" text, currency text, "timeZone" text)`,
      [JSON.stringify(campaigns)],
    );
  }
  if (customers.length > 0 && tables.customers) {
    await tx.query(
      `INSERT INTO ${tables.customers} (customer_id, campaign_id)
       SELECT "customerId", "campaignId" FROM jsonb_to_recordset($1::jsonb) AS t("customerId" uuid, "campaignId" uuid)`,
      [JSON.stringify(customers)],
    );
  }
}
