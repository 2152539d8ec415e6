import { describe, expect, it } from '@jest/globals';
import { resetWalTarget } from './restored-log.check';

const EPOCH = 1n << 32n;
const SEGMENT = 1n << 20n;

describe('resetWalTarget (pg_resetwal -e/-x after a logical restore)', () => {
  it('raises the epoch past the newest restored transaction and moves the counter to the next pg_xact segment', () => {
    // Source: newest transaction_id 12,884,902,400 = 3 * 2^32 + 512. Target cluster's next xid: 771.
    const target = resetWalTarget(3n * EPOCH + 512n, 771n);
    expect(target).toEqual({ epoch: 4n, xid: 1_048_576n });
    expect(target.epoch * EPOCH + target.xid).toBe(17_180_917_760n);
  });

  it.each([
    ['a counter just below a segment boundary', 0n, SEGMENT - 5n],
    ['a counter deep into the epoch', 7n * EPOCH + 4_000_000_000n, 2n * EPOCH + 123_456_789n],
    ['a counter about to wrap', 2n * EPOCH, EPOCH - 100n],
  ])('always lands on a segment boundary, ahead of the newest restored transaction and a little ahead of the counter: %s', (_, newest, next) => {
    const { epoch, xid } = resetWalTarget(newest, next);
    expect(epoch * EPOCH + xid).toBeGreaterThan(newest);
    expect(xid % SEGMENT).toBe(0n);
    expect(xid).toBeGreaterThan(0n);
    // Moving forward, by far less than 2^31 (modulo 2^32, as rows compare their xids).
    const forward = (xid - (next % EPOCH) + EPOCH) % EPOCH;
    expect(forward).toBeGreaterThanOrEqual(1n << 16n);
    expect(forward).toBeLessThan(1n << 22n);
  });
});
