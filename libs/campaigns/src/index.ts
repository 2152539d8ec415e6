export { CampaignsModule } from './campaigns.module';
export { campaignsMigrations } from './migrations';
export { CLOCK, type Clock, ID_GENERATOR, type IdGenerator } from './application/clock';
export { IdempotencyStore } from './application/idempotency-store';
// The published language: what other libs (analytics, compliance) read from the event log.
export type {
  CallLogged,
  CampaignClosed,
  CampaignCreated,
  CustomerEnrolled,
  EmailLogged,
  ProductRegistered,
  ResponseRegistered,
  SellerUpserted,
  SmsLogged,
} from './domain/events';
