import { CampaignKeyspaces } from '@app/crypto-shredding';
import { SealingEventStore } from '@app/event-store';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { campaignDecider, type ExistingCampaign } from '../../domain/campaign.decider';
import { customerDecider, type CustomerAnonymizedRecord, type CustomerHoldFacts, type CustomerState, decideCustomersAnonymized } from '../../domain/customer.decider';
import { DomainError } from '../../domain/domain-error';
import { type AnonymizationMode, type CampaignDefinition, streams } from '../../domain/events';
import type { LegalHold } from '../../domain/legal-hold';
import { type ArchiveStatus, CustomerListReadModel } from '../../read-models/customer-list.read-model';
import { CLOCK, type Clock } from '../clock';
import { type Anonymization, CustomerKeys } from '../customer-keys';
import { StreamDecisions } from '../stream-decisions';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const unknownCampaign = () => new DomainError('not-found', 'unknown-campaign', 'no such campaign');
const unknownCustomer = () => new DomainError('not-found', 'unknown-customer', 'no such customer');
/** Events per statement when recording on many customer streams (a JSON document of a few MB). */
const BULK_CHUNK = 10_000;

/** Who records: the token subject (an opaque id, kept as the events' actor) and the request's correlation id. */
export interface Actor {
  subject: string;
  correlationId?: string;
}

export type LegalHoldTarget = { campaignId: string } | { customerId: string };

/** A campaign as compliance decides on it; what GET /v1/campaigns/:id shows, with every budget. */
export type CampaignFacts = CampaignDefinition & {
  status: 'active' | 'closed' | 'anonymized';
  closedAt: string | null;
  legalHold: LegalHold | null;
  /** From the keyspace and the keys' tombstones; the certificate is the last recorded CampaignAnonymized's. */
  anonymization: Anonymization | null;
  customerCount: number;
  archivedCount: number;
};

export interface CustomerFacts {
  customerId: string;
  campaignId: string;
  controllerId: string;
  /** The customer's own hold. */
  legalHold: LegalHold | null;
  /** Its campaign's hold, which holds the customer too. */
  campaignLegalHold: LegalHold | null;
  archived: boolean;
  /** From the customer's keys (the truth): null while its content key lives. */
  anonymization: Anonymization | null;
}

export interface CampaignAnonymizedFacts {
  campaignId: string;
  mode: AnonymizationMode;
  customersAffected: number;
  keysDestroyed: number;
  certificateId: string;
}

/**
 * What the compliance lib builds on: facts to decide by, legal holds, and the record of an
 * anonymization. Every method runs in the caller's transaction (`tx`), so key destruction, these
 * events, the audit entry and the certificate commit or roll back together.
 *
 * Ordering (see CampaignKeyspaces): take `lockCampaign` before reading the facts an anonymization
 * is decided on. Legal-hold changes take the keyspace FOR SHARE, so such a reader sees every hold
 * committed before it and a hold placed later waits for its commit.
 */
@Injectable()
export class CampaignRecords {
  constructor(
    @Inject(StreamDecisions) private readonly decisions: StreamDecisions,
    @Inject(CampaignKeyspaces) private readonly keyspaces: CampaignKeyspaces,
    @Inject(CustomerListReadModel) private readonly customerList: CustomerListReadModel,
    @Inject(CustomerKeys) private readonly customerKeys: CustomerKeys,
    @Inject(SealingEventStore) private readonly store: SealingEventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  /** Null for an id that names no campaign. No scope check: the caller maps null and foreign controllers to its 404. */
  async campaignFacts(tx: EntityManager | undefined, campaignId: string): Promise<CampaignFacts | null> {
    const campaign = await this.campaign(tx, campaignId);
    return campaign ? this.factsOf(tx, campaign) : null;
  }

  /** The facts of a campaign state already loaded (GET /v1/campaigns/:id loads it for its scope check). */
  async factsOf(tx: EntityManager | undefined, campaign: ExistingCampaign): Promise<CampaignFacts> {
    const db = tx ?? this.dataSource;
    const [keyspace, counts] = await Promise.all([this.keyspaces.describe(db, campaign.campaignId), this.customerList.count(db, campaign.campaignId)]);
    const { legalHold, anonymization: recorded, ...definition } = campaign;
    let anonymization: Anonymization | null = null;
    if (keyspace?.status === 'anonymized') {
      const mode = keyspace.referenceKeysDestroyed ? 'full' : 'standard';
      // The time of the step the keys show when it is recorded; the keyspace's closing otherwise.
      const at = recorded?.mode === mode ? recorded.at : keyspace.closedAt!.toISOString();
      anonymization = { mode, at, certificateId: recorded?.certificateId ?? null };
    }
    return {
      ...definition,
      status: anonymization ? 'anonymized' : campaign.status,
      legalHold,
      anonymization,
      customerCount: counts.customers,
      archivedCount: counts.archived,
    };
  }

  async customerFacts(tx: EntityManager | undefined, customerId: string): Promise<CustomerFacts | null> {
    if (!UUID.test(customerId)) return null;
    const db = tx ?? this.dataSource;
    const owner = await this.customerList.ownerOf(db, customerId);
    if (!owner) return null;
    const [keys, campaign] = await Promise.all([this.customerKeys.of(db, [customerId]), this.campaign(tx, owner.campaignId)]);
    return {
      customerId,
      campaignId: owner.campaignId,
      controllerId: owner.controllerId,
      legalHold: owner.legalHold,
      campaignLegalHold: campaign?.legalHold ?? null,
      archived: owner.archivedAt !== null,
      anonymization: keys.get(customerId)?.anonymization ?? null,
    };
  }

  /** The campaign's customers in enrollment order; all of them unless `status` narrows it. */
  customerIdsOf(tx: EntityManager | undefined, campaignId: string, options: { status?: ArchiveStatus } = {}): Promise<string[]> {
    if (!UUID.test(campaignId)) return Promise.resolve([]);
    return this.customerList.customerIds(tx ?? this.dataSource, campaignId, options.status ?? 'all');
  }

  /** The campaign's customers under a hold of their own (the campaign's hold is in its facts). */
  heldCustomers(tx: EntityManager | undefined, campaignId: string): Promise<{ customerId: string; legalHold: LegalHold }[]> {
    if (!UUID.test(campaignId)) return Promise.resolve([]);
    return this.customerList.held(tx ?? this.dataSource, campaignId);
  }

  /**
   * FOR UPDATE on the campaign's keyspace (the lock the key shredder takes first): holds back
   * legal-hold changes on the campaign and its customers, enrollments and archiving of all, until
   * `tx` ends. Take it before reading the facts an anonymization is decided on; with several
   * campaigns, in ascending id order.
   */
  async lockCampaign(tx: EntityManager, campaignId: string): Promise<void> {
    if (!UUID.test(campaignId) || (await this.keyspaces.lockForDestroy(tx, campaignId)) === null) throw unknownCampaign();
  }

  /**
   * Places a hold, or replaces the one in place with another reason or reference (placed anew);
   * the same hold again records nothing and answers the position where it already shows.
   * Closed and anonymized campaigns and customers take holds too.
   */
  async placeLegalHold(tx: EntityManager, target: LegalHoldTarget, hold: { reasonCode: string; reference?: string | null; actor: Actor }): Promise<{ position: string; legalHold: LegalHold }> {
    const command = { type: 'PlaceLegalHold' as const, reasonCode: hold.reasonCode, reference: hold.reference ?? null, now: this.now() };
    if ('campaignId' in target) {
      await this.lockCampaignShared(tx, target.campaignId);
      const { state, position } = await this.decisions.decide(tx, campaignDecider, streams.campaign(target.campaignId), command, this.options(hold.actor));
      return { position, legalHold: (state as ExistingCampaign).legalHold! }; // the decision placed it
    }
    await this.lockCustomerRow(tx, target.customerId);
    const { events, state, position } = await this.decisions.decide(tx, customerDecider, streams.customer(target.customerId), command, this.options(hold.actor));
    const { legalHold } = state as Extract<CustomerState, { status: 'enrolled' }>; // the decision placed it
    if (events.length > 0) await this.customerList.setLegalHold(tx, target.customerId, legalHold);
    return { position, legalHold: legalHold! };
  }

  /** Releases the hold in place; none is a 409 `no-legal-hold`. */
  async releaseLegalHold(tx: EntityManager, target: LegalHoldTarget, actor: Actor): Promise<{ position: string }> {
    const command = { type: 'ReleaseLegalHold' as const, now: this.now() };
    if ('campaignId' in target) {
      await this.lockCampaignShared(tx, target.campaignId);
      const { position } = await this.decisions.decide(tx, campaignDecider, streams.campaign(target.campaignId), command, this.options(actor));
      return { position };
    }
    await this.lockCustomerRow(tx, target.customerId);
    const { position } = await this.decisions.decide(tx, customerDecider, streams.customer(target.customerId), command, this.options(actor));
    await this.customerList.setLegalHold(tx, target.customerId, null);
    return { position };
  }

  /**
   * Records a campaign's anonymization on its stream, after the keys went in this transaction.
   * Refused under the campaign's hold (423, its reason code), and for a mode already recorded or
   * standard after full (409): either rolls back the caller's destruction with it.
   */
  async recordCampaignAnonymized(tx: EntityManager, facts: CampaignAnonymizedFacts, actor: Actor): Promise<{ position: string }> {
    if (!UUID.test(facts.campaignId)) throw unknownCampaign();
    const { campaignId, ...record } = facts;
    const command = { type: 'RecordCampaignAnonymized' as const, ...record, now: this.now() };
    const { position } = await this.decisions.decide(tx, campaignDecider, streams.campaign(campaignId), command, this.options(actor));
    return { position };
  }

  /**
   * Records customers' anonymizations, one CustomerAnonymized on each customer's stream, without
   * loading the streams: holds and campaigns come from the customer list (one query), campaign
   * holds from each distinct campaign, and the events go in statements of 10,000 through the
   * event store's bulk path (each at its stream's head). 100,000 customers are a few statements.
   * Positions follow the input order. A customer under its own or its campaign's hold (423) or an
   * unknown one (404) refuses the whole call, naming `customers[i]`.
   */
  async recordCustomersAnonymized(tx: EntityManager, given: CustomerAnonymizedRecord[], actor: Actor): Promise<{ positions: string[] }> {
    if (given.length === 0) return { positions: [] };
    const records = given.map((record) => ({ ...record, customerId: record.customerId.toLowerCase() }));
    const owners = await this.customerList.owners(tx, records.map((record) => record.customerId));
    const campaignHolds = new Map<string, LegalHold | null>();
    for (const campaignId of new Set([...owners.values()].map((owner) => owner.campaignId))) {
      campaignHolds.set(campaignId, (await this.campaign(tx, campaignId))?.legalHold ?? null);
    }
    const facts = new Map<string, CustomerHoldFacts>(
      [...owners].map(([customerId, owner]) => [customerId, { campaignId: owner.campaignId, legalHold: owner.legalHold, campaignLegalHold: campaignHolds.get(owner.campaignId) ?? null }]),
    );
    const events = decideCustomersAnonymized(records, facts, this.now());
    const metadata = { actor: actor.subject, ...(actor.correlationId ? { correlationId: actor.correlationId } : {}) };
    const positions: string[] = [];
    for (let start = 0; start < events.length; start += BULK_CHUNK) {
      const chunk = events.slice(start, start + BULK_CHUNK);
      const appended = await this.store.appendToStreams(
        chunk.map((event) => ({ streamId: streams.customer(event.data.customerId), events: [event], keys: {} })),
        { tx, metadata },
      );
      positions.push(...appended.positions);
    }
    return { positions };
  }

  private async campaign(tx: EntityManager | undefined, campaignId: string): Promise<ExistingCampaign | null> {
    if (!UUID.test(campaignId)) return null;
    const { state } = await this.decisions.load(tx, campaignDecider, streams.campaign(campaignId));
    return state.status === 'none' ? null : state;
  }

  /** Hold changes on a campaign: FOR SHARE on its keyspace (see the class comment). */
  private async lockCampaignShared(tx: EntityManager, campaignId: string): Promise<void> {
    if (!UUID.test(campaignId) || (await this.keyspaces.lockShared(tx, campaignId)) === null) throw unknownCampaign();
  }

  /**
   * Hold changes on a customer: its campaign's keyspace FOR SHARE, then its row FOR UPDATE,
   * before its stream: the order every writer of a customer keeps, so none waits in a circle.
   */
  private async lockCustomerRow(tx: EntityManager, customerId: string): Promise<void> {
    const owner = UUID.test(customerId) ? await this.customerList.ownerOf(tx, customerId) : null;
    if (!owner) throw unknownCustomer();
    await this.keyspaces.lockShared(tx, owner.campaignId);
    await this.customerList.ownerOf(tx, customerId, 'update');
  }

  private options(actor: Actor) {
    return { actor: actor.subject, correlationId: actor.correlationId };
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}
