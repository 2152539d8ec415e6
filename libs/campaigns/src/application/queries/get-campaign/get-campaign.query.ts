import type { Principal } from '@app/platform';
import { Query } from '@nestjs/cqrs';
import type { CampaignDefinition } from '../../../domain/events';

export type CampaignView = CampaignDefinition & {
  status: 'active' | 'closed' | 'anonymized';
  anonymization: { mode: 'standard' | 'full'; at: string; certificateId: string | null } | null;
  legalHold: null;
  customerCount: number;
};

export class GetCampaignQuery extends Query<CampaignView> {
  constructor(
    readonly principal: Principal,
    readonly campaignId: string,
  ) {
    super();
  }
}
