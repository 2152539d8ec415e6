import type { SealedEvent } from '@app/event-store';
import { SealingEventStore } from '@app/event-store';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { campaignDecider, type ExistingCampaign } from '../../domain/campaign.decider';
import { streams } from '../../domain/events';
import { CustomerListReadModel } from '../../read-models/customer-list.read-model';
import { CustomerKeys, type CustomerKeyState } from '../customer-keys';
import { customerView, type CustomerView } from '../customer-view';
import { StreamDecisions } from '../stream-decisions';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** GET /v1/customers/:id's answer. */
export type CustomerCard = CustomerView;

/** A card with the campaign it belongs to, as an access request (Art. 15) shows it. */
export interface CustomerCardWithCampaign extends CustomerCard {
  campaign: { campaignId: string; name: string; purpose: string };
}

/** A customer found by id, with what its card needs from the customer list and its keys. */
export interface CustomerEntry {
  customerId: string;
  campaignId: string;
  archived: boolean;
  keys: CustomerKeyState;
}

/**
 * Customer cards, opened: details, reference, holds and the timeline, personal data decrypted in
 * one batch (one key lookup per key). Archived customers open like any other; anonymized ones
 * show what their destroyed keys leave (nothing personal). No scope check here: the caller's.
 */
@Injectable()
export class CustomerCards {
  constructor(
    @Inject(SealingEventStore) private readonly store: SealingEventStore,
    @Inject(StreamDecisions) private readonly decisions: StreamDecisions,
    @Inject(CustomerListReadModel) private readonly customerList: CustomerListReadModel,
    @Inject(CustomerKeys) private readonly customerKeys: CustomerKeys,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  /**
   * The cards of these customers, in the order given; ids that name no customer are left out.
   * Reads through `tx` when given (an access request inside its own transaction). Streams are
   * read one by one and opened together: call it with pages of ids, not a whole controller.
   */
  async open(tx: EntityManager | undefined, customerIds: string[]): Promise<CustomerCardWithCampaign[]> {
    const db = tx ?? this.dataSource;
    const ids = [...new Set(customerIds.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))];
    const [owners, keys] = await Promise.all([this.customerList.owners(db, ids), this.customerKeys.of(db, ids)]);
    const entries = ids.flatMap((customerId) => {
      const owner = owners.get(customerId);
      const keyState = keys.get(customerId);
      return owner && keyState ? [{ customerId, campaignId: owner.campaignId, archived: owner.archivedAt !== null, keys: keyState }] : [];
    });
    return this.cardsOf(tx, entries);
  }

  /** The cards of customers already found (GET /v1/customers/:id finds one for its scope check). */
  async cardsOf(tx: EntityManager | undefined, entries: CustomerEntry[]): Promise<CustomerCardWithCampaign[]> {
    const campaigns = new Map<string, ExistingCampaign>();
    const sealed: SealedEvent[][] = [];
    for (const entry of entries) {
      const campaignId = entry.campaignId;
      if (!campaigns.has(campaignId)) {
        const { state } = await this.decisions.load(tx, campaignDecider, streams.campaign(campaignId));
        if (state.status === 'none') throw new Error(`customer ${entry.customerId} belongs to no campaign`);
        campaigns.set(campaignId, state);
      }
      sealed.push(await this.store.readStream(streams.customer(entry.customerId), { tx }));
    }
    const opened = await this.store.open(sealed.flat(), tx);
    let next = 0;
    return entries.map((entry, i) => {
      const events = opened.slice(next, (next += sealed[i].length));
      const campaign = campaigns.get(entry.campaignId)!;
      return {
        ...customerView(events, entry.keys, campaign, { archived: entry.archived }),
        campaign: { campaignId: campaign.campaignId, name: campaign.name, purpose: campaign.purpose },
      };
    });
  }
}
