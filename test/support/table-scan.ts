import { expect } from '@jest/globals';
import { DataSource } from 'typeorm';
import type { TestApp } from './test-app';

/** Every row of every table as text, searched for each needle (and its hex form, for bytea). Returns the hits. */
export async function scanTables(t: TestApp, needles: string[]): Promise<{ hits: string[]; rowsScanned: number }> {
  const dataSource = t.app.get(DataSource);
  const tables: { schema: string; name: string }[] = await dataSource.query(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
  );
  // The scan must reach the tables that could hold personal data if anything went wrong.
  expect(tables.map((table) => `${table.schema}.${table.name}`)).toEqual(
    expect.arrayContaining(['es.events', 'crypto.data_keys', 'crypto.blind_index', 'app.customers', 'app.idempotency_records', 'compliance.audit_log', 'compliance.certificates']),
  );
  const hits: string[] = [];
  let rowsScanned = 0;
  for (const table of tables) {
    const rows: { row: string }[] = await dataSource.query(`SELECT t::text AS row FROM "${table.schema}"."${table.name}" t`);
    rowsScanned += rows.length;
    for (const { row } of rows) {
      const text = row.toLowerCase();
      for (const needle of needles) {
        // bytea columns print as hex: look for the hex form too.
        if (text.includes(needle.toLowerCase()) || text.includes(Buffer.from(needle).toString('hex'))) hits.push(`${table.schema}.${table.name}: ${needle}`);
      }
    }
  }
  return { hits, rowsScanned };
}
