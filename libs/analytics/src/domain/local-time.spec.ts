import { describe, expect, it } from '@jest/globals';
import { localDay, localMonth } from './local-time';
import { asAnalyticsEvent } from './plain-event';
import { customerOfStream } from './projection-context';

describe('local days and months', () => {
  it('a UTC instant falls on the calendar day of the campaign\'s zone, either side of midnight and across DST', () => {
    expect(localDay('2026-12-02T23:30:00.000Z', 'Europe/Oslo')).toBe('2026-12-03');
    expect(localDay('2026-12-02T22:59:59.999Z', 'Europe/Oslo')).toBe('2026-12-02');
    expect(localDay('2026-12-03T04:59:00.000Z', 'America/New_York')).toBe('2026-12-02');
    expect(localDay('2026-12-03T05:00:00.000Z', 'America/New_York')).toBe('2026-12-03');
    // Summer time shifts the boundary by an hour.
    expect(localDay('2026-07-01T21:59:59.000Z', 'Europe/Oslo')).toBe('2026-07-01');
    expect(localDay('2026-07-01T22:00:00.000Z', 'Europe/Oslo')).toBe('2026-07-02');
    expect(localDay('2026-07-02T03:59:00.000Z', 'America/New_York')).toBe('2026-07-01');
    // An instant written with an offset is the same instant.
    expect(localDay('2026-12-03T00:30:00+01:00', 'UTC')).toBe('2026-12-02');
  });

  it('a month is named by its first day', () => {
    expect(localMonth('2027-01-01')).toBe('2027-01-01');
    expect(localMonth('2026-12-31')).toBe('2026-12-01');
  });
});

describe('what a projection reads of the log', () => {
  it('only the campaigns events analytics knows; seller, controller and details events are none of its business', () => {
    for (const type of ['SellerUpserted', 'ControllerRegistered', 'CustomerDetailsChanged']) {
      expect(asAnalyticsEvent({ streamId: 's', type, data: {} })).toBeNull();
    }
    const sale = { streamId: 'customer-x', type: 'ProductRegistered', data: { sku: 'BB-100' } };
    expect(asAnalyticsEvent(sale)).toBe(sale);
  });

  it('a customer stream names its customer; other streams name none', () => {
    expect(customerOfStream('customer-11111111-1111-4111-8111-111111111111')).toBe('11111111-1111-4111-8111-111111111111');
    expect(customerOfStream('campaign-11111111-1111-4111-8111-111111111111')).toBeNull();
    expect(customerOfStream('customer-11111111-1111-4111-8111-111111111111-x')).toBeNull();
  });
});
