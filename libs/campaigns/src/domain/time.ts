import { invalid } from './domain-error';

// RFC 3339 `date-time`: `Z` or a numeric offset, `T` or `t`; seconds may be left out, as this API
// always took them (`2026-12-02T09:30Z`).
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * The instant an RFC 3339 time names, in the one form this API stores and returns:
 * UTC with milliseconds (`2026-11-30T08:30:00.000Z`). Null when it is not such a time (month 13,
 * 30 February, hour 24, an offset of 24 hours, no zone at all).
 */
export function utcTime(value: string): string | null {
  const match = RFC3339.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0));
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const [offsetHours, offsetMinutes] = [Number(match[9] ?? 0), Number(match[10] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return null;
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day); // not Date.UTC: it reads years 0-99 as 1900-1999
  if (local.getUTCFullYear() !== year || local.getUTCMonth() !== month - 1 || local.getUTCDate() !== day) return null;
  local.setUTCHours(hour, minute, second, millis);
  const offset = (match[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  return new Date(local.getTime() - offset * 60_000).toISOString();
}

/** A time of a command in its stored form; a 400 naming the field when it is no RFC 3339 time. */
export function requireUtcTime(value: string, field: string): string {
  const utc = utcTime(value);
  if (utc === null) throw invalid(field, `${field} must be an RFC 3339 time with Z or an offset, such as 2026-12-02T09:30:00Z or 2026-12-02T10:30:00+01:00`);
  return utc;
}
