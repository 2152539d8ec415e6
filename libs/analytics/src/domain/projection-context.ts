/** What projections need to know about a campaign to place its figures: owner, money, calendar. */
export interface CampaignFacts {
  campaignId: string;
  controllerId: string;
  currency: string;
  timeZone: string;
}

/**
 * The state a projection keeps beside its rows, read before a batch for the ids the batch names:
 * campaigns, and which campaign a customer's stream belongs to (interactions other than sales
 * carry no campaign id). Customer ids stay here, never in the analytics tables.
 */
export interface ProjectionContext {
  campaigns: Map<string, CampaignFacts>;
  customers: Map<string, string>;
}

export const emptyContext = (): ProjectionContext => ({ campaigns: new Map(), customers: new Map() });

/** Changes to the context itself; the batch driver applies them before the next event. */
export type ContextChange = { kind: 'campaign-known'; facts: CampaignFacts } | { kind: 'customer-known'; customerId: string; campaignId: string };

export function applyContextChange(context: ProjectionContext, change: ContextChange): void {
  if (change.kind === 'campaign-known') context.campaigns.set(change.facts.campaignId, change.facts);
  else context.customers.set(change.customerId, change.campaignId);
}

const CUSTOMER_STREAM = /^customer-([0-9a-f-]{36})$/;

/** The customer id of a `customer-<uuid>` stream, or null. */
export function customerOfStream(streamId: string): string | null {
  return CUSTOMER_STREAM.exec(streamId)?.[1] ?? null;
}

export class UnknownCampaign extends Error {
  override readonly name = 'UnknownCampaign';
  constructor(campaignId: string, eventType: string) {
    super(`${eventType} names campaign ${campaignId}, which this projection has not seen created`);
  }
}

export function campaignOf(context: ProjectionContext, campaignId: string, eventType: string): CampaignFacts {
  const facts = context.campaigns.get(campaignId);
  if (!facts) throw new UnknownCampaign(campaignId, eventType);
  return facts;
}

const isContextChange = (change: { kind: string }): change is ContextChange => change.kind === 'campaign-known' || change.kind === 'customer-known';

/**
 * Runs a projection's evolve function over a batch in order, keeping the context current (a
 * campaign created earlier in the same batch is known to the sales after it). Returns the context
 * changes to store and the row changes to write.
 */
export function foldBatch<Change extends { kind: string }, Event>(
  context: ProjectionContext,
  events: Event[],
  evolve: (context: ProjectionContext, event: Event) => Change[],
): { contextChanges: ContextChange[]; rows: Exclude<Change, ContextChange>[] } {
  const contextChanges: ContextChange[] = [];
  const rows: Exclude<Change, ContextChange>[] = [];
  for (const event of events) {
    for (const change of evolve(context, event)) {
      if (isContextChange(change)) {
        applyContextChange(context, change);
        contextChanges.push(change);
      } else {
        rows.push(change as Exclude<Change, ContextChange>);
      }
    }
  }
  return { contextChanges, rows };
}
