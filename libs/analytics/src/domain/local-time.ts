// Day and month buckets in a campaign's time zone, from UTC instants. Pure: Intl is part of the
// language, and formatters are cached per zone (creating one costs far more than using it).
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local calendar day (`YYYY-MM-DD`) of an instant in a time zone: 23:30 UTC in Europe/Oslo is the next day. */
export function localDay(instant: string, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return formatterFor(timeZone).format(new Date(instant));
}

/** The first day of the local month (`YYYY-MM-01`). */
export function localMonth(day: string): string {
  return `${day.slice(0, 7)}-01`;
}
