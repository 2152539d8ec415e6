import type { Principal } from '@app/platform';
import { Query } from '@nestjs/cqrs';
import type { CampaignFacts } from '../../services/campaign-records';

/** The campaign's facts as GET answers them: a seller sees only its own budget. */
export type CampaignView = Omit<CampaignFacts, 'closedAt'>;

export class GetCampaignQuery extends Query<CampaignView> {
  constructor(
    readonly principal: Principal,
    readonly campaignId: string,
  ) {
    super();
  }
}
