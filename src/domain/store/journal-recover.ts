/**
 * `packbot store check` and `packbot store recover --accept-loss`: what start-up refuses
 * (journal-read.ts), reported in full, and the way out that keeps what is intact.
 *
 * Recovery keeps an intact snapshot, then applies every journal line that passes its checks,
 * in order, past gaps and bad lines (a line lost in a gap may have changed something a later
 * line relies on: the report lists every gap so someone can look). The result becomes a fresh
 * snapshot and an empty journal; the damaged files are kept beside them as
 * `<name>.damaged-<time>`. Each step leaves either the old files or the new ones in place,
 * so a crash during recovery is fixed by running it again.
 */
import { copyFile, mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { isErrno } from '../../core/caught.js';
import { PackbotError } from '../../core/errors.js';
import { acquireFileLock, LockTimeoutError, type HeldLock } from '../../core/fs/file-lock.js';
import { encodeEntry, encodeSnapshot } from './journal-format.js';
import { fsyncDir, writeSynced } from './journal-io.js';
import { describeProblem, journalFile, readStateFiles, snapshotFile } from './journal-read.js';
import { MemoryState } from './memory-state.js';

export interface StoreReport {
  ok: boolean;
  /** Each problem: file, line, what is wrong. */
  problems: string[];
  /** What recovery would keep (or, when ok, what the store holds). */
  keys: number;
  lists: number;
  indexes: number;
  /** The last sequence number. */
  seq: number;
}

export interface Recovery extends StoreReport {
  /** Copies of the damaged files, beside the new ones. */
  movedAside: string[];
}

const storeDir = (stateDir: string) => path.join(stateDir, 'state');

async function salvage(stateDir: string, now: () => number) {
  const dir = storeDir(stateDir);
  const read = await readStateFiles(dir, 'salvage');
  const mem = new MemoryState(now);
  if (read.snapshot) mem.restore(read.snapshot.state);
  for (const entry of read.entries) mem.apply(entry);
  const state = mem.dump();
  const report: StoreReport = {
    ok: read.problems.length === 0, problems: read.problems.map(describeProblem),
    keys: state.kv.length, lists: state.lists.length, indexes: state.indexes?.length ?? 0, seq: read.seq,
  };
  return { dir, state, report };
}

/** Reads everything, changes nothing; safe while packbot runs. */
export async function checkStateDir(stateDir: string, now: () => number = Date.now): Promise<StoreReport> {
  const first = (await salvage(stateDir, now)).report;
  // A running packbot may have compacted between our reads of the snapshot and the journal,
  // which looks like a mismatch: damage is damage only when a second read sees it too.
  return first.ok ? first : (await salvage(stateDir, now)).report;
}

/** Replaces damaged files by what is intact in them. Needs the store's lock: packbot must be stopped. */
export async function recoverStateDir(stateDir: string, opts: { acceptLoss: boolean; now?: () => number }): Promise<Recovery> {
  const dir = storeDir(stateDir);
  await mkdir(dir, { recursive: true });
  let lock: HeldLock;
  try {
    lock = await acquireFileLock(path.join(dir, '.lock'), { staleMs: 60_000, waitMs: 0 });
  } catch (err) {
    if (!(err instanceof LockTimeoutError)) throw err;
    throw new PackbotError('store_locked', `a packbot is running on the state_dir ${stateDir}: stop it first, then recover`, { cause: err });
  }
  try {
    const { state, report } = await salvage(stateDir, opts.now ?? Date.now);
    if (report.ok) return { ...report, movedAside: [] };
    if (!opts.acceptLoss) {
      throw new PackbotError('usage', 'recovering loses whatever the damaged lines held; nothing was changed. Run again with --accept-loss to keep what is intact', { details: report.problems });
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const movedAside: string[] = [];
    for (const file of [journalFile(dir), snapshotFile(dir)]) {
      const aside = `${file}.damaged-${stamp}`;
      try {
        await copyFile(file, aside);
        movedAside.push(aside);
      } catch (err) {
        if (!isErrno(err, 'ENOENT')) throw err;
      }
    }
    // The fresh snapshot first, then a journal saying "everything up to seq is in it".
    await writeSynced(`${snapshotFile(dir)}.tmp`, encodeSnapshot(report.seq, state));
    await writeSynced(`${journalFile(dir)}.tmp`, encodeEntry({ o: 'base', s: report.seq }));
    await rename(`${snapshotFile(dir)}.tmp`, snapshotFile(dir));
    await rename(`${journalFile(dir)}.tmp`, journalFile(dir));
    await fsyncDir(dir);
    return { ...report, movedAside };
  } finally {
    await lock.release().catch(() => undefined);
  }
}
