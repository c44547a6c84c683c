/**
 * Reading the embedded store's files back, trusting nothing: every line's checksum and shape,
 * the sequence numbers running on without a gap from the snapshot, and the snapshot being
 * there whenever the journal says it should be. Strict (start-up) stops at the first problem;
 * salvage (`packbot store recover`) notes every problem and keeps whatever is intact.
 *
 * Tolerated, as before checksums: a torn last piece (no newline: a write cut short by a crash,
 * never acknowledged to anyone) and empty lines. Not detectable: whole lines cut off the end
 * of the journal (nothing after them says they existed).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../../core/caught.js';
import { decodeEntry, decodeSnapshot, type Entry, type SnapshotState } from './journal-format.js';

export interface Problem {
  file: string;
  /** 1-based; null for a whole file. */
  line: number | null;
  what: string;
}

export interface ReadState {
  snapshot: { seq: number; state: SnapshotState } | null;
  /** The entries after the snapshot, in order (base and nop lines left out). */
  entries: Entry[];
  /** The last sequence number the files hold. */
  seq: number;
  /** Complete lines in the journal, and their bytes (the torn piece not counted). */
  lines: number;
  bytes: number;
  /** Bytes of a torn last piece (0 when none). */
  torn: number;
  problems: Problem[];
}

export const journalFile = (dir: string) => path.join(dir, 'journal.jsonl');
export const snapshotFile = (dir: string) => path.join(dir, 'snapshot.json');

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw err;
  }
}

export function describeProblem(p: Problem): string {
  return `${p.file}${p.line === null ? '' : ` line ${p.line}`} ${p.what}`;
}

export async function readStateFiles(dir: string, mode: 'strict' | 'salvage'): Promise<ReadState> {
  const journal = journalFile(dir);
  const snapFile = snapshotFile(dir);
  const problems: Problem[] = [];
  const out: ReadState = { snapshot: null, entries: [], seq: 0, lines: 0, bytes: 0, torn: 0, problems };
  const stop = () => mode === 'strict' && problems.length > 0;

  const snapText = await readIfExists(snapFile);
  if (snapText !== null) {
    const snap = decodeSnapshot(snapText);
    if (snap.ok) out.snapshot = { seq: snap.seq, state: snap.state };
    else problems.push({ file: snapFile, line: null, what: snap.problem });
    if (stop()) return out;
  }
  const snapSeq = out.snapshot?.seq ?? 0;
  out.seq = snapSeq;
  // The snapshot's own problem is already noted: do not blame its absence again.
  const missingSnapshot = (why: string) => {
    if (snapText === null || out.snapshot) problems.push({ file: snapFile, line: null, what: why });
  };

  const text = (await readIfExists(journal)) ?? '';
  const lines = text.split('\n');
  const torn = lines.pop() ?? '';
  out.torn = Buffer.byteLength(torn);
  out.bytes = Buffer.byteLength(text) - out.torn;
  let prev: number | null = null;
  let checksummed = false;
  for (let i = 0; i < lines.length && !stop(); i++) {
    const line = lines[i]!;
    const at = { file: journal, line: i + 1 };
    if (line === '') continue;
    out.lines++;
    const d = decodeEntry(line);
    if (!d.ok) {
      problems.push({ ...at, what: d.problem });
      continue;
    }
    if (d.format === 1 && checksummed) {
      problems.push({ ...at, what: 'has no checksum, though lines before it have (added by hand?)' });
      continue;
    }
    checksummed ||= d.format === 2;
    const { entry } = d;
    if (entry.o === 'base') {
      // "Everything up to s is in the snapshot": written right after compaction.
      if (!out.snapshot || out.snapshot.seq < entry.s) {
        const held = out.snapshot ? `holds only entries up to ${out.snapshot.seq}` : 'is missing';
        missingSnapshot(`${held}, though ${journal} line ${i + 1} says it holds every entry up to ${entry.s}`);
      }
      prev = entry.s;
      out.seq = Math.max(out.seq, entry.s);
      continue;
    }
    if (prev === null && entry.s > snapSeq + 1) {
      if (!out.snapshot) missingSnapshot(`is missing, though ${journal} line ${i + 1} starts at entry ${entry.s} (entries up to ${entry.s - 1} were in it)`);
      else problems.push({ ...at, what: `starts at entry ${entry.s}, but the snapshot ends at ${snapSeq}: entries ${snapSeq + 1}–${entry.s - 1} are missing` });
    } else if (prev !== null && entry.s !== prev + 1) {
      problems.push({ ...at, what: entry.s > prev ? `holds entry ${entry.s} right after entry ${prev}: ${entry.s - prev - 1} entr${entry.s - prev - 1 === 1 ? 'y is' : 'ies are'} missing (a deleted line?)` : `holds entry ${entry.s} after entry ${prev} (out of order)` });
    }
    prev = entry.s;
    if (entry.s <= out.seq) continue; // already in the snapshot (a crash between it and the journal's truncation)
    out.seq = Math.max(out.seq, entry.s);
    if (entry.o !== 'nop') out.entries.push(entry);
  }
  return out;
}
