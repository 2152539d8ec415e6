export { CampaignsModule } from './campaigns.module';
export { campaignsMigrations } from './migrations';
export { CLOCK, type Clock, ID_GENERATOR, type IdGenerator } from './application/clock';
export { IdempotencyStore } from './application/idempotency-store';
export { CommandExecutor, type CommandOutcome, type CommandRequest } from './application/command-executor';
export { commandRequest } from './http/command-request';
export { DomainProblemsInterceptor, toProblem } from './http/domain-problems.interceptor';
export { WaitForInterceptor } from './http/wait-for.interceptor';
export { CommandRoute, ProtectedRoute } from './http/api-docs';
export { DomainError, type DomainErrorKind } from './domain/domain-error';

// For the compliance lib: facts, legal holds and the record of anonymizations, each in the
// caller's transaction; customer cards for access requests.
export {
  type Actor,
  type CampaignAnonymizedFacts,
  type CampaignFacts,
  CampaignRecords,
  type CustomerFacts,
  type LegalHoldTarget,
} from './application/services/campaign-records';
export { CampaignDirectory } from './application/services/campaign-directory';
export { CustomerIdentifiersReindexSource } from './read-models/customer-identifiers.reindex-source';
export { type CustomerCard, type CustomerCardWithCampaign, CustomerCards } from './application/services/customer-cards';
export type { Anonymization } from './application/customer-keys';
export type { ArchiveStatus } from './read-models/customer-list.read-model';
export type { CustomerAnonymizedRecord } from './domain/customer.decider';
export { isReasonCode, type LegalHold, REASON_CODES, type ReasonCode, REFERENCE_PATTERN } from './domain/legal-hold';
// The published language: what other libs (analytics, compliance) read from the event log.
export type {
  AnonymizationMode,
  CallLogged,
  CampaignAnonymized,
  CampaignClosed,
  CampaignCreated,
  CampaignLegalHoldPlaced,
  CampaignLegalHoldReleased,
  CustomerAnonymized,
  CustomerEnrolled,
  CustomerLegalHoldPlaced,
  CustomerLegalHoldReleased,
  CustomersArchived,
  CustomersUnarchived,
  EmailLogged,
  ProductRegistered,
  ResponseRegistered,
  SellerUpserted,
  SmsLogged,
} from './domain/events';
