import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CampaignLookups } from './application/campaign-lookups';
import { CLOCK, ID_GENERATOR, systemClock, uuidGenerator } from './application/clock';
import { CommandExecutor } from './application/command-executor';
import { ArchiveCustomersHandler } from './application/commands/archive-customers/archive-customers.handler';
import { ChangeCustomerDetailsHandler } from './application/commands/change-customer-details/change-customer-details.handler';
import { CloseCampaignHandler } from './application/commands/close-campaign/close-campaign.handler';
import { CreateCampaignHandler } from './application/commands/create-campaign/create-campaign.handler';
import { EnrollCustomersHandler } from './application/commands/enroll-customers/enroll-customers.handler';
import { RecordInteractionHandler } from './application/commands/record-interaction/record-interaction.handler';
import { RegisterControllerHandler } from './application/commands/register-controller/register-controller.handler';
import { UpsertSellerHandler } from './application/commands/upsert-seller/upsert-seller.handler';
import { CustomerKeys } from './application/customer-keys';
import { IdempotencyStore } from './application/idempotency-store';
import { GetCampaignHandler } from './application/queries/get-campaign/get-campaign.handler';
import { GetCustomerHandler } from './application/queries/get-customer/get-customer.handler';
import { ListCustomersHandler } from './application/queries/list-customers/list-customers.handler';
import { CampaignDirectory } from './application/services/campaign-directory';
import { CampaignRecords } from './application/services/campaign-records';
import { CustomerCards } from './application/services/customer-cards';
import { StreamDecisions } from './application/stream-decisions';
import { CampaignsController } from './http/campaigns.controller';
import { CustomersController } from './http/customers.controller';
import { WaitForInterceptor } from './http/wait-for.interceptor';
import { CustomerIdentifiersReindexSource } from './read-models/customer-identifiers.reindex-source';
import { CustomerListReadModel } from './read-models/customer-list.read-model';

/**
 * Controllers, sellers, campaigns, customers and interactions over HTTP, archiving, and the
 * records compliance builds on (CampaignRecords, CustomerCards). Needs the platform's
 * database, CryptoShreddingModule and the event store with its sealing codec (all global).
 */
@Module({
  imports: [CqrsModule.forRoot()],
  controllers: [CampaignsController, CustomersController],
  providers: [
    { provide: CLOCK, useValue: systemClock },
    { provide: ID_GENERATOR, useValue: uuidGenerator },
    CommandExecutor,
    IdempotencyStore,
    StreamDecisions,
    CampaignLookups,
    CustomerKeys,
    CustomerListReadModel,
    WaitForInterceptor,
    RegisterControllerHandler,
    UpsertSellerHandler,
    CreateCampaignHandler,
    CloseCampaignHandler,
    EnrollCustomersHandler,
    ChangeCustomerDetailsHandler,
    RecordInteractionHandler,
    ArchiveCustomersHandler,
    CampaignRecords,
    CustomerCards,
    CampaignDirectory,
    CustomerIdentifiersReindexSource,
    GetCampaignHandler,
    GetCustomerHandler,
    ListCustomersHandler,
  ],
  // What the compliance lib builds on: records and cards in its own transactions, and the same
  // command path (idempotency, retries), read-your-writes and problem mapping as these routes.
  exports: [IdempotencyStore, CustomerKeys, CampaignRecords, CustomerCards, CommandExecutor, WaitForInterceptor, CampaignDirectory, CustomerIdentifiersReindexSource],
})
export class CampaignsModule {}
