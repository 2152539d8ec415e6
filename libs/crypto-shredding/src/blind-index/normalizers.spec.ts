import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { blindHash } from './blind-index';
import { InvalidIdentifier, normalizeEmail, normalizeIdentifier, normalizePhone } from './normalizers';

describe('identifier normalizers', () => {
  it('writes one Norwegian number the same way whatever the prefix', () => {
    for (const written of ['0047 912 34 567', '+47 91234567', '+4791234567', '912 34 567', ' 91234567 ']) {
      expect(normalizePhone(written, 'NO')).toBe('+4791234567');
    }
    expect(normalizePhone('+46 70 123 45 67', 'NO')).toBe('+46701234567');
  });

  it('refuses what is not a phone number', () => {
    expect(() => normalizePhone('call me', 'NO')).toThrow(InvalidIdentifier);
    expect(() => normalizePhone('12', 'NO')).toThrow(InvalidIdentifier);
  });

  it('trims and lower-cases e-mail, trims customerRef (case kept)', () => {
    expect(normalizeEmail('  Kari.Nordmann@Example.NO ')).toBe('kari.nordmann@example.no');
    expect(normalizeIdentifier('customer_ref', '  CRM-0042 ', 'NO')).toBe('CRM-0042');
    expect(() => normalizeIdentifier('customer_ref', '   ', 'NO')).toThrow(InvalidIdentifier);
  });
});

describe('blindHash', () => {
  const key = randomBytes(32);

  it('is 128 bits and separates controllers and kinds', () => {
    const base = blindHash(key, 'c1', 'email', 'a@b.no');
    expect(base.length).toBe(16);
    expect(blindHash(key, 'c1', 'email', 'a@b.no').equals(base)).toBe(true);
    expect(blindHash(key, 'c2', 'email', 'a@b.no').equals(base)).toBe(false);
    expect(blindHash(key, 'c1', 'customer_ref', 'a@b.no').equals(base)).toBe(false);
    expect(blindHash(randomBytes(32), 'c1', 'email', 'a@b.no').equals(base)).toBe(false);
  });
});
