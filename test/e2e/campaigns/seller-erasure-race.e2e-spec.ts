import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KeyShredder } from '@app/crypto-shredding';
import { DataSource } from 'typeorm';
import { expectProblem, streamEventTypes } from '../../support/problem-assertions';
import { startTestApp, type TestApp } from '../../support/test-app';
import { tokenFor } from '../../support/tokens';

// A seller rename racing that seller's erasure, driven with two connections: the destroyer's
// transaction holds the seller's key row while the rename runs. The rename must wait for it
// (FOR SHARE on the key row, like every append to a customer) and then see the key gone: 410,
// nothing appended. Without the lock it reads the still-committed live key and appends a name
// that is born erased.

describe('PUT /v1/sellers/:id racing the seller\'s erasure', () => {
  let t: TestApp;
  let dataSource: DataSource;
  let shredder: KeyShredder;
  let service: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp();
    dataSource = t.app.get(DataSource);
    shredder = t.app.get(KeyShredder);
    service = { Authorization: `Bearer ${await tokenFor(t.config, ['service'], ['*'], 'dialer')}` };
  });
  afterAll(() => t.close());

  /** Resolves once a backend waits for a lock held by `holderPid`, or once `settled` resolves first. */
  async function lockWaiterOr(holderPid: number, settled: Promise<unknown>): Promise<'waiting' | 'settled'> {
    let done = false;
    void settled.finally(() => (done = true));
    const deadline = Date.now() + 10_000;
    while (!done) {
      const waiters: unknown[] = await dataSource.query(
        `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND $1 = ANY(pg_blocking_pids(pid))`,
        [holderPid],
      );
      if (waiters.length > 0) return 'waiting';
      if (Date.now() > deadline) throw new Error('the rename neither waited for the destroyer nor answered within 10 s');
      await new Promise((resolve) => setImmediate(resolve));
    }
    return 'settled';
  }

  it('waits for the uncommitted destroy, then answers 410 and appends nothing', async () => {
    const sellerId = `seller-${randomUUID().slice(0, 8)}`;
    await t.http.put(`/v1/sellers/${sellerId}`).set(service).send({ name: 'Ola Selger' }).expect(200);
    const stream = `seller-${sellerId}`;
    expect(await streamEventTypes(t, stream)).toEqual(['SellerUpserted']);

    const destroyer = dataSource.createQueryRunner();
    await destroyer.connect();
    let committed = false;
    try {
      await destroyer.startTransaction();
      const [{ pid }] = (await destroyer.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[];
      const destroyed = await shredder.destroy(destroyer.manager, { sellerIds: [sellerId] }, { actor: 'race-test' });
      expect(destroyed.keysDestroyed).toBe(1);

      const rename = t.http.put(`/v1/sellers/${sellerId}`).set(service).send({ name: 'Ola Nytt-Navn' }).then((answer) => answer);
      const reached = await lockWaiterOr(pid, rename);

      await destroyer.commitTransaction();
      committed = true;
      await shredder.confirm(destroyed, { vacuum: false });

      const answer = await rename;
      expectProblem(answer, 410);
      expect(answer.body).toMatchObject({ type: 'urn:campaign-ledger:problem:seller-erased', title: 'Gone' });
      // The rename really was held by the destroyer's row lock, not decided before it.
      expect(reached).toBe('waiting');
    } finally {
      if (!committed) await destroyer.rollbackTransaction().catch(() => undefined);
      await destroyer.release();
    }
    expect(await streamEventTypes(t, stream)).toEqual(['SellerUpserted']);
    // And after the race, a rename is refused outright.
    expectProblem(await t.http.put(`/v1/sellers/${sellerId}`).set(service).send({ name: 'Again' }), 410);
    expect(await streamEventTypes(t, stream)).toEqual(['SellerUpserted']);
  });
});
