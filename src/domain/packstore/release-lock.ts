/**
 * Cross-process mutual exclusion for one pack's releases (src/core/fs/file-lock.ts). Within one process
 * the caller already serialises per pack; this guards against a second packbot, or a
 * restarted one, on the same packs dir.
 */
import { LockTimeoutError, withFileLock } from '../../core/fs/file-lock.js';
import { PackbotError } from '../../core/errors.js';

export interface LockOptions {
  /** How long a hung owner's lock blocks others (a crashed owner's is taken over at once). */
  staleMs: number;
  /** Give up waiting after this long; a live owner holding this long is a real conflict. */
  waitMs: number;
}

export const DEFAULT_LOCK: LockOptions = { staleMs: 10_000, waitMs: 120_000 };

/** Throws if the lock was lost (e.g. the event loop stalled past staleMs and another process took over). */
export type LockGuard = () => void;

/**
 * Run fn holding the lock at lockPath. Call the guard before each irreversible step so a
 * lost lock stops the work instead of racing the new owner.
 */
export async function withLock<T>(
  lockPath: string,
  what: string,
  opts: LockOptions,
  fn: (guard: LockGuard) => Promise<T>,
): Promise<T> {
  try {
    return await withFileLock(lockPath, { staleMs: opts.staleMs, waitMs: opts.waitMs }, (held) =>
      fn(() => {
        const lost = held.lost();
        if (lost) throw new PackbotError('packstore_busy', `lost the lock on ${what}; another packbot took it over`, { cause: lost });
      }),
    );
  } catch (err) {
    if (err instanceof LockTimeoutError) throw new PackbotError('packstore_busy', `${what} is locked by another packbot process; try again later`);
    throw err;
  }
}
