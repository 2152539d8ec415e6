import { describe, expect, it } from '@jest/globals';
import { neutralizeFormula } from './analytics.controller';

describe('CSV cells from caller-chosen text', () => {
  it.each(['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])('a cell a spreadsheet would run (%j) starts with an apostrophe', (value) => {
    expect(neutralizeFormula(value)).toBe(`'${value}`);
  });

  it.each(['Ola Selger', 'seller-17', '2026-12-03', 'BB-100', ''])('other text (%j) is left as it is', (value) => {
    expect(neutralizeFormula(value)).toBe(value);
  });
});
