import type { AnonymizationMode } from './anonymization-rules';

export interface RetentionPolicy {
  anonymizeAfterDays: number;
  fullAnonymizeAfterDays: number;
}

/** What the rule needs of a campaign. */
export interface RetentionSubject {
  /** The last day of the campaign (YYYY-MM-DD), in `timeZone`. */
  endsOn: string;
  timeZone: string;
  retention: RetentionPolicy | null;
  /** The mode already applied (from the keys' tombstones). */
  applied: AnonymizationMode | null;
}

export interface RetentionDue {
  mode: AnonymizationMode;
  /** The instant the mode became due. */
  dueSince: Date;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Offset of `timeZone` from UTC at `instant`, in ms (positive east of Greenwich). */
function zoneOffset(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const part = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const local = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return local - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant local midnight begins `days` days after `day` in `timeZone`. Midnight is taken at
 * the offset in force then (re-checked once: a DST change at midnight moves it by the change).
 */
export function localMidnightAfter(day: string, days: number, timeZone: string): Date {
  const match = DAY.exec(day);
  if (!match) throw new Error('endsOn must be YYYY-MM-DD');
  const wall = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days);
  let instant = wall - zoneOffset(wall, timeZone);
  instant = wall - zoneOffset(instant, timeZone);
  return new Date(instant);
}

/**
 * Retention counts whole days after the campaign's end, the end of its `endsOn` in its time zone:
 * standard anonymization is due `anonymizeAfterDays` days later, full `fullAnonymizeAfterDays`
 * days later (0: right at the end). Returns the strongest mode due and not applied yet (a full one
 * due covers a standard one never run: the scheduler does not run both), or null.
 */
export function retentionDue(subject: RetentionSubject, now: Date): RetentionDue | null {
  const { retention, applied } = subject;
  if (!retention || applied === 'full') return null;
  const end = (days: number) => localMidnightAfter(subject.endsOn, days + 1, subject.timeZone);
  const fullSince = end(retention.fullAnonymizeAfterDays);
  if (fullSince.getTime() <= now.getTime()) return { mode: 'full', dueSince: fullSince };
  const standardSince = end(retention.anonymizeAfterDays);
  if (applied === null && standardSince.getTime() <= now.getTime()) return { mode: 'standard', dueSince: standardSince };
  return null;
}
