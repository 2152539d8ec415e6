import type { EntityManager } from 'typeorm';
import type { PlainEvent } from '../domain/plain-event';

/** A table a projection writes: in `analytics` (read by BI tools, row-level secured) or in `projections` (its private state). */
export interface ProjectionTable {
  schema: 'analytics' | 'projections';
  name: string;
  /** CREATE statements for the table under `qualified` (a rebuild creates a shadow beside the live one). */
  create(qualified: string): string[];
  /** Secondary indexes: a rebuild builds them once its shadow is loaded (cheaper than keeping them up row by row). */
  indexes?(qualified: string): string[];
}

/** Qualified names of a projection's tables by their logical name: live ones, or a rebuild's shadows. */
export type TableNames = Record<string, string>;

/**
 * A read model built from the plain part of the log: the event types it reads, its tables, and
 * `apply`, which turns a batch into row changes through the projection's pure evolve function and
 * writes them in the caller's transaction (where the runner also moves the checkpoint).
 */
export interface ProjectionDefinition {
  name: string;
  eventTypes: readonly string[];
  tables: ProjectionTable[];
  apply(events: PlainEvent[], tx: EntityManager, tables: TableNames): Promise<void>;
}

export const SHADOW_SUFFIX = '__rebuild';

export function liveTableNames(projection: ProjectionDefinition): TableNames {
  return Object.fromEntries(projection.tables.map((t) => [t.name, `${t.schema}.${t.name}`]));
}

export function shadowTableNames(projection: ProjectionDefinition): TableNames {
  return Object.fromEntries(projection.tables.map((t) => [t.name, `${t.schema}.${t.name}${SHADOW_SUFFIX}`]));
}

/** Row-level security and the BI grant for an analytics table (see the migration for the role). */
export function analyticsTableSecurity(qualified: string): string[] {
  return [
    `ALTER TABLE ${qualified} ENABLE ROW LEVEL SECURITY`,
    `CREATE POLICY reader_scope ON ${qualified} FOR SELECT TO analytics_reader USING (controller_id = ANY ((SELECT analytics.reader_controllers())::text[]))`,
    `GRANT SELECT ON ${qualified} TO analytics_reader`,
  ];
}

/** The subscription id (checkpoint and leadership lock) of a projection. */
export const subscriptionIdOf = (name: string) => `projection:${name}`;
