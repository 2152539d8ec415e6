import type { BlindIndex } from '@app/crypto-shredding';
import { type FieldError, flattenValidationErrors, ValidationProblem } from '@app/platform';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { Request } from 'express';
import { assertIdentifiers } from '../application/identifier-problem';
import { DomainError } from '../domain/domain-error';
import { atCsvLine, type CsvCustomers, customersFromCsv, decodeCsv } from './csv-customers';
import { EnrollCustomersDto } from './dto/customer.dto';

/** A `text/csv` body (raw bytes: the charset is decoded here) as customers with their file lines; undefined for JSON. */
export function csvEnrollment(request: Request, body: unknown): CsvCustomers | undefined {
  if (!request.is('text/csv')) return undefined;
  return customersFromCsv(decodeCsv(Buffer.isBuffer(body) ? body : Buffer.alloc(0), request.header('content-type')));
}

/**
 * The JSON body or the CSV rows, validated as one EnrollCustomersDto with row-numbered errors.
 * Phone numbers and e-mail addresses that pass the DTO are also normalized here, so one answer
 * lists every bad row of a large import, not the DTO's errors first and the numbers later.
 */
export function enrollmentBody(body: unknown, blindIndex: BlindIndex): EnrollCustomersDto {
  if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
    throw new ValidationProblem([{ field: 'body', message: 'the body must be a JSON object with customers, or CSV text' }]);
  }
  const dto = plainToInstance(EnrollCustomersDto, body ?? {});
  const errors = flattenValidationErrors(validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } }));
  if (errors.length > 0) {
    const flagged = new Set(errors.map((e) => e.field));
    const identifiers = Array.isArray(dto.customers)
      ? dto.customers.flatMap((customer, i) =>
          (['email', 'phone'] as const)
            .filter((kind) => typeof customer?.[kind] === 'string' && !flagged.has(`customers[${i}].${kind}`))
            .map((kind) => ({ field: `customers[${i}].${kind}`, kind, value: customer[kind] as string })),
        )
      : [];
    try {
      assertIdentifiers(blindIndex, identifiers);
    } catch (problem) {
      if (problem instanceof ValidationProblem) errors.push(...((problem.toProblem().errors as FieldError[]) ?? []));
      else throw problem;
    }
    throw new ValidationProblem(errors);
  }
  return dto;
}

/**
 * A refusal of a CSV enrollment with the file line of every row it names (`line 7: customers[5].email ...`),
 * counted as the parse errors count them, whichever layer refused (DTO, identifiers, domain).
 */
export function withCsvLines(error: unknown, lines: number[]): unknown {
  if (error instanceof ValidationProblem) {
    const problem = error.toProblem();
    return new ValidationProblem(((problem.errors as FieldError[] | undefined) ?? []).map((e) => atCsvLine(e, lines)), problem.detail);
  }
  if (error instanceof DomainError && error.field) {
    const { message } = atCsvLine({ field: error.field, message: error.message }, lines);
    return new DomainError(error.kind, error.code, message, error.field);
  }
  return error;
}
