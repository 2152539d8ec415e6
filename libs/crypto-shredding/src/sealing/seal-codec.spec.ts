import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { IntegrityError } from '../errors';
import { openWithKey, sealWithKey } from './seal-codec';
import type { PersonalData, SealContext } from './sealed';

const dek = randomBytes(32);
const keyId = '3f0b6b8e-7d1e-4c36-9a51-0b9a4e0f6d21';
const context: SealContext = { kind: 'event', streamId: 'customer-1', eventId: 'e-1', slot: 'personal' };
const personal = fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.jsonValue()) as fc.Arbitrary<PersonalData>;

function flipBit(base64: string, bit: number): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[Math.floor(bit / 8) % bytes.length] ^= 1 << bit % 8;
  return bytes.toString('base64');
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...stringsIn(v)]);
  return [];
}

describe('sealing codec (properties)', () => {
  it('open(seal(x)) equals x for arbitrary JSON objects', () => {
    fc.assert(
      fc.property(personal, (x) => {
        expect(openWithKey(dek, sealWithKey(dek, keyId, x, context), context)).toEqual(JSON.parse(JSON.stringify(x)));
      }),
      { numRuns: 300 },
    );
  });

  it('any single flipped bit in iv, ciphertext or tag is an IntegrityError', () => {
    fc.assert(
      fc.property(personal, fc.constantFrom('iv', 'ct'), fc.nat(), (x, field, bit) => {
        const sealed = sealWithKey(dek, keyId, x, context);
        const length = Buffer.from(sealed[field], 'base64').length * 8;
        const tampered = { ...sealed, [field]: flipBit(sealed[field], bit % length) };
        expect(() => openWithKey(dek, tampered, context)).toThrow(IntegrityError);
      }),
      { numRuns: 300 },
    );
  });

  it('a truncated tag is an IntegrityError', () => {
    fc.assert(
      fc.property(personal, fc.integer({ min: 1, max: 16 }), (x, cut) => {
        const sealed = sealWithKey(dek, keyId, x, context);
        const ct = Buffer.from(sealed.ct, 'base64');
        expect(() => openWithKey(dek, { ...sealed, ct: ct.subarray(0, ct.length - cut).toString('base64') }, context)).toThrow(IntegrityError);
      }),
      { numRuns: 100 },
    );
  });

  it("a blob opened with another event's, slot's, stream's or column's context is an IntegrityError", () => {
    const others: SealContext[] = [
      { ...context, eventId: 'e-2' },
      { ...context, slot: 'reference' },
      { ...context, streamId: 'customer-2' },
      { kind: 'column', table: 'customer-1', rowId: 'e-1', column: 'personal' },
    ];
    fc.assert(
      fc.property(personal, fc.constantFrom(...others), (x, other) => {
        const sealed = sealWithKey(dek, keyId, x, context);
        expect(() => openWithKey(dek, sealed, other)).toThrow(IntegrityError);
        expect(() => openWithKey(dek, { ...sealed, kid: 'another-key' }, context)).toThrow(IntegrityError);
      }),
      { numRuns: 100 },
    );
  });

  it('the sealed JSON contains no string of x that is 8 characters or longer', () => {
    fc.assert(
      fc.property(personal, (x) => {
        const sealed = JSON.stringify(sealWithKey(dek, keyId, x, context));
        for (const value of stringsIn(x).filter((s) => s.length >= 8)) {
          expect(sealed.includes(value)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('uses a fresh IV for every blob, even for equal input', () => {
    const a = sealWithKey(dek, keyId, { name: 'same' }, context);
    const b = sealWithKey(dek, keyId, { name: 'same' }, context);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
  });
});
