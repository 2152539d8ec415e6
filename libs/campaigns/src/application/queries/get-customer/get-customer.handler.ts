import { SealingEventStore } from '@app/event-store';
import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { streams } from '../../../domain/events';
import { CampaignLookups } from '../../campaign-lookups';
import { customerView, type CustomerView } from '../../customer-view';
import { GetCustomerQuery } from './get-customer.query';

/** Loads the stream and opens every personal payload in one batch (one key lookup per key). */
@QueryHandler(GetCustomerQuery)
export class GetCustomerHandler implements IQueryHandler<GetCustomerQuery> {
  constructor(
    @Inject(CampaignLookups) private readonly lookups: CampaignLookups,
    @Inject(SealingEventStore) private readonly store: SealingEventStore,
  ) {}

  async execute({ principal, customerId }: GetCustomerQuery): Promise<CustomerView> {
    const { customer, keys } = await this.lookups.customerInScope(undefined, principal, customerId);
    const [events, campaign] = await Promise.all([
      this.store.readStream(streams.customer(customerId)).then((sealed) => this.store.open(sealed)),
      this.lookups.campaign(undefined, customer.campaignId),
    ]);
    return customerView(events, keys, campaign);
  }
}
