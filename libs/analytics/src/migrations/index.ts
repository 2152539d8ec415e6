import { Analytics1764461000000 } from './1764461000000-analytics.migration';
import { AnalyticsReaderScopes1764461100000 } from './1764461100000-analytics-reader-scopes.migration';

export const analyticsMigrations = [Analytics1764461000000, AnalyticsReaderScopes1764461100000];
