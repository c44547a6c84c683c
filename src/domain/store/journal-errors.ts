/**
 * The embedded store's failures, as users and the queue see them.
 *
 * - store_corrupt: the files on disk are damaged; start-up stops, naming the file and line
 *   and the recovery commands. Nothing is loaded, so nothing is lost until someone accepts it.
 * - store_unavailable: a write failed for a reason that passes (disk full, file size limit,
 *   I/O error). The store refuses everything meanwhile, retries in the background, and comes
 *   back by itself; the queue treats the code as transient.
 * - store_failed: a write failed for a reason that will not pass on its own (read-only file
 *   system, permissions, another process took the lock). Refused at once, never retried: fix
 *   the cause and restart packbot.
 */
import { errnoCode, errorMessage } from '../../core/caught.js';
import { PackbotError } from '../../core/errors.js';
import { describeProblem, type Problem } from './journal-read.js';

export const RECOVERY_HINT =
  'packbot loaded nothing, so nothing is lost yet: `packbot store check` lists every problem, ' +
  '`packbot store recover --accept-loss` keeps what is intact, writes a fresh snapshot and moves the damaged files aside';

export class StoreCorruptError extends PackbotError {
  constructor(
    readonly dir: string,
    readonly problem: Problem,
  ) {
    super('store_corrupt', `the state store in ${dir} is damaged: ${describeProblem(problem)}. ${RECOVERY_HINT}`);
  }
}

/** Errnos that pass by themselves: space freed, the journal compacted under a size limit, a flaky disk. */
const TRANSIENT: Record<string, string> = {
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file size limit reached',
  EIO: 'I/O error',
  EAGAIN: 'resource temporarily unavailable',
  EINTR: 'interrupted',
  EBUSY: 'device busy',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  ENOMEM: 'out of memory',
};

export interface Outage {
  error: PackbotError;
  transient: boolean;
  errno: string | undefined;
}

/** What a failed write means. Anything not known to pass (EROFS, EACCES, EPERM, ENOENT…) is permanent. */
export function outage(dir: string, err: unknown): Outage {
  const errno = errnoCode(err);
  const why = errno ? TRANSIENT[errno] : undefined;
  if (why) {
    const error = new PackbotError('store_unavailable', `state store unavailable (${why} at ${dir}); packbot retries by itself: try again in a minute`, { cause: err });
    return { error, transient: true, errno };
  }
  return { error: permanent(dir, err), transient: false, errno };
}

export function permanent(dir: string, err: unknown): PackbotError {
  return new PackbotError('store_failed', `the state store in ${dir} stopped: ${errorMessage(err)}; fix that, then restart packbot`, { cause: err });
}
