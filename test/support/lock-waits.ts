import type { DataSource } from 'typeorm';

/** The backend pid of the connection behind a query runner or transaction manager. */
export async function backendPid(db: Pick<DataSource, 'query'>): Promise<number> {
  const [{ pid }] = await db.query('SELECT pg_backend_pid() AS pid');
  return pid;
}

/**
 * Resolves with the pid of a backend waiting for a lock that `blockerPid` holds, once one shows up
 * in `pg_stat_activity`: the way to drive an interleaving without sleeps.
 */
export async function waitForLockWaiter(db: Pick<DataSource, 'query'>, blockerPid: number, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const rows: { pid: number }[] = await db.query(
      `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND $1 = ANY(pg_blocking_pids(pid))`,
      [blockerPid],
    );
    if (rows.length > 0) return rows[0].pid;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`no backend waited for a lock held by ${blockerPid} within ${timeoutMs} ms`);
}
