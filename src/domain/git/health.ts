/**
 * Whether a mirror can be trusted, and what happens when it cannot. A fetch cannot notice a
 * lost object behind an up-to-date ref, so read operations that trip over damage mark the
 * mirror, and the next sync clones it again instead of fetching.
 */
import { statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../../core/caught.js';
import { PackbotError } from '../../core/errors.js';
import { inMirror, type Repo } from './repo.js';
import { runGit, tryGit, type GitContext, type RunSpec } from './run.js';

const BROKEN_MARK = 'packbot-broken';
// What `git init --bare` writes on any platform, plus the URL packbot records. Anything else
// (include.path, url.*.insteadOf, core.hooksPath, filter.*, http.proxy…) was put there by
// someone else and could make git run commands or send the token elsewhere.
const EXPECTED_CONFIG =
  /^(core\.(repositoryformatversion|filemode|bare|logallrefupdates|ignorecase|precomposeunicode|symlinks)|extensions\.objectformat|remote\.origin\.url)$/;
// Damage, including git's own *.lock files left by a git that was SIGKILLed: under packbot's
// mirror lock no other git can be holding them, so they are stale by construction.
const CORRUPT =
  /corrupt|bad object|loose object|unable to read|not a git repository|is missing|missing (blob|tree|commit|object)|did not send all necessary objects|invalid (sha1|object)|packfile|index file|bad signature|is empty|unable to parse|unable to create '[^']*\.lock'|could not lock config file/i;

export function isCorruption(err: unknown): err is PackbotError {
  return err instanceof PackbotError && err.code === 'git_failed' && CORRUPT.test(err.message);
}

/**
 * Synchronous: asked before every read of a pack (materialize), a thousand times in a deploy
 * of a thousand packs, and a stat takes microseconds where a thread-pool round trip took more.
 */
async function exists(p: string): Promise<boolean> {
  try {
    return statSync(p, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

export async function hasMirror(repo: Repo): Promise<boolean> {
  return exists(path.join(repo.mirrorDir, 'HEAD'));
}

/** Flags the mirror for a fresh clone and says so in the error the user sees. */
export async function markBroken(ctx: GitContext, repo: Repo, err: PackbotError): Promise<PackbotError> {
  ctx.verified.delete(repo.mirrorDir);
  await writeFile(path.join(repo.mirrorDir, BROKEN_MARK), `${err.message}\n`).catch(() => undefined);
  ctx.logger.warn({ repo: repo.remote.name, reason: err.message }, 'git mirror is damaged; the next sync clones it again');
  return new PackbotError('git_failed', `${err.message.replace(/\.$/, '')} (the local mirror is damaged; the next sync clones it again).`);
}

/**
 * The keys of a git config file, read without running git (this runs before every fetch).
 * Anything the simple reader does not understand counts as tampering: the mirror is cloned
 * again rather than trusted.
 */
export function configKeys(text: string): string[] | null {
  const keys: string[] = [];
  let section: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([A-Za-z0-9.-]+)(?:\s+"([^"\\]*)")?\]$/.exec(line);
    if (header) {
      section = header[2] === undefined ? (header[1] ?? '').toLowerCase() : `${(header[1] ?? '').toLowerCase()}.${header[2]}`;
      continue;
    }
    const entry = /^([A-Za-z][A-Za-z0-9-]*)\s*(=|$)/.exec(line);
    if (!entry || section === null || line.endsWith('\\')) return null;
    keys.push(`${section}.${(entry[1] ?? '').toLowerCase()}`);
  }
  return keys;
}

/** A bare repository, not marked broken, with only packbot's config, whose branch and tag tips can all be read. */
export async function isHealthy(ctx: GitContext, repo: Repo): Promise<boolean> {
  if (!(await hasMirror(repo)) || (await exists(path.join(repo.mirrorDir, BROKEN_MARK)))) return false;
  try {
    const text = await readFile(path.join(repo.mirrorDir, 'config'), 'utf8');
    const keys = configKeys(text);
    const unexpected = keys === null ? ['(unreadable config)'] : keys.filter((k) => !EXPECTED_CONFIG.test(k));
    if (unexpected.length > 0) {
      ctx.logger.warn({ repo: repo.remote.name, keys: unexpected }, 'git mirror config has settings packbot did not write');
      return false;
    }
    if (!/^\s*bare\s*=\s*true\s*$/im.test(text)) return false;
    // Reading every tip costs a git process; once per process is enough, since damage found
    // later by any read marks the mirror broken (markBroken) and forgets this.
    if (!ctx.verified.has(repo.mirrorDir)) {
      await runGit(ctx, inMirror(repo, 'checking the mirror', ['rev-list', '--count', '--no-walk', '--branches', '--tags']));
      ctx.verified.add(repo.mirrorDir);
    }
    return true;
  } catch (err) {
    ctx.logger.debug({ repo: repo.remote.name, reason: errorMessage(err) }, 'git mirror failed its health check');
    return false;
  }
}

/** Runs a read; damage it trips over marks the mirror for a fresh clone. */
export async function guarded<T>(ctx: GitContext, repo: Repo, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isCorruption(err)) throw await markBroken(ctx, repo, err);
    throw err;
  }
}

/** Read from the mirror; damage found on the way marks it for a fresh clone. */
export function readMirror(ctx: GitContext, repo: Repo, what: string, args: string[], extra: Partial<RunSpec> = {}): Promise<string> {
  return guarded(ctx, repo, () => runGit(ctx, inMirror(repo, what, args, extra)));
}

/** readMirror, but a quiet "not found" (`--verify --quiet`) is null. */
export function tryReadMirror(ctx: GitContext, repo: Repo, what: string, args: string[]): Promise<string | null> {
  return guarded(ctx, repo, () => tryGit(ctx, inMirror(repo, what, args)));
}
