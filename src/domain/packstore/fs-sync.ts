/**
 * Making a release durable before it is renamed into view, in one flush for many releases.
 *
 * fsyncing every file and directory of a release cost one disk wait per file: 2,500 small
 * files took ~280 ms of fsyncs where one syncfs(2) of the file system took ~30 ms. Node has
 * no syncfs, so it is `sync -f <dir>` (coreutils ≥ 8.24, busybox ≥ 1.28), one process for
 * every release that asked meanwhile: a caller's flush starts after its call (group commit),
 * so what it wrote before calling is on disk when it returns. syncfs writes the file system's
 * dirty data and metadata and commits its journal, a superset of the per-file fsyncs it
 * replaces; since Linux 5.8 it reports writeback errors as fsync does.
 *
 * Where `sync -f` is missing or refuses (another OS, an old coreutils), every file is
 * fsynced as before (fsyncTree), and so from then on.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { statSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { fsyncTree } from './fsutil.js';

/** How one flush is made; tests pass their own (a counter, a failing one). */
export type SyncFs = (dir: string) => Promise<void>;

/**
 * The flush through one long-lived shell that runs `sync -f` for each directory it reads: a
 * process spawned from packbot costs milliseconds of its own CPU (forking a big heap), one
 * from a small shell does not. The directory is a line on stdin, quoted in the fixed script,
 * never part of a command line. Unreferenced: it never keeps packbot running, and it ends when
 * packbot does (its stdin closes).
 */
const SCRIPT = 'while IFS= read -r d; do if sync -f -- "$d" 2>/dev/null; then echo 0; else echo 1; fi; done';

class SyncHelper {
  private child: ChildProcessByStdio<Writable, Readable, null> | null = null;
  private waiting: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  private buffered = '';

  flush(dir: string): Promise<void> {
    if (dir.includes('\n')) return Promise.reject(new Error('a directory name with a newline'));
    const child = this.child ?? this.start();
    return new Promise((resolve, reject) => {
      // Referenced while a flush is awaited, or packbot could exit in the middle of one.
      if (this.waiting.length === 0) hold(child, true);
      this.waiting.push({ resolve, reject });
      child.stdin.write(`${dir}\n`);
    });
  }

  private start(): ChildProcessByStdio<Writable, Readable, null> {
    // Only PATH (to find sync): packbot's environment holds chat and git tokens.
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };
    const child = spawn('/bin/sh', ['-c', SCRIPT], { cwd: '/', env, stdio: ['pipe', 'pipe', 'ignore'], windowsHide: true });
    this.child = child;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      this.buffered += chunk;
      for (let at = this.buffered.indexOf('\n'); at >= 0; at = this.buffered.indexOf('\n')) {
        const answer = this.buffered.slice(0, at);
        this.buffered = this.buffered.slice(at + 1);
        const next = this.waiting.shift();
        if (this.waiting.length === 0) hold(child, false);
        if (answer === '0') next?.resolve();
        else next?.reject(new Error('sync -f failed'));
      }
    });
    const gone = (err?: Error) => {
      if (this.child !== child) return;
      this.child = null;
      this.buffered = '';
      for (const w of this.waiting.splice(0)) w.reject(err ?? new Error('the sync helper ended'));
    };
    child.on('error', gone);
    child.on('close', () => gone());
    child.stdin.on('error', () => undefined); // reported through 'close'
    hold(child, false);
    return child;
  }
}

/** Whether the helper keeps packbot's event loop alive. */
function hold(child: ChildProcessByStdio<Writable, Readable, null>, held: boolean): void {
  for (const h of [child, child.stdin, child.stdout] as unknown as Array<{ ref?: () => void; unref?: () => void }>) {
    if (held) h.ref?.();
    else h.unref?.();
  }
}

/** syncfs(2) of the file system holding a directory, by `sync -f` in a helper shell of its own (started at the first flush). */
export function syncFsCommand(): SyncFs {
  const helper = new SyncHelper();
  return (dir) => helper.flush(dir);
}

export interface TreeSyncer {
  /** Everything written below `dir` before this call is durable when it resolves. */
  syncTree(dir: string): Promise<void>;
}

/**
 * Flushes are shared per file system (by device id): a release is always on its store's, but
 * a tree on another (a mount below packs_dir) gets its own flush rather than none.
 * `syncFs` failing once (no `sync -f` here) turns it into per-file fsync for good.
 */
export function createTreeSyncer(syncFs: SyncFs = syncFsCommand(), fallback: (dir: string) => Promise<void> = (d) => fsyncTree(d)): TreeSyncer {
  let supported = true;
  const devices = new Map<number, Device>();
  const fallbackSlots = slots(FALLBACK_TREES);

  function viaSyncFs(dir: string): Promise<void> {
    // Synchronous, so a caller has joined (or started) a flush by the time syncTree returns.
    const { dev } = statSync(dir);
    let device = devices.get(dev);
    if (!device) devices.set(dev, (device = { running: null, queued: null }));
    const d = device;
    const flush = (): Promise<void> => {
      const run = syncFs(dir).finally(() => {
        if (d.running === run) d.running = null;
      });
      d.running = run;
      return run;
    };
    if (!d.running) return flush();
    // Who asks while a flush runs waits for the next one: the running one may have started before their writes.
    if (d.queued) return d.queued;
    const queued = d.running.catch(() => undefined).then(() => {
      d.queued = null;
      return flush();
    });
    d.queued = queued;
    return queued;
  }

  return {
    async syncTree(dir) {
      if (supported) {
        try {
          // viaSyncFs throws synchronously only from its stat: the await below catches that too.
          return await viaSyncFs(dir);
        } catch {
          // A failed flush proves nothing was made durable: this tree is fsynced file by file
          // (a real I/O error fails there too, and the release is not renamed into view).
          supported = false;
        }
      }
      await fallbackSlots(() => fallback(dir));
    },
  };
}

/**
 * Trees fsynced file by file at once: each holds up to FSYNC_BATCH file handles (fsutil.ts),
 * and the install stage writes dozens of releases at once (install-order.ts), which would
 * otherwise open thousands.
 */
export const FALLBACK_TREES = 4;

/** Runs at most `n` of the functions it is given at once, the rest in the order they came. */
function slots(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (fn) => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await fn();
    } finally {
      // The slot passes straight to the next in line (running unchanged), or is given back.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

interface Device {
  running: Promise<void> | null;
  queued: Promise<void> | null;
}
