/**
 * A failed file-system call as a person can act on it. Node's own text (`EACCES: permission
 * denied, mkdir '/srv/packs/.releases'`) names the errno and the call, not what is wrong or
 * what to do; where it would reach a reply it is put as one line that names the path and the
 * fix. The path stays in the text: the chat responder masks server paths on the way out.
 */
import path from 'node:path';
import { errnoCode } from '../caught.js';

/** Calls that only read: a refusal there is about reading, not writing. */
const READS = new Set(['access', 'lstat', 'opendir', 'read', 'readlink', 'realpath', 'scandir', 'stat']);

interface FsError {
  code: string;
  syscall?: string;
  path?: string;
}

function fsError(err: unknown): FsError | undefined {
  const code = errnoCode(err);
  if (code === undefined || !(err instanceof Error)) return undefined;
  const { syscall, path: at } = err as { syscall?: unknown; path?: unknown };
  return { code, ...(typeof syscall === 'string' ? { syscall } : {}), ...(typeof at === 'string' ? { path: at } : {}) };
}

/**
 * One line for a permission, read-only, full-disk or file-size error of a file-system call;
 * undefined for anything else (its own message says enough, or it is not about the disk).
 */
export function fsErrorText(err: unknown): string | undefined {
  const e = fsError(err);
  if (!e) return undefined;
  const where = e.path ?? 'a file';
  // A new entry is refused by its directory: that is what has to change.
  const dir = e.path === undefined ? 'its directory' : path.dirname(e.path);
  switch (e.code) {
    case 'EACCES':
    case 'EPERM': {
      if (e.syscall !== undefined && READS.has(e.syscall)) {
        return `packbot may not read ${where} (permission denied): let the user packbot runs as read it (its owner or permissions: chown or chmod), then try again.`;
      }
      return `packbot may not write ${where} (permission denied): make ${dir} writable by the user packbot runs as (its owner or permissions: chown or chmod), then try again.`;
    }
    case 'EROFS':
      return `packbot cannot write ${where}: the file system is read-only. Mount it read-write, or point packbot.yaml at a writable directory, then try again.`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `packbot cannot write ${where}: no space left (${e.code === 'EDQUOT' ? 'disk quota reached' : 'disk full'}). Free some space on that file system, then try again.`;
    case 'EFBIG':
      return `packbot cannot write ${where}: the file is larger than the file system or packbot's file-size limit (ulimit -f) allows.`;
    default:
      return undefined;
  }
}
