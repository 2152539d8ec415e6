import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { appendLineDurably, writeFileAtomically } from './atomic-file';

export interface LedgerEntry {
  id: string;
  at: string;
  keyIds: string[];
  /** KEK versions that wrapped these keys; the entry can go once all of them are retired. */
  kekVersions: number[];
}

type LedgerLine = ({ op: 'intent' } & LedgerEntry) | { op: 'commit'; id: string };

/**
 * Destroyed key ids, kept beside the keyring (not in the database, so restoring an old database
 * cannot bring them back). An intent is written before the destroying transaction commits and a
 * commit mark after; the restore guard re-applies committed entries and settles open intents.
 */
export class ErasureLedger {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  async recordIntent(keyIds: string[], kekVersions: number[]): Promise<LedgerEntry> {
    const entry: LedgerEntry = { id: randomUUID(), at: new Date().toISOString(), keyIds, kekVersions };
    await this.serialized(() => appendLineDurably(this.file, JSON.stringify({ op: 'intent', ...entry })));
    return entry;
  }

  async recordCommit(id: string): Promise<void> {
    await this.serialized(() => appendLineDurably(this.file, JSON.stringify({ op: 'commit', id })));
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
      if (parsed.op === 'intent') intents.set(parsed.id, { id: parsed.id, at: parsed.at, keyIds: parsed.keyIds, kekVersions: parsed.kekVersions });
      else if (parsed.op === 'commit') commits.add(parsed.id);
    }
    const entries = [...intents.values()];
    return { committed: entries.filter((e) => commits.has(e.id)), pending: entries.filter((e) => !commits.has(e.id)) };
  }

  /** Rewrites the ledger keeping committed entries that `keep` accepts and dropping the given pending ones. */
  async rewrite(keep: (entry: LedgerEntry) => boolean, dropPending: Set<string> = new Set()): Promise<number> {
    return this.serialized(async () => {
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

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
