import { ApiProblems, type FieldError, type ProblemEntry, unsupportedBodyDetail } from '@app/platform';
import { applyDecorators } from '@nestjs/common';
import { ApiConsumes, ApiHeader } from '@nestjs/swagger';

// The problem types each kind of route answers with, from the catalogue (PROBLEM_TYPES). A route
// adds its own; the roles come from @Roles.

/** Every route behind a token. */
export const ProtectedRoute = (...problems: ProblemEntry[]) => applyDecorators(ApiProblems('unauthorized', 'forbidden', ...problems));

/** A GET: `waitFor` and its 503; a path id that is not validly percent-encoded. */
export const ReadRoute = (...problems: ProblemEntry[]) =>
  ProtectedRoute(['validation', { errors: [{ field: 'waitFor', message: 'waitFor must be a position returned by a command' }] }], 'malformed-request', 'read-model-behind', ...problems);

/**
 * A command: the body (`invalid`: an example of a field error of this route), its media types,
 * the Idempotency-Key, and what the command executor answers.
 */
export const CommandRoute = (invalid: FieldError, options: { consumes?: string[] } = {}, ...problems: ProblemEntry[]) => {
  const consumes = options.consumes ?? ['application/json'];
  return applyDecorators(
    ...(options.consumes ? [ApiConsumes(...options.consumes)] : []),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'Scoped by token subject and route; a repeat with the same body returns the first response, another body is a 422',
      schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
    }),
    ProtectedRoute(
      ['validation', { errors: [invalid] }],
      'malformed-request',
      'content-too-large',
      ['unsupported-media-type', { detail: unsupportedBodyDetail(consumes), accepted: consumes }],
      'idempotency-key-reused',
      'concurrent-write',
      ...problems,
    ),
  );
};

/** Header row and rows of the CSV enrollment body: the example in the OpenAPI document and docs/examples/customers.csv. */
export const CSV_EXAMPLE = [
  'customerRef,name,email,phone,segment,contractMonths',
  'CRM-000123,Kari Nordmann,kari@example.no,+47 912 34 567,B2C,12',
  'CRM-000124,"Nordmann, Ola",ola@example.no,91234568,B2B,24',
  'CRM-000125,Per Hansen,,,B2C,',
  '',
].join('\n');

export const CSV_FORMAT = [
  'A header row, then one customer per row (1-10,000 rows). Columns `customerRef` (required), `name`, `email` and `phone` are the JSON fields of the same names;',
  'every other column becomes an entry of `fields` (a string). The delimiter is `,` or `;`, whichever the header row has more of; cells may be quoted',
  '(RFC 4180: `"Nordmann, Ola"`, a quote doubled inside); empty cells are left out. UTF-8, with or without a byte order mark, unless `Content-Type` names',
  '`charset=windows-1252` or `iso-8859-1` (what Excel on Windows saves); bytes that do not decode are a 400, another charset a 415 `unsupported-charset`.',
  'Errors name the file line (the header is line 1) and the row as `customers[i]`, the data rows counted from 0.',
].join(' ');
