import type { Principal } from '@app/platform';
import { Query } from '@nestjs/cqrs';
import type { CustomerView } from '../../customer-view';

export class GetCustomerQuery extends Query<CustomerView> {
  constructor(
    readonly principal: Principal,
    readonly customerId: string,
  ) {
    super();
  }
}
