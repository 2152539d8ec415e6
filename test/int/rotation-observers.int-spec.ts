import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { KekRetirement } from '@app/crypto-shredding';
import { enroll, useCryptoContext } from '../support/crypto-context';

describe('keyring rotation: retirement observers', () => {
  const context = useCryptoContext();

  it('are told the retired versions; a failing observer leaves the rotation at retire, and the resumed run retires the same versions and tells them again', async () => {
    await enroll(context.ctx, randomUUID(), 'controller-1', 3);
    const told: KekRetirement[] = [];
    let failNext = true;
    const unregister = context.ctx.rotation.onRetired(async (retirement) => {
      told.push(retirement);
      if (failNext) {
        failNext = false;
        throw new Error('observer down');
      }
    });
    try {
      const first = await context.ctx.rotation.start('admin');
      await expect(context.ctx.rotation.run(first)).rejects.toThrow('observer down');
      expect(await context.ctx.rotation.status(first)).toMatchObject({ phase: 'retire', retiredVersions: [1] });
      // The material went before the observer failed.
      expect(context.ctx.keyring.kekVersions()).toEqual([2]);

      const resumed = await context.ctx.rotation.run(first);
      expect(resumed).toMatchObject({ phase: 'done', kekVersion: 2, retiredVersions: [1] });
      expect(told).toEqual([
        { rotationId: first, kekVersions: [1], allRetiredKekVersions: [1] },
        { rotationId: first, kekVersions: [1], allRetiredKekVersions: [1] },
      ]);

      const second = await context.ctx.rotation.start('admin');
      await context.ctx.rotation.run(second);
      expect(told[2]).toEqual({ rotationId: second, kekVersions: [2], allRetiredKekVersions: [1, 2] });
    } finally {
      unregister();
    }
    const third = await context.ctx.rotation.start('admin');
    await context.ctx.rotation.run(third);
    expect(told).toHaveLength(3);
  }, 60_000);
});
