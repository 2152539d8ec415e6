import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { InvalidPosition } from './event-store.errors';
import { comparePositions, decodePosition, encodePosition, parsePosition, positionToString } from './position.codec';

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const parts = fc.record({ transactionId: u64, position: u64 });
const tupleOrder = (a: { transactionId: bigint; position: bigint }, b: { transactionId: bigint; position: bigint }) =>
  a.transactionId !== b.transactionId ? Math.sign(Number(a.transactionId - b.transactionId)) : Math.sign(Number(a.position - b.position));

describe('position codec', () => {
  it('round-trips any (transaction id, position) through the string form', () => {
    fc.assert(
      fc.property(parts, (p) => {
        const position = encodePosition(p);
        expect(decodePosition(parsePosition(positionToString(position)))).toEqual(p);
      }),
    );
  });

  it('orders positions by transaction id, then position, whatever their digit counts', () => {
    fc.assert(
      fc.property(parts, parts, (a, b) => {
        expect(Math.sign(comparePositions(encodePosition(a), encodePosition(b)))).toBe(tupleOrder(a, b));
      }),
    );
    // The cases a plain string or number comparison gets wrong.
    const p = (transactionId: bigint, position: bigint) => encodePosition({ transactionId, position });
    expect(comparePositions(p(9n, 1n), p(10n, 0n))).toBeLessThan(0);
    expect(comparePositions(p(10n, 9n), p(10n, 10n))).toBeLessThan(0);
    expect(comparePositions(p(11n, 1n), p(10n, 999n))).toBeGreaterThan(0);
    expect(comparePositions(p(2n ** 63n, 0n), p(2n ** 63n - 1n, 2n ** 64n - 1n))).toBeGreaterThan(0);
    expect(comparePositions(p(5n, 5n), p(5n, 5n))).toBe(0);
  });

  it('is a fixed-width string that reads as the two numbers', () => {
    expect(positionToString(encodePosition({ transactionId: 742n, position: 17n }))).toBe('00000000000000000742-00000000000000000017');
  });

  it.each([
    '',
    '742-17',
    '00000000000000000742:00000000000000000017',
    '00000000000000000742-0000000000000000017',
    '000000000000000000742-00000000000000000017',
    ' 00000000000000000742-00000000000000000017',
    '00000000000000000742-00000000000000000017\n',
    '-0000000000000000742-00000000000000000017',
    '0000000000000000074a-00000000000000000017',
    '０0000000000000000742-00000000000000000017',
    '18446744073709551616-00000000000000000000', // 2^64: no xid8 is that large
    '00000000000000000000-99999999999999999999',
  ])('rejects %j with InvalidPosition', (text) => {
    expect(() => parsePosition(text)).toThrow(InvalidPosition);
  });

  it('rejects arbitrary strings that are not in the form', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 60 }).filter((s) => !/^\d{20}-\d{20}$/.test(s)),
        (text) => {
          expect(() => parsePosition(text)).toThrow(InvalidPosition);
        },
      ),
    );
  });

  it('refuses to encode parts outside the unsigned 64-bit range', () => {
    expect(() => encodePosition({ transactionId: -1n, position: 0n })).toThrow(RangeError);
    expect(() => encodePosition({ transactionId: 0n, position: 1n << 64n })).toThrow(RangeError);
  });
});
