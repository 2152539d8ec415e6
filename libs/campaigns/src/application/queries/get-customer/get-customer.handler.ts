import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CampaignLookups } from '../../campaign-lookups';
import type { CustomerView } from '../../customer-view';
import { CustomerCards } from '../../services/customer-cards';
import { GetCustomerQuery } from './get-customer.query';

/** The card of one customer in scope; archived ones are read like any other. */
@QueryHandler(GetCustomerQuery)
export class GetCustomerHandler implements IQueryHandler<GetCustomerQuery> {
  constructor(
    @Inject(CampaignLookups) private readonly lookups: CampaignLookups,
    @Inject(CustomerCards) private readonly cards: CustomerCards,
  ) {}

  async execute({ principal, customerId }: GetCustomerQuery): Promise<CustomerView> {
    const { customer, keys } = await this.lookups.customerInScope(undefined, principal, customerId);
    const [{ campaign: _campaign, ...card }] = await this.cards.cardsOf(undefined, [{ customerId, campaignId: customer.campaignId, archived: customer.archived, keys }]);
    return card;
  }
}
