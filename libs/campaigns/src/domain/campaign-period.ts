import type { CampaignDefinition } from './events';

export type CampaignPeriod = Pick<CampaignDefinition, 'startsOn' | 'endsOn' | 'timeZone'>;

/**
 * Whether a time falls outside the campaign's period: before `startsOn` or after `endsOn`, both
 * whole days in the campaign's time zone. Returns a test for many times (one formatter for all).
 */
export function outsidePeriod(period: CampaignPeriod): (at: string) => boolean {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: period.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return (at) => {
    const time = new Date(at);
    if (Number.isNaN(time.getTime())) return false;
    const parts = Object.fromEntries(format.formatToParts(time).map((part) => [part.type, part.value]));
    const day = `${parts.year.padStart(4, '0')}-${parts.month}-${parts.day}`;
    return day < period.startsOn || day > period.endsOn;
  };
}
