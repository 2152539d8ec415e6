import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Logger } from '@nestjs/common';
import lockfile from 'proper-lockfile';
import { appendLineDurably, writeFileAtomically } from './atomic-file';

export interface LedgerEntry {
  id: string;
  at: string;
  keyIds: string[];
  /** KEK versions that wrapped these keys; the entry can go once all of them are retired. */
  kekVersions: number[];
  /**
   * The destroying transaction's id (`pg_current_xact_id()`, xid8 as text): the restore guard asks
   * PostgreSQL for its fate (`pg_xact_status`) instead of guessing from the key rows. Absent in
   * entries written before it was recorded.
   */
  xid?: string;
}

type LedgerLine = ({ op: 'intent' } & LedgerEntry) | { op: 'commit'; id: string };

// Every process that shares the keyring folder (api, worker, CLI) appends to and compacts the same
// file: an advisory lock folder beside it keeps a compaction from dropping a line appended between
// its read and its rename. Contention is short (one fsynced line), so waiting is cheap.
const logger = new Logger('ErasureLedger');
const LOCK_OPTIONS: lockfile.LockOptions = {
  realpath: false,
  stale: 10_000,
  retries: { retries: 2000, factor: 1.2, minTimeout: 1, maxTimeout: 10, randomize: true },
  // The default throws from a timer and ends the process; a lock held past `stale` (an event loop
  // stalled for 10 s) is worth a warning, not an outage.
  onCompromised: (error) => logger.warn({ err: error }, 'erasure ledger lock was taken over after going stale'),
};

/**
 * Destroyed key ids, kept beside the keyring (not in the database, so restoring an old database
 * cannot bring them back). An intent (with the transaction id) is written before the destroying
 * transaction commits and a commit mark after; the restore guard re-applies committed entries and
 * settles open intents by their transaction's fate.
 */
export class ErasureLedger {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  async recordIntent(keyIds: string[], kekVersions: number[], xid?: string): Promise<LedgerEntry> {
    const entry: LedgerEntry = { id: randomUUID(), at: new Date().toISOString(), keyIds, kekVersions, ...(xid ? { xid } : {}) };
    await this.exclusive(() => appendLineDurably(this.file, JSON.stringify({ op: 'intent', ...entry })));
    return entry;
  }

  async recordCommit(id: string): Promise<void> {
    await this.exclusive(() => appendLineDurably(this.file, JSON.stringify({ op: 'commit', id })));
  }

  async read(): Promise<{ committed: LedgerEntry[]; pending: LedgerEntry[] }> {
    if (!existsSync(this.file)) return { committed: [], pending: [] };
    const intents = new Map<string, LedgerEntry>();
    const commits = new Set<string>();
    for (const line of (await readFile(this.file, 'utf8')).split('\n')) {
      if (!line.trim()) continue;
      let parsed: LedgerLine;
      try {
        parsed = JSON.parse(line) as LedgerLine;
      } catch {
        continue; // a line torn by a crash mid-append; everything before it was fsynced
      }
      if (parsed.op === 'intent') {
        const { id, at, keyIds, kekVersions, xid } = parsed;
        intents.set(id, { id, at, keyIds, kekVersions, ...(xid ? { xid } : {}) });
      } else if (parsed.op === 'commit') commits.add(parsed.id);
    }
    const entries = [...intents.values()];
    return { committed: entries.filter((e) => commits.has(e.id)), pending: entries.filter((e) => !commits.has(e.id)) };
  }

  /**
   * Rewrites the ledger keeping committed entries that `keep` accepts and every pending intent but
   * the `dropPending` ones. Reads and replaces under the file lock, so a line another process
   * appends meanwhile is never lost.
   */
  async rewrite(keep: (entry: LedgerEntry) => boolean, changes: { dropPending?: Set<string> } = {}): Promise<number> {
    const dropPending = changes.dropPending ?? new Set<string>();
    return this.exclusive(async () => {
      const { committed, pending } = await this.read();
      const kept = committed.filter(keep);
      const lines = [
        ...kept.flatMap((e) => [JSON.stringify({ op: 'intent', ...e }), JSON.stringify({ op: 'commit', id: e.id })]),
        ...pending.filter((e) => !dropPending.has(e.id)).map((e) => JSON.stringify({ op: 'intent', ...e })),
      ];
      await writeFileAtomically(this.file, lines.length ? `${lines.join('\n')}\n` : '');
      return committed.length - kept.length;
    });
  }

  /** One writer at a time: in this process by a queue, across processes by the lock folder. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const locked = async () => {
      const release = await lockfile.lock(this.file, LOCK_OPTIONS);
      try {
        return await work();
      } finally {
        await release();
      }
    };
    const next = this.queue.then(locked, locked);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
