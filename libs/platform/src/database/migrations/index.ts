import { CreateSchemas1764374400000 } from './1764374400000-create-schemas.migration';

export { PLATFORM_SCHEMAS } from './1764374400000-create-schemas.migration';
export const platformMigrations = [CreateSchemas1764374400000];
