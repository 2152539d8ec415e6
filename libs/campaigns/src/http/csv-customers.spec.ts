import { describe, expect, it } from '@jest/globals';
import { ProblemException } from '@app/platform';
import { customersFromCsv, decodeCsv } from './csv-customers';

const problemOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ProblemException) return error.toProblem();
    throw error;
  }
  throw new Error('expected a problem');
};

describe('CSV customers', () => {
  it('gives each row the file line it starts on, for LF, CRLF and lone-CR files, past blank lines', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const text = ['customerRef;name', 'A;Ola', '', '  ', 'B;"Kari', 'Nordmann"', 'C;Per', ''].join(eol);
      const parsed = customersFromCsv(text);
      expect({ eol, customers: parsed.customers, lines: parsed.lines }).toEqual({
        eol,
        customers: [{ customerRef: 'A', name: 'Ola' }, { customerRef: 'B', name: `Kari${eol}Nordmann` }, { customerRef: 'C', name: 'Per' }],
        lines: [2, 5, 7],
      });
    }
  });

  it('puts unknown columns in fields and leaves empty cells out', () => {
    expect(customersFromCsv('customerRef,segment,phone\nA,B2B,\n').customers).toEqual([{ customerRef: 'A', fields: { segment: 'B2B' } }]);
  });

  it('decodes windows-1252 (and iso-8859-1 as it), refuses non-UTF-8 bytes when no charset is named', () => {
    const bytes = Buffer.from([0x42, 0x6c, 0xe5, 0x62, 0xe6, 0x72, 0x80]);
    expect(decodeCsv(bytes, 'text/csv; charset=windows-1252')).toBe('Blåbær€');
    expect(decodeCsv(bytes, 'text/csv;charset=ISO-8859-1')).toBe('Blåbær€');
    expect(problemOf(() => decodeCsv(bytes, 'text/csv'))).toMatchObject({ status: 400, errors: [{ field: 'body', message: expect.stringMatching(/^line 1: /) }] });
    expect(problemOf(() => decodeCsv(bytes, 'text/csv; charset=koi8-r'))).toMatchObject({ status: 415 });
  });
});
