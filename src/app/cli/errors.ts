import { errorMessage } from '../../core/caught.js';
import { isPackbotError } from '../../core/errors.js';
import { createMasker, type Masker } from '../../core/masking/masker.js';

/**
 * The CLI's one error boundary: a clear message on stderr and a non-zero exit. It runs before
 * (or without) a loaded config, so it masks what it can without one: credentials in URLs.
 */
export function reportCliError(err: unknown, stderr: NodeJS.WritableStream = process.stderr, masker: Masker = createMasker()): number {
  if (isPackbotError(err)) {
    stderr.write(`packbot: ${masker.mask(err.describe())}\n`);
    return err.code === 'usage' ? 2 : 1;
  }
  const message = errorMessage(err);
  stderr.write(`packbot: unexpected error: ${masker.mask(message)}\n`);
  return 1;
}
