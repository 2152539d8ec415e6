import type { EntityManager } from 'typeorm';

/**
 * Rows of an UPDATE/DELETE ... RETURNING. TypeORM answers those with `[rows, count]` but a SELECT
 * with the rows, so the statement runs inside a CTE and is read as a SELECT.
 */
export async function changedRows<T>(db: Pick<EntityManager, 'query'>, statement: string, parameters: unknown[]): Promise<T[]> {
  return db.query(`WITH changed AS (${statement}) SELECT * FROM changed`, parameters);
}
