/**
 * The embedded store's durability: `journal.jsonl` plus `snapshot.json` in one directory.
 *
 * Each mutation is one JSON line with a sequence number, appended through an O_APPEND fd; its
 * promise resolves once the line is fsync'd. Lines that arrive while a write is in flight go
 * out together in the next write+fsync, so concurrent callers share one fsync.
 *
 * Compaction writes the whole state and the last sequence number it holds to a temp file,
 * fsyncs, renames it over `snapshot.json`, then truncates the journal. Replay skips lines the
 * snapshot already holds, so a crash between those steps neither loses nor double-applies
 * anything (list appends are not idempotent, so this matters). A torn last line (a write cut
 * short by a crash, never acknowledged) is ignored and cut off.
 */
import { constants } from 'node:fs';
import { open, readFile, rename, truncate, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, errorMessage } from '../../core/caught.js';
import { PackbotError } from '../../core/errors.js';

/** One change; `zadd`/`zrem` change an ordered index (member `m`, score `n`). */
export type Change =
  | { o: 'set'; k: string; v: string; x?: number }
  | { o: 'del'; k: string }
  | { o: 'push'; k: string; v: string; m: number }
  | { o: 'zadd'; k: string; m: string; n: number }
  | { o: 'zrem'; k: string; m: string };

/** An entry before the journal numbers it: one change, or several that land together (one line, so a crash keeps all or none). */
export type Mutation = Change | { o: 'tx'; t: Change[] };

export type Entry = Mutation & { s: number };

export interface SnapshotState {
  kv: Array<[key: string, value: string, expiresAt: number | null]>;
  lists: Array<[name: string, values: string[]]>;
  /** Ordered indexes; absent in snapshots written before they existed. */
  indexes?: Array<[name: string, members: Array<[member: string, score: number]>]>;
}

interface Snapshot extends SnapshotState {
  seq: number;
}

export interface JournalOptions {
  /** Compact once the journal holds this many lines or bytes since the last snapshot. */
  compactEntries: number;
  compactBytes: number;
  /** The live state, for a snapshot; must not include anything expired. */
  dump(): SnapshotState;
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Rejections reach whoever awaits; a batch nobody awaits must not crash the process.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

// O_APPEND: every write lands at the end whatever else happened to the file.
const APPEND = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND;

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw err;
  }
}

export class Journal {
  private seq = 0;
  private entries = 0;
  private bytes = 0;
  private queue: string[] = [];
  private batch: Deferred | null = null;
  private tail: Promise<void> = Promise.resolve();
  private draining = false;
  private drained: Promise<void> = Promise.resolve();
  private fh: FileHandle | null = null;
  /** Set once a write failed: memory may be ahead of disk, so the store must refuse everything. */
  failed: Error | null = null;

  constructor(
    private readonly dir: string,
    private readonly opts: JournalOptions,
  ) {}

  private get journalFile() {
    return path.join(this.dir, 'journal.jsonl');
  }

  private get snapshotFile() {
    return path.join(this.dir, 'snapshot.json');
  }

  /** Hands back the snapshot, then every later entry in order; afterwards the journal takes writes. */
  async load(restore: (snap: SnapshotState) => void, apply: (entry: Entry) => void): Promise<void> {
    const snapText = await readIfExists(this.snapshotFile);
    if (snapText !== null) {
      const snap = JSON.parse(snapText) as Snapshot;
      this.seq = snap.seq;
      restore(snap);
    }
    const text = (await readIfExists(this.journalFile)) ?? '';
    const lines = text.split('\n');
    const torn = lines.pop() ?? '';
    lines.forEach((line, i) => {
      if (line === '') return;
      let entry: Entry;
      try {
        entry = JSON.parse(line) as Entry;
      } catch {
        throw new PackbotError('internal', `the state journal ${this.journalFile} is corrupt at line ${i + 1}; restore it from a backup or move it aside`);
      }
      this.entries++;
      if (entry.s <= this.seq) return; // already in the snapshot
      this.seq = entry.s;
      apply(entry);
    });
    this.bytes = Buffer.byteLength(text) - Buffer.byteLength(torn);
    // Cut the torn piece off, or the next line appended would be glued to it.
    if (torn !== '') await truncate(this.journalFile, this.bytes);
    this.fh = await open(this.journalFile, APPEND, 0o600);
  }

  /** Number the mutation and queue it; resolves once it is on disk. */
  append(mutation: Mutation): Promise<void> {
    const entry = { ...mutation, s: ++this.seq };
    this.queue.push(`${JSON.stringify(entry)}\n`);
    if (!this.batch) {
      this.batch = deferred();
      this.tail = this.batch.promise;
    }
    const done = this.batch.promise;
    if (!this.draining) this.drained = this.drain();
    return done;
  }

  /** Resolves once everything appended so far is on disk. */
  settled(): Promise<void> {
    return this.tail;
  }

  fail(err: unknown, what = 'a write failed'): void {
    const why = errorMessage(err);
    this.failed ??= new Error(`the state store in ${this.dir} stopped because ${what}: ${why}`, { cause: err });
  }

  async close(): Promise<void> {
    await this.tail.catch(() => undefined);
    await this.drained; // a compaction may still be running
    await this.fh?.close().catch(() => undefined);
    this.fh = null;
  }

  private async drain(): Promise<void> {
    // Cleared in the same tick the loop finds no batch, so an append from then on starts a
    // new drain (an await between the two would strand that append's batch).
    this.draining = true;
    try {
      while (this.batch) {
        const lines = this.queue;
        const done = this.batch;
        this.queue = [];
        this.batch = null;
        if (this.failed) {
          done.reject(this.failed);
          continue;
        }
        try {
          await this.writeDurably(lines.join(''));
          this.entries += lines.length;
        } catch (err) {
          this.fail(err);
          done.reject(this.failed);
          continue;
        }
        done.resolve();
        if (this.entries >= this.opts.compactEntries || this.bytes >= this.opts.compactBytes) {
          // The batch is already durable; a failed compaction stops further writes, since
          // the journal handle may be gone.
          await this.compact().catch((err: unknown) => this.fail(err, 'compaction failed'));
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async writeDurably(text: string): Promise<void> {
    const fh = this.fh;
    if (!fh) throw new Error('the journal is not open');
    const buf = Buffer.from(text);
    for (let off = 0; off < buf.length; ) off += (await fh.write(buf, off)).bytesWritten;
    await fh.sync();
    this.bytes += buf.length;
  }

  private async compact(): Promise<void> {
    // Serialised synchronously, so it is exactly the state at `seq` (queued lines included):
    // lists keep changing while the file is written, and a later push must not sneak in.
    const text = JSON.stringify({ seq: this.seq, ...this.opts.dump() } satisfies Snapshot);
    const tmp = `${this.snapshotFile}.tmp`;
    const out = await open(tmp, 'w', 0o600);
    try {
      await out.writeFile(text);
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(tmp, this.snapshotFile);
    await fsyncDir(this.dir);
    // From here a crash replays the old journal over the snapshot, skipping what it holds.
    await this.fh?.close();
    this.fh = null;
    this.fh = await open(this.journalFile, APPEND | constants.O_TRUNC, 0o600);
    this.entries = 0;
    this.bytes = 0;
  }
}
