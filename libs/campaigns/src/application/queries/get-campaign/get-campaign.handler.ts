import { hasAnyRole, type Principal, type Role } from '@app/platform';
import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { Budget } from '../../../domain/events';
import { CampaignLookups } from '../../campaign-lookups';
import { CampaignRecords } from '../../services/campaign-records';
import { type CampaignView, GetCampaignQuery } from './get-campaign.query';

/** Roles that see every seller's budget; a seller sees only its own, by its token's sellerId claim. */
const ALL_BUDGETS: readonly Role[] = ['service', 'analyst', 'admin'];

const visibleBudgets = (principal: Principal, budgets: Budget[]) =>
  hasAnyRole(principal, ALL_BUDGETS) ? budgets : budgets.filter((budget) => principal.sellerId !== undefined && budget.sellerId === principal.sellerId);

@QueryHandler(GetCampaignQuery)
export class GetCampaignHandler implements IQueryHandler<GetCampaignQuery> {
  constructor(
    @Inject(CampaignLookups) private readonly lookups: CampaignLookups,
    @Inject(CampaignRecords) private readonly records: CampaignRecords,
  ) {}

  async execute({ principal, campaignId }: GetCampaignQuery): Promise<CampaignView> {
    const campaign = await this.lookups.campaignInScope(undefined, principal, campaignId);
    const facts = await this.records.factsOf(undefined, campaign);
    return {
      campaignId: facts.campaignId,
      controllerId: facts.controllerId,
      name: facts.name,
      purpose: facts.purpose,
      startsOn: facts.startsOn,
      endsOn: facts.endsOn,
      currency: facts.currency,
      timeZone: facts.timeZone,
      status: facts.status,
      anonymization: facts.anonymization,
      legalHold: facts.legalHold,
      customerCount: facts.customerCount,
      archivedCount: facts.archivedCount,
      products: facts.products,
      budgets: visibleBudgets(principal, facts.budgets),
      responseCodes: facts.responseCodes,
      retention: facts.retention,
    };
  }
}
