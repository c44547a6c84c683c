/**
 * Refs and paths typed in chat reach git's argv. Validation is the first wall (the second is
 * `--end-of-options` / `--` in every command): the character set alone rules out spaces,
 * `=`, `:`, `@{`, `^`, `~` and globs, so a value can never be an option, a remote helper,
 * a revision expression or pathspec magic.
 */
import { PackbotError } from '../../core/errors.js';
import { quoteForMessage } from '../../core/quote.js';

const MAX_LENGTH = 200;
const SAFE_CHARS = /^[A-Za-z0-9._/-]+$/;
// Same shape the config accepts for repository names: it becomes a directory name.
const REMOTE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
// Any case: git reads hex in capitals as the same object name.
const FULL_SHA_ANY_CASE = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
// Seven is git's shortest default abbreviation; shorter hex (`beef`, `2024`) is only ever a name.
const SHA_PREFIX = /^[0-9a-f]{7,63}$/i;

/** Why `value` is unusable as a ref or path, or undefined when it is fine. */
function problem(value: string): string | undefined {
  if (value.length > MAX_LENGTH) return `it is longer than ${MAX_LENGTH} characters`;
  if (value.startsWith('-')) return 'a leading "-" would be read as an option';
  if (!SAFE_CHARS.test(value)) return 'use only letters, digits, ".", "_", "-" and "/"';
  if (value.includes('..')) return '".." is not allowed';
  if (value.includes('//')) return '"//" is not allowed';
  if (value.startsWith('/')) return 'a leading "/" is not allowed';
  if (value.endsWith('/')) return 'a trailing "/" is not allowed';
  if (value.split('/').some((part) => part.startsWith('.'))) return 'a part starting with "." is not allowed';
  return undefined;
}

/** A branch, tag or commit sha from a user; returns it unchanged or throws git_ref_invalid. */
export function validateRef(ref: string): string {
  if (typeof ref !== 'string' || ref === '') {
    throw new PackbotError('git_ref_invalid', 'Invalid ref: expected a branch, tag or commit sha.');
  }
  const why = problem(ref) ?? (ref.endsWith('.lock') ? 'a ref cannot end in ".lock"' : undefined);
  if (why) throw new PackbotError('git_ref_invalid', `Invalid ref ${quoteForMessage(ref, 60)}: ${why}.`);
  return ref;
}

/** A directory inside a repository ('' = the root); returns it unchanged or throws pack_unsafe. */
export function validatePath(path: string): string {
  if (path === '') return path;
  if (typeof path !== 'string') throw new PackbotError('pack_unsafe', 'Invalid path: expected a string.');
  const why = problem(path);
  if (why) throw new PackbotError('pack_unsafe', `Invalid path ${quoteForMessage(path, 60)} in the repository: ${why}.`);
  return path;
}

/** The repository name becomes a directory under <stateDir>/mirrors. */
export function validateRemoteName(name: string): string {
  if (typeof name !== 'string' || !REMOTE_NAME.test(name)) {
    throw new PackbotError(
      'git_remote_invalid',
      `Invalid repository name ${quoteForMessage(String(name), 60)}: use letters, digits, ".", "_" and "-", starting with a letter or digit.`,
    );
  }
  return name;
}

/**
 * How a requested ref could name a commit: `full` (40 hex, or 64 for SHA-256 repositories)
 * always means that commit and never a branch or tag; `prefix` (7 to 63 hex) might mean one,
 * so a branch or tag of that name makes the request ambiguous; null when it cannot be a sha.
 */
export function shaReading(value: string): 'full' | 'prefix' | null {
  if (FULL_SHA_ANY_CASE.test(value)) return 'full';
  return SHA_PREFIX.test(value) ? 'prefix' : null;
}

export function looksLikeSha(value: string): boolean {
  return shaReading(value) !== null;
}

export function isFullSha(value: string): boolean {
  return FULL_SHA.test(value);
}
