/**
 * One fetch per mirror at a time, across processes: two packbot instances sharing a state
 * dir (or two deploys in one process) must never write into the same bare repository at once.
 * A holder that crashed is detected at once (see src/core/fs/file-lock.ts).
 */
import { LockTimeoutError, withFileLock } from '../../core/fs/file-lock.js';
import { PackbotError } from '../../core/errors.js';
import type { Logger } from '../../core/logging/logger.js';
import { formatLimit } from '../../core/duration.js';

const STALE_MS = 20_000;

export async function withMirrorLock<T>(
  mirrorDir: string,
  opts: { repo: string; waitMs: number; logger: Logger },
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await withFileLock(`${mirrorDir}.lock`, {
      staleMs: STALE_MS,
      waitMs: opts.waitMs,
      pollMs: 100,
      onLost: (err) => opts.logger.error({ repo: opts.repo, err: err.message }, 'git mirror lock was lost while syncing'),
    }, () => fn());
  } catch (err) {
    if (err instanceof LockTimeoutError) {
      throw new PackbotError('git_timeout', `Gave up waiting ${formatLimit(opts.waitMs)} for another sync of repository "${opts.repo}" to finish.`);
    }
    throw err;
  }
}
