import type { Principal } from '@app/platform';
import { Query } from '@nestjs/cqrs';
import type { Budget, Product, Retention } from '../../../domain/events';

export interface CampaignView {
  campaignId: string;
  controllerId: string;
  name: string;
  purpose: string;
  startsOn: string;
  endsOn: string;
  currency: string;
  timeZone: string;
  status: 'active' | 'closed' | 'anonymized';
  anonymization: { mode: 'standard' | 'full'; at: string; certificateId: string | null } | null;
  legalHold: null;
  customerCount: number;
  products: Product[];
  budgets: Budget[];
  retention: Retention | null;
}

export class GetCampaignQuery extends Query<CampaignView> {
  constructor(
    readonly principal: Principal,
    readonly campaignId: string,
  ) {
    super();
  }
}
