import { describe, expect, it } from '@jest/globals';
import { dueAfterOneMonth, matchKind } from './data-subject-request';

describe('dueAfterOneMonth (Art. 12(3))', () => {
  it.each([
    ['2026-12-03T10:15:00.000Z', '2027-01-03T10:15:00.000Z'],
    ['2027-01-31T23:59:59.999Z', '2027-02-28T23:59:59.999Z'],
    ['2028-01-30T00:00:00.000Z', '2028-02-29T00:00:00.000Z'],
    ['2027-03-31T12:00:00.000Z', '2027-04-30T12:00:00.000Z'],
    ['2027-02-28T08:00:00.000Z', '2027-03-28T08:00:00.000Z'],
  ])('%s is due %s', (received, due) => {
    expect(dueAfterOneMonth(new Date(received)).toISOString()).toBe(due);
  });
});

describe('matchKind', () => {
  it('takes exactly one identifier', () => {
    expect(matchKind({ email: 'Kari@Example.no' })).toEqual({ kind: 'email', value: 'Kari@Example.no' });
    expect(matchKind({ customerRef: 'CRM-1' })).toEqual({ kind: 'customer_ref', value: 'CRM-1' });
    expect(matchKind({ phone: '912 34 567' })).toEqual({ kind: 'phone', value: '912 34 567' });
    expect(matchKind({})).toBeNull();
    expect(matchKind({ email: 'a@b.no', phone: '91234567' })).toBeNull();
  });
});
