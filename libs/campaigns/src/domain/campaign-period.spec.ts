import { describe, expect, it } from '@jest/globals';
import { outsidePeriod } from './campaign-period';

describe('outsidePeriod: whole days in the campaign time zone', () => {
  const oslo = outsidePeriod({ startsOn: '2026-12-01', endsOn: '2026-12-31', timeZone: 'Europe/Oslo' });

  it.each([
    ['the first minute of the first day in Oslo (still 30 November in UTC)', '2026-11-30T23:00:00.000Z', false],
    ['the last minute before it', '2026-11-30T22:59:59.999Z', true],
    ['the last minute of the last day in Oslo', '2026-12-31T22:59:59.999Z', false],
    ['the first minute after it (still 31 December in UTC)', '2026-12-31T23:00:00.000Z', true],
    ['a time in the middle', '2026-12-15T12:00:00.000Z', false],
    ['a year later', '2027-12-15T12:00:00.000Z', true],
  ])('%s: %s is outside = %s', (_case, at, outside) => {
    expect(oslo(at)).toBe(outside);
  });

  it('reads the days in the campaign zone, not the server zone', () => {
    const newYork = outsidePeriod({ startsOn: '2026-12-01', endsOn: '2026-12-31', timeZone: 'America/New_York' });
    expect(newYork('2027-01-01T03:00:00.000Z')).toBe(false); // 22:00 on 31 December in New York
    expect(newYork('2026-12-01T03:00:00.000Z')).toBe(true); // 22:00 on 30 November there
  });
});
