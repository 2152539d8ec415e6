import { ALL_CONTROLLERS, ForbiddenProblem, type Principal } from '@app/platform';

/** Filters every analytics query takes, plus the token's controllers (null: all). */
export interface AnalyticsFilters {
  controllers: string[] | null;
  campaignId?: string;
  sellerId?: string;
  controllerId?: string;
  /** Local days, inclusive. */
  from?: string;
  to?: string;
}

/**
 * The token's scope as a filter. A `controllerId` filter outside it is refused (403, as for a
 * body); a campaign outside it simply has no rows here.
 */
export function scopedFilters(principal: Principal, query: Omit<AnalyticsFilters, 'controllers'>): AnalyticsFilters {
  const all = principal.controllers.includes(ALL_CONTROLLERS);
  if (query.controllerId && !all && !principal.controllers.includes(query.controllerId)) {
    throw new ForbiddenProblem('controllerId is outside the controllers of this token');
  }
  return { ...query, controllers: all ? null : [...principal.controllers] };
}

/** WHERE clause and parameters over a table with controller_id, campaign_id, seller_id and local_day. */
export function whereOf(filters: AnalyticsFilters, alias = ''): { where: string; parameters: unknown[] } {
  const column = (name: string) => (alias ? `${alias}.${name}` : name);
  const parameters: unknown[] = [];
  const clauses: string[] = [];
  const add = (sql: (placeholder: string) => string, value: unknown) => {
    parameters.push(value);
    clauses.push(sql(`$${parameters.length}`));
  };
  if (filters.controllers) add((p) => `${column('controller_id')} = ANY(${p}::text[])`, filters.controllers);
  if (filters.controllerId) add((p) => `${column('controller_id')} = ${p}`, filters.controllerId);
  if (filters.campaignId) add((p) => `${column('campaign_id')} = ${p}::uuid`, filters.campaignId);
  if (filters.sellerId) add((p) => `${column('seller_id')} = ${p}`, filters.sellerId);
  if (filters.from) add((p) => `${column('local_day')} >= ${p}::date`, filters.from);
  if (filters.to) add((p) => `${column('local_day')} <= ${p}::date`, filters.to);
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', parameters };
}
