import { CampaignKeyspaces } from '@app/crypto-shredding';
import { hasAnyRole, type Principal, type Role } from '@app/platform';
import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import type { Budget } from '../../../domain/events';
import { CustomerListReadModel } from '../../../read-models/customer-list.read-model';
import { CampaignLookups } from '../../campaign-lookups';
import { type CampaignView, GetCampaignQuery } from './get-campaign.query';

/** Roles that see every seller's budget; a seller sees only its own, by its token's sellerId claim. */
const ALL_BUDGETS: readonly Role[] = ['service', 'analyst', 'admin'];

const visibleBudgets = (principal: Principal, budgets: Budget[]) =>
  hasAnyRole(principal, ALL_BUDGETS) ? budgets : budgets.filter((budget) => principal.sellerId !== undefined && budget.sellerId === principal.sellerId);

@QueryHandler(GetCampaignQuery)
export class GetCampaignHandler implements IQueryHandler<GetCampaignQuery> {
  constructor(
    @Inject(CampaignLookups) private readonly lookups: CampaignLookups,
    @Inject(CampaignKeyspaces) private readonly keyspaces: CampaignKeyspaces,
    @Inject(CustomerListReadModel) private readonly customerList: CustomerListReadModel,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async execute({ principal, campaignId }: GetCampaignQuery): Promise<CampaignView> {
    const campaign = await this.lookups.campaignInScope(undefined, principal, campaignId);
    const keyspace = await this.keyspaces.describe(this.dataSource, campaignId);
    const anonymized = keyspace?.status === 'anonymized';
    return {
      campaignId: campaign.campaignId,
      controllerId: campaign.controllerId,
      name: campaign.name,
      purpose: campaign.purpose,
      startsOn: campaign.startsOn,
      endsOn: campaign.endsOn,
      currency: campaign.currency,
      timeZone: campaign.timeZone,
      status: anonymized ? 'anonymized' : campaign.status,
      anonymization: anonymized
        ? { mode: keyspace.referenceKeysDestroyed ? 'full' : 'standard', at: keyspace.closedAt!.toISOString(), certificateId: null }
        : null,
      // Legal holds arrive with the compliance module; until then no campaign can be under one.
      legalHold: null,
      customerCount: (await this.customerList.count(this.dataSource, campaignId)).customers,
      products: campaign.products,
      budgets: visibleBudgets(principal, campaign.budgets),
      responseCodes: campaign.responseCodes,
      retention: campaign.retention,
    };
  }
}
