import { CampaignKeyspaces } from '@app/crypto-shredding';
import { assertPathInScope, type Principal } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { campaignDecider, type ExistingCampaign } from '../domain/campaign.decider';
import { DomainError } from '../domain/domain-error';
import { streams } from '../domain/events';
import type { LegalHold } from '../domain/legal-hold';
import { CustomerListReadModel } from '../read-models/customer-list.read-model';
import { CustomerKeys, type CustomerKeyState } from './customer-keys';
import { StreamDecisions } from './stream-decisions';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// One answer for unknown ids and ids outside the token's controllers: nothing tells them apart.
const unknownCampaign = () => new DomainError('not-found', 'unknown-campaign', 'no such campaign');
const unknownCustomer = () => new DomainError('not-found', 'unknown-customer', 'no such customer');

export interface CustomerInScope {
  customer: { customerId: string; campaignId: string; controllerId: string; archived: boolean; legalHold: LegalHold | null };
  keys: CustomerKeyState;
}

/**
 * Loads what commands and queries check first for an id in the path: existence, then the token's
 * scope. Both fail with the same 404, so a caller cannot learn which ids exist outside its scope.
 */
@Injectable()
export class CampaignLookups {
  constructor(
    @Inject(StreamDecisions) private readonly decisions: StreamDecisions,
    @Inject(CampaignKeyspaces) private readonly keyspaces: CampaignKeyspaces,
    @Inject(CustomerKeys) private readonly customerKeys: CustomerKeys,
    @Inject(CustomerListReadModel) private readonly customerList: CustomerListReadModel,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async campaign(tx: EntityManager | undefined, campaignId: string): Promise<ExistingCampaign> {
    if (!UUID.test(campaignId)) throw unknownCampaign();
    const { state } = await this.decisions.load(tx, campaignDecider, streams.campaign(campaignId));
    if (state.status === 'none') throw unknownCampaign();
    return state;
  }

  /** With `writable`, also takes the keyspace FOR SHARE: an anonymized campaign answers 410. */
  async campaignInScope(tx: EntityManager | undefined, principal: Principal, campaignId: string, options: { writable?: boolean } = {}): Promise<ExistingCampaign> {
    const campaign = await this.campaign(tx, campaignId);
    assertPathInScope(principal, campaign.controllerId, unknownCampaign);
    if (options.writable && tx) await this.keyspaces.lockForWrite(tx, campaignId);
    return campaign;
  }

  /**
   * Existence and scope from the customer list (one primary-key read; the stream is loaded once, by
   * the decision). Writes pass `lock` (see CustomerListReadModel.ownerOf): `share` to append an
   * interaction (an archive in flight is waited for, and then refuses it), `update` to change the row.
   */
  async customerInScope(tx: EntityManager | undefined, principal: Principal, customerId: string, options: { lock?: 'share' | 'update' } = {}): Promise<CustomerInScope> {
    if (!UUID.test(customerId)) throw unknownCustomer();
    const owner = await this.customerList.ownerOf(tx ?? this.dataSource, customerId, tx ? options.lock : undefined);
    if (!owner) throw unknownCustomer();
    assertPathInScope(principal, owner.controllerId, unknownCustomer);
    const keys = (await this.customerKeys.of(tx, [customerId])).get(customerId);
    if (!keys) throw new Error(`customer ${customerId} has no keys`);
    const { campaignId, controllerId, archivedAt, legalHold } = owner;
    return { customer: { customerId, campaignId, controllerId, archived: archivedAt !== null, legalHold }, keys };
  }

  sellerExists(tx: EntityManager, sellerId: string): Promise<boolean> {
    return this.decisions.exists(tx, streams.seller(sellerId));
  }

  /** Which of these sellers are registered: one stream probe per distinct id (budgets list tens, not thousands). */
  async registeredSellers(tx: EntityManager, sellerIds: string[]): Promise<Set<string>> {
    const registered = new Set<string>();
    for (const sellerId of new Set(sellerIds)) if (await this.sellerExists(tx, sellerId)) registered.add(sellerId);
    return registered;
  }
}
