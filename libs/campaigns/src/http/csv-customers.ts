import { isUtf8 } from 'node:buffer';
import { type FieldError, ProblemException, ValidationProblem } from '@app/platform';
import { CsvError, parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';

const KNOWN = new Set(['customerRef', 'name', 'email', 'phone']);

/**
 * Charsets a CSV may declare (`Content-Type: text/csv; charset=...`), by label. ISO-8859-1 is read
 * as windows-1252, as the WHATWG Encoding Standard (and every browser) does: files labelled
 * Latin-1 are Windows files in practice, and the C1 controls that tell them apart mean nothing in
 * a CSV. ASCII is a subset of UTF-8 and checked like it.
 */
const CHARSETS: Record<string, 'utf-8' | 'windows-1252'> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'us-ascii': 'utf-8',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
  'iso-8859-1': 'windows-1252',
  'iso_8859-1': 'windows-1252',
  latin1: 'windows-1252',
};
const SUPPORTED = 'utf-8 (the default), windows-1252 or iso-8859-1';
const WINDOWS_HINT = 'A file saved by Excel or another Windows program in its default encoding is windows-1252: send it with Content-Type: text/csv; charset=windows-1252.';

/** The CSV text and where each row starts in the file (header = line 1), for errors that name both. */
export interface CsvCustomers {
  customers: Record<string, unknown>[];
  /** `lines[i]` is the file line on which `customers[i]` starts. */
  lines: number[];
  /** The decoded text: what the idempotency record hashes. */
  text: string;
}

/**
 * The bytes of a `text/csv` body as text: in the declared charset, else UTF-8, never with
 * replacement characters (a byte that does not decode is a 400 naming the line, with the fix).
 */
export function decodeCsv(bytes: Buffer, contentType: string | undefined): string {
  const label = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  const charset = label === undefined ? 'utf-8' : CHARSETS[label];
  if (!charset) {
    const message = `the charset of Content-Type is not supported; send ${SUPPORTED}`;
    throw new ProblemException('unsupported-charset', `The CSV charset is not supported: send text/csv with charset ${SUPPORTED}.`, {
      errors: [{ field: 'Content-Type', message }],
    });
  }
  if (charset === 'utf-8' && !isUtf8(bytes)) {
    const line = lineOfFirst(bytes.toString('utf8'), '\uFFFD');
    const detail = label === undefined ? `The CSV is not UTF-8 and names no charset. ${WINDOWS_HINT}` : `The CSV is declared ${label} but is not. ${WINDOWS_HINT}`;
    throw new ValidationProblem([{ field: 'body', message: `line ${line}: the CSV is not valid UTF-8; name its charset (text/csv; charset=windows-1252) if it is not UTF-8` }], detail);
  }
  const text = charset === 'utf-8' ? bytes.toString('utf8') : iconv.decode(bytes, charset, { stripBOM: false });
  if (text.includes('\uFFFD')) {
    // In UTF-8 a U+FFFD was already in the file (damaged by an earlier conversion); in
    // windows-1252 it stands for one of the five bytes that code page leaves undefined.
    const line = lineOfFirst(text, '\uFFFD');
    const message =
      charset === 'utf-8'
        ? `line ${line}: the CSV holds a replacement character (U+FFFD), left by an earlier conversion that lost the original text`
        : `line ${line}: the CSV has a byte that ${label} does not define; check the charset the file was saved in`;
    throw new ValidationProblem([{ field: 'body', message }], 'The CSV holds text that cannot be stored faithfully; fix the file or name its charset.');
  }
  return text;
}

function lineOfFirst(text: string, search: string): number {
  const index = text.indexOf(search);
  return (text.slice(0, index).match(/\r\n|\r|\n/g)?.length ?? 0) + 1;
}

/** Byte offsets where each line of `bytes` starts: LF, CRLF and a lone CR each end a line. */
function lineStarts(bytes: Buffer): number[] {
  const starts = [0];
  for (let i = 0; i < bytes.length; i += 1) {
    if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) starts.push(i + 1);
  }
  return starts;
}

/** 1-based line of a byte offset. */
function lineAt(starts: number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return low + 1;
}

/** Where the record after byte `end` starts: past the blank lines the parser skips. */
function recordStart(bytes: Buffer, end: number): number {
  let offset = end;
  while (offset < bytes.length && [0x20, 0x09, 0x0d, 0x0a].includes(bytes[offset])) offset += 1;
  return offset;
}

/** csv-parse's messages quote the file; these say what is wrong without its content. */
function parseFailure(error: CsvError, headerCells: number): string {
  switch (error.code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
    case 'CSV_RECORD_INCONSISTENT_COLUMNS': {
      const cells = (error as CsvError & { record?: unknown[] }).record?.length;
      return cells === undefined ? `does not have the header's ${headerCells} cells` : `has ${cells} cells where the header has ${headerCells}`;
    }
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'opens a quoted cell that is never closed';
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return 'has a quote inside a cell that is not quoted, or text after a closing quote (quote the cell and double its quotes)';
    default:
      return 'is not valid CSV';
  }
}

/**
 * `customerRef,name,email,phone,<field>...` with a header row, `,` or `;` (taken from the header
 * line), quoted fields, with or without BOM. Unknown columns become `fields`; empty cells are left
 * out. Errors name the file line (header = line 1) and the row's `customers[i]` path, never the
 * content.
 */
export function customersFromCsv(text: string): CsvCustomers {
  const body = text.replace(/^\uFEFF/, '');
  const header = body.slice(0, body.search(/\r?\n|\r|$/));
  const delimiter = (header.match(/;/g)?.length ?? 0) > (header.match(/,/g)?.length ?? 0) ? ';' : ',';
  // Parsed as bytes: the parser reports where each record ends as a byte offset.
  const bytes = Buffer.from(body, 'utf8');
  const starts = lineStarts(bytes);
  const ends: number[] = [];
  let rows: string[][];
  try {
    rows = parse(bytes, {
      delimiter,
      skip_empty_lines: true,
      trim: true,
      relax_quotes: false,
      on_record: (record: string[], context) => {
        ends.push(context.bytes);
        return record;
      },
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const headerCells = header.split(delimiter).length;
    const failed = ends.length === 0 ? 0 : recordStart(bytes, ends[ends.length - 1]);
    const line = lineAt(starts, failed);
    // Before the header was read, the header is what failed.
    const row = ends.length - 1;
    const problem: FieldError = row < 0 ? { field: 'body', message: `line ${line}: the header ${parseFailure(error, headerCells)}` } : { field: `customers[${row}]`, message: `line ${line}: customers[${row}] ${parseFailure(error, headerCells)}` };
    throw new ValidationProblem([problem], 'The CSV body could not be parsed.');
  }
  const [columns = [], ...records] = rows;
  if (!columns.includes('customerRef')) throw new ValidationProblem([{ field: 'body', message: 'line 1: the CSV header must name a customerRef column' }]);
  const customers = records.map((record) => {
    const customer: Record<string, unknown> = {};
    const fields: Record<string, string> = {};
    columns.forEach((column, i) => {
      const value = record[i];
      if (value === undefined || value === '') return;
      if (KNOWN.has(column)) customer[column] = value;
      else fields[column] = value;
    });
    if (Object.keys(fields).length > 0) customer.fields = fields;
    return customer;
  });
  return { customers, lines: records.map((_, i) => lineAt(starts, recordStart(bytes, ends[i]))), text };
}

/** Adds the file line to an error about `customers[i]` of a CSV body (header = line 1). */
export function atCsvLine<T extends { field: string; message: string }>(error: T, lines: number[]): T {
  const row = /^customers\[(\d+)\]/.exec(error.field);
  const line = row ? lines[Number(row[1])] : undefined;
  return line === undefined ? error : { ...error, message: `line ${line}: ${error.message}` };
}
