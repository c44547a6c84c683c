/**
 * A cross-process lock on a directory name: `mkdir` is atomic everywhere, and the directory
 * holds `owner.json` ({pid, host, token}). The holder touches that file as a heartbeat. A
 * waiter takes the lock over at once when the holder was a process on this host that no
 * longer exists (a crash or SIGKILL), and otherwise when the heartbeat is older than
 * `staleMs` (a holder on another host, or one that hung).
 *
 * The lock directory appears and disappears whole: it is built under a temporary name with
 * its owner.json and renamed into place, and released by renaming it aside first. So a
 * process killed at any moment leaves either a lock with an owner (judged by its pid) or
 * none; a lock directory without a readable owner can only be debris of an older packbot,
 * and is taken over at once.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { errnoCode } from '../caught.js';
import { processAlive } from '../process-alive.js';

export interface FileLockOptions {
  staleMs: number;
  /** Give up after waiting this long for a live holder. */
  waitMs: number;
  pollMs?: number;
  /** Called once if the lock is taken from us while held (we stalled past staleMs). */
  onLost?: (err: Error) => void;
}

export interface HeldLock {
  /** Non-null once another process took the lock over. */
  lost(): Error | null;
  release(): Promise<void>;
}

export class LockTimeoutError extends Error {
  readonly code = 'ELOCKED';
}

interface Owner {
  pid: number;
  host: string;
  token: string;
  since: string;
}

const OWNER = 'owner.json';

async function readOwner(lockDir: string): Promise<{ owner: Owner | null; touchedMs: number | null }> {
  const file = path.join(lockDir, OWNER);
  try {
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    return { owner: JSON.parse(text) as Owner, touchedMs: info.mtimeMs };
  } catch {
    // Created but not yet written (or being removed): judge by the directory's age.
    const info = await stat(lockDir).catch(() => null);
    return { owner: null, touchedMs: info?.mtimeMs ?? null };
  }
}

function abandoned(owner: Owner | null, touchedMs: number | null, staleMs: number): boolean {
  if (!owner) return touchedMs !== null;
  if (owner && owner.host === hostname() && owner.pid !== process.pid && !processAlive(owner.pid)) return true;
  return touchedMs !== null && Date.now() - touchedMs > staleMs;
}

/** Move an abandoned lock aside; if what we moved turns out to be a fresh lock, put it back. */
async function takeOver(lockDir: string, seen: Owner | null): Promise<void> {
  const aside = `${lockDir}.stale-${randomUUID()}`;
  try {
    await rename(lockDir, aside);
  } catch {
    return; // someone else moved it first
  }
  const { owner } = await readOwner(aside);
  // Not what we judged abandoned (a fresh lock slipped in between): give it back.
  if (owner && owner.token !== seen?.token) {
    await rename(aside, lockDir).catch(() => undefined);
    return;
  }
  await rm(aside, { recursive: true, force: true });
}

/**
 * The lock, owner and all, in one rename; false when someone holds it. The fast path is three
 * tiny synchronous calls (a deploy takes a lock per pack, dozens at once): on the thread pool
 * each would wait behind the others' file operations for far longer than it takes.
 */
async function create(lockDir: string, me: Owner): Promise<boolean> {
  // Nothing else ever makes this name (the token is this acquisition's own), and a failed
  // attempt removes it below: no removal first. The parent is made only when missing.
  const fresh = `${lockDir}.new-${me.token}`;
  try {
    mkdirSync(fresh);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
    await mkdir(path.dirname(lockDir), { recursive: true });
    mkdirSync(fresh);
  }
  try {
    writeFileSync(path.join(fresh, OWNER), JSON.stringify(me));
    // Onto a missing name, or an empty directory (debris): atomic; onto a held lock: refused.
    renameSync(fresh, lockDir);
    return true;
  } catch (err) {
    await rm(fresh, { recursive: true, force: true });
    if (['EEXIST', 'ENOTEMPTY', 'EISDIR', 'ENOTDIR'].includes(errnoCode(err) ?? '')) return false;
    throw err;
  }
}

/** Whose lock this is, by owner.json alone (no stat: releasing needs only the token). */
function ownerToken(lockDir: string): string | null {
  try {
    return (JSON.parse(readFileSync(path.join(lockDir, OWNER), 'utf8')) as Owner).token ?? null;
  } catch {
    return null;
  }
}

/** A lock directory moved aside: it holds owner.json only, so two removals instead of a recursive walk. */
async function removeAside(aside: string): Promise<void> {
  try {
    unlinkSync(path.join(aside, OWNER));
    rmdirSync(aside);
  } catch {
    await rm(aside, { recursive: true, force: true });
  }
}

/** Half-built or half-removed lock directories of processes killed mid-way (`x.lock.new-…`, `x.lock.old-…`). */
async function sweepDebris(lockDir: string, staleMs: number): Promise<void> {
  const prefix = `${path.basename(lockDir)}.`;
  const names = await readdir(path.dirname(lockDir)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^(new|old|stale)-/.test(name.slice(prefix.length))) continue;
    const dir = path.join(path.dirname(lockDir), name);
    const { owner, touchedMs } = await readOwner(dir);
    const dead = owner !== null && owner.host === hostname() && !processAlive(owner.pid);
    if (dead || (touchedMs !== null && Date.now() - touchedMs > staleMs)) await rm(dir, { recursive: true, force: true });
  }
}

export async function acquireFileLock(lockDir: string, opts: FileLockOptions): Promise<HeldLock> {
  const deadline = Date.now() + opts.waitMs;
  const poll = opts.pollMs ?? 50;
  const me: Owner = { pid: process.pid, host: hostname(), token: randomUUID(), since: new Date().toISOString() };
  let swept = false;
  for (;;) {
    if (await create(lockDir, me)) break;
    // Only when the lock is there: a crash is the likely reason, and the fast path stays one
    // mkdir, one write and one rename (a pack lock's parent lists every pack).
    if (!swept) {
      swept = true;
      await sweepDebris(lockDir, opts.staleMs);
    }
    const { owner, touchedMs } = await readOwner(lockDir);
    if (abandoned(owner, touchedMs, opts.staleMs)) {
      await takeOver(lockDir, owner);
      continue;
    }
    if (Date.now() >= deadline) throw new LockTimeoutError(`${lockDir} is held by another process`);
    await sleep(poll);
  }

  const ownerFile = path.join(lockDir, OWNER);
  let lost: Error | null = null;
  const check = async () => {
    const { owner } = await readOwner(lockDir);
    if (owner?.token === me.token) {
      const now = new Date();
      await utimes(ownerFile, now, now).catch(() => undefined);
      return;
    }
    if (!lost) {
      lost = new Error(`lock ${lockDir} was taken over by another process`);
      clearInterval(heartbeat);
      opts.onLost?.(lost);
    }
  };
  const heartbeat = setInterval(() => void check(), Math.max(100, Math.floor(opts.staleMs / 4)));
  heartbeat.unref();
  return {
    lost: () => lost,
    async release() {
      clearInterval(heartbeat);
      if (lost) return;
      // Synchronous, as taking it (create): a few tiny calls.
      if (ownerToken(lockDir) !== me.token) return;
      const aside = `${lockDir}.old-${me.token}`;
      renameSync(lockDir, aside);
      await removeAside(aside);
    },
  };
}

export async function withFileLock<T>(lockDir: string, opts: FileLockOptions, fn: (held: HeldLock) => Promise<T>): Promise<T> {
  const held = await acquireFileLock(lockDir, opts);
  try {
    return await fn(held);
  } finally {
    await held.release().catch(() => undefined);
  }
}
