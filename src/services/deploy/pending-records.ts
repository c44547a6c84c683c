/**
 * History records the state store could not take (Redis down, the journal unwritable): kept
 * as files under `state_dir/outcomes/` until they can be appended, so a deploy's record
 * outlives a store outage and a restart of packbot. Each file is written whole (temp file,
 * fsync, rename, fsync of the directory): a crash leaves the record or nothing, never half.
 * Replaying appends each record not already in history, then removes its file; a record
 * whose append failed ambiguously (the store took it, the answer was lost) is therefore
 * looked up first, never appended twice.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { isErrno } from '../../core/caught.js';
import type { HistoryRecord, HistoryStore } from '../../domain/store/history.js';

/** Where outcomes the store could not take wait (this module's records, coord's lock moves). */
export function outcomesDir(stateDir: string): string {
  return join(stateDir, 'outcomes');
}

const SAFE_ID = /^[A-Za-z0-9_.-]{1,100}$/;
/** A deploy id as a file name: as it is when it is safe (they all are), else its hash. */
export function outcomeName(id: string, kind: 'history' | 'outcome'): string {
  const safe = SAFE_ID.test(id) && !id.startsWith('.') ? id : createHash('sha256').update(id).digest('hex').slice(0, 32);
  return `${safe}.${kind}.json`;
}

/** Writes `value` as JSON at `dir/name`, durably and whole. */
export async function writeDurably(dir: string, name: string, value: unknown): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, name);
  const tmp = `${file}.tmp-${process.pid}`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(value)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
  return file;
}

/** Names in `dir` ending in `.<kind>.json`; none when it does not exist. */
export async function outcomeFiles(dir: string, kind: 'history' | 'outcome'): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => n.endsWith(`.${kind}.json`)).sort();
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
}

/** What a saved record must have to be appended (the file is read back from disk: checked). */
const SavedRecord = z.object({ id: z.string().min(1), kind: z.string(), requested_by: z.string() }).passthrough();

export async function savePendingRecord(stateDir: string, record: HistoryRecord): Promise<string> {
  return writeDurably(outcomesDir(stateDir), outcomeName(record.id, 'history'), record);
}

export async function hasPendingRecord(stateDir: string, id: string): Promise<boolean> {
  return (await outcomeFiles(outcomesDir(stateDir), 'history')).includes(outcomeName(id, 'history'));
}

/**
 * Appends saved records to history and removes their files: all of them, or only deploy `id`'s,
 * or those `holdBack` does not hold back (a turn still settling its own). Throws what the store
 * throws (the caller tries again later); a file that is not a record is set aside as `.bad`.
 */
export async function replayPendingRecords(history: HistoryStore, stateDir: string, opts: { id?: string; holdBack?: (id: string) => Promise<boolean> } = {}): Promise<string[]> {
  const dir = outcomesDir(stateDir);
  const names = await outcomeFiles(dir, 'history');
  const replayed: string[] = [];
  for (const name of opts.id === undefined ? names : names.filter((n) => n === outcomeName(opts.id!, 'history'))) {
    const file = join(dir, name);
    let record: HistoryRecord;
    try {
      record = SavedRecord.parse(JSON.parse(await readFile(file, 'utf8'))) as unknown as HistoryRecord;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) continue;
      await rename(file, `${file}.bad`);
      continue;
    }
    if (opts.holdBack && (await opts.holdBack(record.id))) continue;
    if (!(await history.get(record.id))) await history.append(record);
    await rm(file, { force: true });
    replayed.push(record.id);
  }
  return replayed;
}
