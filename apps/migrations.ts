import { type MigrationList, platformMigrations } from '@app/platform';

/** Every lib's migrations, in the order they apply. */
export const MIGRATIONS: MigrationList = [...platformMigrations];
