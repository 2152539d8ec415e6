import { ValidationProblem } from '@app/platform';
import { parse } from 'csv-parse/sync';

const KNOWN = new Set(['customerRef', 'name', 'email', 'phone']);

/**
 * `customerRef,name,email,phone,<field>...` with a header row, `,` or `;` (taken from the header
 * line), quoted fields, UTF-8 with or without BOM. Unknown columns become `fields`; empty cells
 * are left out. Errors name the line, never its content.
 */
export function customersFromCsv(text: string): Record<string, unknown>[] {
  const body = text.replace(/^\uFEFF/, '');
  const header = body.slice(0, body.search(/\r?\n|$/));
  const delimiter = (header.match(/;/g)?.length ?? 0) > (header.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: Record<string, string>[];
  try {
    records = parse(body, { columns: true, delimiter, skip_empty_lines: true, trim: true, bom: true, relax_quotes: false });
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new ValidationProblem([{ field: 'body', message: `the CSV is malformed${line ? ` at line ${line}` : ''}` }], 'The CSV body could not be parsed.');
  }
  const columns = header.split(delimiter).map((c) => c.trim().replace(/^"|"$/g, ''));
  if (!columns.includes('customerRef')) throw new ValidationProblem([{ field: 'body', message: 'the CSV header must name a customerRef column' }]);
  return records.map((record) => {
    const customer: Record<string, unknown> = {};
    const fields: Record<string, string> = {};
    for (const [column, value] of Object.entries(record)) {
      if (value === '') continue;
      if (KNOWN.has(column)) customer[column] = value;
      else fields[column] = value;
    }
    if (Object.keys(fields).length > 0) customer.fields = fields;
    return customer;
  });
}
