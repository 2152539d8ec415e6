import { analyticsMigrations } from '@app/analytics';
import { campaignsMigrations } from '@app/campaigns';
import { complianceMigrations } from '@app/compliance';
import { cryptoEntities, cryptoMigrations } from '@app/crypto-shredding';
import { eventStoreMigrations } from '@app/event-store';
import { type MigrationList, platformMigrations } from '@app/platform';

/** Every lib's migrations, in the order they apply. */
export const MIGRATIONS: MigrationList = [...platformMigrations, ...cryptoMigrations, ...eventStoreMigrations, ...campaignsMigrations, ...analyticsMigrations, ...complianceMigrations];

/** Every lib's TypeORM entities. */
export const ENTITIES = [...cryptoEntities];
