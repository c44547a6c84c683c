import { errorMessage } from '../../core/caught.js';
import { isPackbotError } from '../../core/errors.js';
import { createMasker, type Masker } from '../../core/masking/masker.js';
import { fsErrorText } from '../../core/fs/errno-text.js';

/**
 * sysexits' EX_CONFIG: a supervisor can tell "fix the config" from a crash worth retrying
 * (systemd: RestartPreventExitStatus=78).
 */
export const EXIT_CONFIG = 78;

/**
 * What a restart cannot cure, so it exits EX_CONFIG too: a config problem, a chat platform
 * refusing its token, and a damaged store (`packbot store recover` first).
 */
const NEEDS_AN_OPERATOR = new Set(['config_invalid', 'config_not_found', 'platform_refused', 'store_corrupt']);

/**
 * The CLI's one error boundary: a clear message on stderr and a non-zero exit. It runs before
 * (or without) a loaded config, so it masks what it can without one: credentials in URLs.
 */
export function reportCliError(err: unknown, stderr: NodeJS.WritableStream = process.stderr, masker: Masker = createMasker()): number {
  if (isPackbotError(err)) {
    stderr.write(`packbot: ${masker.mask(err.describe())}\n`);
    if (err.code === 'usage') return 2;
    return NEEDS_AN_OPERATOR.has(err.code) ? EXIT_CONFIG : 1;
  }
  // A refused file-system call (a state_dir packbot may not write, a full disk) is not a bug: it says what to fix.
  const fs = fsErrorText(err);
  if (fs !== undefined) {
    stderr.write(`packbot: ${masker.mask(fs)}\n`);
    return 1;
  }
  const message = errorMessage(err);
  stderr.write(`packbot: unexpected error: ${masker.mask(message)}\n`);
  return 1;
}
