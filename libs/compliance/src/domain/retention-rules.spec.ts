import { localMidnightAfter, retentionDue, type RetentionSubject } from './retention-rules';

const campaign = (over: Partial<RetentionSubject> = {}): RetentionSubject => ({
  endsOn: '2026-03-31',
  timeZone: 'Europe/Oslo',
  retention: { anonymizeAfterDays: 30, fullAnonymizeAfterDays: 90 },
  applied: null,
  ...over,
});

describe('retention rules', () => {
  it('counts days after the end of endsOn in the campaign time zone', () => {
    // Oslo is UTC+2 in summer: local midnight of 1 May is 22:00 UTC on 30 April.
    expect(localMidnightAfter('2026-03-31', 31, 'Europe/Oslo').toISOString()).toBe('2026-04-30T22:00:00.000Z');
    expect(localMidnightAfter('2026-01-31', 1, 'Europe/Oslo').toISOString()).toBe('2026-01-31T23:00:00.000Z');
    expect(localMidnightAfter('2026-01-31', 1, 'America/New_York').toISOString()).toBe('2026-02-01T05:00:00.000Z');
  });

  it('is not due before the standard period ends, then standard, then full', () => {
    expect(retentionDue(campaign(), new Date('2026-04-30T21:59:59.999Z'))).toBeNull();
    expect(retentionDue(campaign(), new Date('2026-04-30T22:00:00.000Z'))).toEqual({ mode: 'standard', dueSince: new Date('2026-04-30T22:00:00.000Z') });
    expect(retentionDue(campaign({ applied: 'standard' }), new Date('2026-05-30T00:00:00Z'))).toBeNull();
    expect(retentionDue(campaign({ applied: 'standard' }), new Date('2026-06-29T22:00:00Z'))).toEqual({ mode: 'full', dueSince: new Date('2026-06-29T22:00:00.000Z') });
  });

  it('goes straight to full when both are due, and never past full or without a policy', () => {
    expect(retentionDue(campaign(), new Date('2027-01-01T00:00:00Z'))?.mode).toBe('full');
    expect(retentionDue(campaign({ applied: 'full' }), new Date('2027-01-01T00:00:00Z'))).toBeNull();
    expect(retentionDue(campaign({ retention: null }), new Date('2027-01-01T00:00:00Z'))).toBeNull();
  });

  it('0 days is due right at the end of the last day', () => {
    const subject = campaign({ retention: { anonymizeAfterDays: 0, fullAnonymizeAfterDays: 10 } });
    expect(retentionDue(subject, new Date('2026-03-31T21:59:59Z'))).toBeNull();
    expect(retentionDue(subject, new Date('2026-03-31T22:00:00Z'))?.mode).toBe('standard');
  });
});
