import type { Principal } from '@app/platform';
import { Query } from '@nestjs/cqrs';
import type { ArchiveStatus } from '../../../read-models/customer-list.read-model';
import type { CustomerSummary } from '../../customer-view';

export interface CustomerPage {
  items: CustomerSummary[];
  nextCursor: string | null;
}

export class ListCustomersQuery extends Query<CustomerPage> {
  constructor(
    readonly principal: Principal,
    readonly campaignId: string,
    readonly limit: number,
    readonly cursor: string | undefined,
    /** The working list (`active`, the default), the archived customers, or `all`. */
    readonly status: ArchiveStatus = 'active',
  ) {
    super();
  }
}
