/**
 * readRegularFile (config.ts) for the small files that are nearly all of a pack's metadata:
 * the same checks (lstat first, O_NOFOLLOW and O_NONBLOCK, fstat after opening), made
 * synchronously. Five system calls on a file in the page cache take microseconds; through the
 * thread pool each was a round trip, and a pack's validation was mostly those. Only for files
 * the walk found small: they are parsed on this thread right after anyway (yaml-safe's
 * OFF_THREAD_ABOVE), which holds the event loop far longer than reading them.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync } from 'node:fs';

/** Files up to this size (by the walk) are read synchronously. */
export const SYNC_READ_MAX = 16 * 1024;

/** The file's text; null when absent or not a regular file. Throws what opening it throws, as readRegularFile. */
export function readRegularFileSync(path: string): string | null {
  try {
    if (!lstatSync(path).isFile()) return null;
  } catch {
    return null;
  }
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    return fstatSync(fd).isFile() ? readFileSync(fd, 'utf8') : null;
  } finally {
    closeSync(fd);
  }
}
