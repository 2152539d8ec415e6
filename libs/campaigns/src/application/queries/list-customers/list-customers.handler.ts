import { ValidationProblem } from '@app/platform';
import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { CustomerListReadModel } from '../../../read-models/customer-list.read-model';
import { CampaignLookups } from '../../campaign-lookups';
import { CustomerKeys } from '../../customer-keys';
import { personalView } from '../../customer-view';
import { type CustomerPage, ListCustomersQuery } from './list-customers.query';

// The cursor is the last row's sequence number, opaque to clients.
const encodeCursor = (seq: string) => Buffer.from(`seq:${seq}`).toString('base64url');
function decodeCursor(cursor: string): string {
  const match = /^seq:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new ValidationProblem([{ field: 'cursor', message: 'cursor is not one this API returned' }]);
  return match[1];
}

@QueryHandler(ListCustomersQuery)
export class ListCustomersHandler implements IQueryHandler<ListCustomersQuery> {
  constructor(
    @Inject(CampaignLookups) private readonly lookups: CampaignLookups,
    @Inject(CustomerListReadModel) private readonly customerList: CustomerListReadModel,
    @Inject(CustomerKeys) private readonly customerKeys: CustomerKeys,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async execute({ principal, campaignId, limit, cursor, status }: ListCustomersQuery): Promise<CustomerPage> {
    await this.lookups.campaignInScope(undefined, principal, campaignId);
    const rows = await this.customerList.page(this.dataSource, campaignId, limit + 1, cursor ? decodeCursor(cursor) : null, status);
    const page = rows.slice(0, limit);
    const keys = await this.customerKeys.of(this.dataSource, page.map((row) => row.customerId));
    return {
      items: page.map((row) => {
        const anonymization = keys.get(row.customerId)?.anonymization ?? null;
        return {
          customerId: row.customerId,
          campaignId: row.campaignId,
          controllerId: row.controllerId,
          status: anonymization ? 'anonymized' : 'active',
          anonymization,
          customerRef: anonymization?.mode === 'full' ? null : row.customerRef,
          personal: anonymization ? null : personalView(row.personal),
          archived: row.archivedAt !== null,
          legalHold: row.legalHold,
        };
      }),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].seq) : null,
    };
  }
}
