import { isPackbotError } from '../errors.js';

/** The CLI's one error boundary: a clear message on stderr and a non-zero exit. */
export function reportCliError(err: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (isPackbotError(err)) {
    stderr.write(`packbot: ${err.describe()}\n`);
    return err.code === 'usage' ? 2 : 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  stderr.write(`packbot: unexpected error: ${message}\n`);
  return 1;
}
