/**
 * The embedded store's durability: `journal.jsonl` plus `snapshot.json` in one directory
 * (line and snapshot formats: journal-format.ts; reading them back: journal-read.ts).
 *
 * Each mutation is one checksummed line with a sequence number, appended through an O_APPEND
 * fd; its promise resolves once the line is fsync'd. Lines that arrive while a write is in
 * flight go out together in the next write+fsync, so concurrent callers share one fsync.
 *
 * Compaction writes the whole state and the last sequence number it holds to a temp file,
 * fsyncs, renames it over `snapshot.json`, then truncates the journal and starts it with a
 * `base` line. Lines still queued are in the snapshot, so they are acknowledged then and never
 * written. Replay skips lines the snapshot already holds, so a crash between those steps
 * neither loses nor double-applies anything (list appends are not idempotent).
 *
 * A failed write (journal-errors.ts says which errnos pass) rejects everything pending and
 * rolls memory back to what is on disk: no caller ever saw it succeed, so nothing is lost and
 * nothing half-done stays. Then, for a passing cause, the store answers `store_unavailable`
 * and tries again in the background (a `nop` line; a compaction when a file size limit was
 * hit) with growing pauses, until the disk takes writes again: no restart needed.
 */
import { constants } from 'node:fs';
import { open, rename, truncate, unlink, type FileHandle } from 'node:fs/promises';
import { errorMessage } from '../../core/caught.js';
import type { PackbotError } from '../../core/errors.js';
import { encodeEntry, encodeSnapshot, type Entry, type Mutation, type SnapshotState } from './journal-format.js';
import { outage, permanent, StoreCorruptError, type Outage } from './journal-errors.js';
import { deferred, fsyncDir, writeSynced, type Deferred } from './journal-io.js';
import { journalFile, readStateFiles, snapshotFile } from './journal-read.js';

export type { Change, Entry, Mutation, SnapshotState } from './journal-format.js';

export interface JournalOptions {
  /** Compact once the journal holds this many lines or bytes since the last snapshot. */
  compactEntries: number;
  compactBytes: number;
  /** The live state, for a snapshot; must not include anything expired. */
  dump(): SnapshotState;
  /** Forget the in-memory state (before it is read back from disk after a failed write). */
  reset(): void;
  /** Told when the store becomes unavailable (why) and when it is back (null). */
  onHealth?: (problem: string | null) => void;
}

// O_APPEND: every write lands at the end whatever else happened to the file.
const APPEND = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND;
/** Pauses between background retries: 250 ms doubling to 15 s. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 15_000;
const PROBE_MAX_BYTES = 64 * 1024;

type Restore = (snap: SnapshotState) => void;
type Apply = (entry: Entry) => void;

export class Journal {
  private seq = 0;
  private entries = 0;
  /** The journal's length as last fsync'd: a failed write is cut back to it. */
  private bytes = 0;
  private queue: string[] = [];
  private batch: Deferred | null = null;
  private tail: Promise<void> = Promise.resolve();
  private draining = false;
  private drained: Promise<void> = Promise.resolve();
  private fh: FileHandle | null = null;
  private handlers: { restore: Restore; apply: Apply } | null = null;
  /** Set while writes fail: the store refuses everything (see the file comment). */
  private down: Outage | null = null;
  private retryMs = 0;
  /** The size of the write that failed, which the retry writes again (as padding). */
  private failedBytes = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private retrying: Promise<void> = Promise.resolve();
  /** No compaction before this time, after one failed (a nearly full disk). */
  private compactAfter = 0;
  private closing = false;

  constructor(
    private readonly dir: string,
    private readonly opts: JournalOptions,
  ) {}

  /** Why the store refuses calls now, or null. */
  get unavailable(): PackbotError | null {
    return this.down?.error ?? null;
  }

  /** Hands back the snapshot, then every later entry in order; afterwards the journal takes writes. */
  async load(restore: Restore, apply: Apply): Promise<void> {
    this.handlers = { restore, apply };
    await this.readBack();
    this.fh = await open(journalFile(this.dir), APPEND, 0o600);
  }

  private async readBack(): Promise<void> {
    const read = await readStateFiles(this.dir, 'strict');
    if (read.problems[0]) throw new StoreCorruptError(this.dir, read.problems[0]);
    if (read.snapshot) this.handlers!.restore(read.snapshot.state);
    for (const entry of read.entries) this.handlers!.apply(entry);
    this.seq = read.seq;
    this.entries = read.lines;
    this.bytes = read.bytes;
    // Cut the torn piece off, or the next line appended would be glued to it.
    if (read.torn > 0) await truncate(journalFile(this.dir), this.bytes);
  }

  /** Number the mutation and queue it; resolves once it is on disk. */
  append(mutation: Mutation): Promise<void> {
    if (this.down) return Promise.reject(this.down.error);
    this.queue.push(encodeEntry({ ...mutation, s: ++this.seq }));
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

  /** Stops the store for good (another process took its lock). */
  fail(err: unknown, what = 'a write failed'): void {
    const error = permanent(this.dir, new Error(`${what}: ${errorMessage(err)}`, { cause: err }));
    this.down = { error, transient: false, errno: undefined };
    if (this.retryTimer) clearTimeout(this.retryTimer); // the files are another process's now
    this.opts.onHealth?.(error.message);
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.tail.catch(() => undefined);
    await this.drained; // a compaction or a roll-back may still be running
    await this.retrying;
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
        if (this.down) {
          done.reject(this.down.error);
          continue;
        }
        try {
          await this.writeDurably(lines.join(''));
          this.entries += lines.length;
        } catch (err) {
          this.failedBytes = Math.min(PROBE_MAX_BYTES, lines.reduce((n, l) => n + Buffer.byteLength(l), 0));
          await this.wentDown(err, done);
          continue;
        }
        done.resolve();
        const big = this.entries >= this.opts.compactEntries || this.bytes >= this.opts.compactBytes;
        if (big && Date.now() >= this.compactAfter && !this.closing) await this.compactOrWait();
      }
    } finally {
      this.draining = false;
    }
  }

  /** A failed compaction that left the journal as it was only postpones the next one. */
  private async compactOrWait(): Promise<void> {
    try {
      await this.compact();
      this.compactAfter = 0;
    } catch (err) {
      if (err instanceof AfterRename) await this.wentDown(err.cause, null);
      else this.compactAfter = Date.now() + 60_000;
    }
  }

  /** Rejects what is pending, reads the state back from disk, and retries in the background. */
  private async wentDown(err: unknown, done: Deferred | null): Promise<void> {
    this.down = outage(this.dir, err);
    done?.reject(this.down.error);
    // Lines queued behind the failed ones were applied in memory too: refused and rolled back with them.
    this.batch?.reject(this.down.error);
    this.batch = null;
    this.queue = [];
    this.tail = Promise.resolve(); // nothing is pending any more: reads after the recovery must not wait on the refused batch
    this.opts.onHealth?.(this.down.error.message);
    try {
      this.opts.reset();
      await this.readBack();
    } catch (readErr) {
      this.down = { error: readErr instanceof StoreCorruptError ? readErr : permanent(this.dir, readErr), transient: false, errno: undefined };
      return;
    }
    if (this.down.transient) this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.closing) return;
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs === 0 ? RETRY_FIRST_MS : this.retryMs * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.retrying = this.retry();
    }, this.retryMs);
    // A store waiting for disk space must not keep a stopping process alive.
    this.retryTimer.unref();
  }

  /** Does the disk take writes again? A size limit is only got under by compacting. */
  private async retry(): Promise<void> {
    if (this.closing || !this.down?.transient) return;
    try {
      if (this.down.errno === 'EFBIG') await this.compact();
      else {
        // As many bytes as the write that failed: a disk with a few bytes left is not back yet.
        await this.writeDurably(encodeEntry({ o: 'nop', s: this.seq + 1, pad: '.'.repeat(this.failedBytes) }));
        this.seq++;
        this.entries++;
      }
    } catch (err) {
      const cause = err instanceof AfterRename ? err.cause : err;
      const next = outage(this.dir, cause);
      // The same cause keeps its errno (EFBIG keeps asking for a compaction).
      this.down = next.transient ? { ...next, errno: next.errno ?? this.down.errno } : next;
      if (next.transient) this.scheduleRetry();
      else this.opts.onHealth?.(next.error.message);
      return;
    }
    this.down = null;
    this.retryMs = 0;
    this.opts.onHealth?.(null);
  }

  private async writeDurably(text: string): Promise<void> {
    const fh = this.fh;
    if (!fh) throw new Error('the journal is not open');
    const buf = Buffer.from(text);
    try {
      for (let off = 0; off < buf.length; ) off += (await fh.write(buf, off)).bytesWritten;
      await fh.sync();
    } catch (err) {
      // Cut back to what was durable: no half line stays for the next write to extend, and
      // a retried line is never there twice.
      await fh.truncate(this.bytes).catch(() => undefined);
      throw err;
    }
    this.bytes += buf.length;
  }

  private async compact(): Promise<void> {
    // Serialised synchronously, so it is exactly the state at `seq` (queued lines included):
    // lists keep changing while the file is written, and a later push must not sneak in.
    const at = this.seq;
    const text = encodeSnapshot(at, this.opts.dump());
    const taken = { lines: this.queue, batch: this.batch };
    this.queue = [];
    this.batch = null;
    const file = snapshotFile(this.dir);
    const tmp = `${file}.tmp`;
    try {
      await writeSynced(tmp, text);
      await rename(tmp, file);
      await fsyncDir(this.dir);
    } catch (err) {
      await unlink(tmp).catch(() => undefined); // a nearly full disk needs that space back
      // Not in a snapshot after all: the queued lines go to the journal, ahead of later ones.
      this.queue = [...taken.lines, ...this.queue];
      const later = this.batch as Deferred | null; // appended while the snapshot was written
      if (taken.batch && later) later.promise.then(taken.batch.resolve, taken.batch.reject);
      else this.batch = later ?? taken.batch;
      throw err;
    }
    taken.batch?.resolve();
    // From here a crash replays the old journal over the snapshot, skipping what it holds.
    try {
      await this.fh!.truncate(0);
      this.bytes = 0;
      this.entries = 0;
      await this.writeDurably(encodeEntry({ o: 'base', s: at }));
      this.entries = 1;
    } catch (err) {
      throw new AfterRename(err);
    }
  }
}

/** A compaction failed after its snapshot was in place: the journal may be half-truncated, so writes stop. */
class AfterRename extends Error {
  constructor(override readonly cause: unknown) {
    super(errorMessage(cause));
  }
}
