import { describe, expect, it } from '@jest/globals';
import { requireUtcTime, utcTime } from './time';

describe('utcTime: RFC 3339 times in, UTC with milliseconds out', () => {
  it.each([
    ['2026-11-30T09:30:00+01:00', '2026-11-30T08:30:00.000Z'],
    ['2026-11-30T08:30:00Z', '2026-11-30T08:30:00.000Z'],
    ['2026-11-30t08:30:00z', '2026-11-30T08:30:00.000Z'],
    ['2026-11-30T08:30Z', '2026-11-30T08:30:00.000Z'],
    ['2026-11-30T08:30:00.5Z', '2026-11-30T08:30:00.500Z'],
    ['2026-11-30T08:30:00.123456789Z', '2026-11-30T08:30:00.123Z'],
    ['2026-11-30T23:30:00-05:00', '2026-12-01T04:30:00.000Z'],
    ['2026-01-01T00:15:00+05:45', '2025-12-31T18:30:00.000Z'],
    ['2028-02-29T12:00:00-00:00', '2028-02-29T12:00:00.000Z'],
    ['0099-06-01T00:00:00Z', '0099-06-01T00:00:00.000Z'],
  ])('%s is %s', (given, stored) => {
    expect(utcTime(given)).toBe(stored);
  });

  it.each([
    ['no zone', '2026-11-30T08:30:00'],
    ['a bare date', '2026-11-30'],
    ['30 February', '2026-02-30T08:30:00Z'],
    ['29 February of a common year', '2027-02-29T08:30:00Z'],
    ['month 13', '2026-13-01T08:30:00Z'],
    ['hour 24', '2026-11-30T24:00:00Z'],
    ['second 60', '2026-11-30T23:59:60Z'],
    ['an offset of 24 hours', '2026-11-30T08:30:00+24:00'],
    ['an offset without a colon', '2026-11-30T08:30:00+0100'],
    ['a space for the T', '2026-11-30 08:30:00Z'],
    ['words', 'yesterday'],
  ])('refuses %s', (_case, given) => {
    expect(utcTime(given)).toBeNull();
    expect(() => requireUtcTime(given, 'at')).toThrow(expect.objectContaining({ kind: 'invalid', field: 'at' }));
  });
});
