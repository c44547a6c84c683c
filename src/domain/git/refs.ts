/**
 * Ref → commit. Only three spellings are tried, in order: refs/heads/<ref>, refs/tags/<ref>,
 * and, if it looks like one, a (short) sha. Nothing else reaches rev-parse, so revision syntax
 * (`HEAD~3`, `@{-1}`, `:/text`) is never interpreted even if validation let it through.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PackbotError } from '../../core/errors.js';
import { markBroken, readMirror, tryReadMirror } from './health.js';
import { ensureMirror } from './mirror.js';
import type { Repo } from './repo.js';
import type { GitContext } from './run.js';
import { isFullSha, looksLikeSha, validateRef } from './validate.js';

const LISTED = 5;

export async function resolveRef(ctx: GitContext, repo: Repo, ref: string): Promise<string> {
  validateRef(ref);
  await ensureMirror(ctx, repo);
  const branch = await readBranch(repo.mirrorDir, ref);
  if (branch) return branch;
  const candidates = [`refs/heads/${ref}`, `refs/tags/${ref}`, ...(looksLikeSha(ref) ? [ref] : [])];
  for (const candidate of candidates) {
    const sha = await commitOf(ctx, repo, candidate, ref);
    if (sha) return sha;
  }
  throw new PackbotError('git_ref_unknown', `Unknown ref "${ref}" in repository "${repo.remote.name}"; ${await knownRefs(ctx, repo)}.`);
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** Whether a branch or tag of the mirror points at `sha` (read from the ref files). */
async function referenced(mirrorDir: string, sha: string): Promise<boolean> {
  const packed = await readFile(path.join(mirrorDir, 'packed-refs'), 'utf8').catch(() => '');
  if (packed.split('\n').some((line) => line.startsWith(`${sha} `))) return true;
  for (const kind of ['heads', 'tags']) {
    const files = await readdir(path.join(mirrorDir, 'refs', kind), { recursive: true, withFileTypes: true }).catch(() => []);
    for (const f of files) {
      if (!f.isFile()) continue;
      const text = await readFile(path.join(f.parentPath, f.name), 'utf8').catch(() => '');
      if (text.trim() === sha) return true;
    }
  }
  return false;
}

/**
 * A branch tip read straight from the mirror's refs (loose file, else packed-refs): the
 * common case of every deploy, without starting git. `ref` is validated, so the path stays
 * under refs/heads. Anything unusual (a symbolic ref, no such branch) falls back to git.
 */
async function readBranch(mirrorDir: string, ref: string): Promise<string | null> {
  const loose = await readFile(path.join(mirrorDir, 'refs', 'heads', ref), 'utf8').catch(() => null);
  if (loose !== null) return SHA.test(loose.trim()) ? loose.trim() : null;
  const packed = await readFile(path.join(mirrorDir, 'packed-refs'), 'utf8').catch(() => '');
  const name = `refs/heads/${ref}`;
  for (const line of packed.split('\n')) {
    const [sha, refname] = line.split(' ');
    if (refname === name && sha && SHA.test(sha)) return sha;
  }
  return null;
}

/**
 * A commit argument of the other operations: a full sha is checked to exist; anything else
 * is resolved like a ref, so callers may also pass a branch or tag.
 */
export async function peelCommit(ctx: GitContext, repo: Repo, commit: string): Promise<string> {
  validateRef(commit);
  if (!isFullSha(commit)) return resolveRef(ctx, repo, commit);
  await ensureMirror(ctx, repo);
  const sha = await commitOf(ctx, repo, commit, commit);
  if (sha) return sha;
  if (await referenced(repo.mirrorDir, commit)) {
    // A branch or tag names it, yet the object is gone: the mirror is damaged, not the request.
    throw await markBroken(ctx, repo, new PackbotError('git_failed', `Reading commit ${commit.slice(0, 12)} failed for repository "${repo.remote.name}": the object is missing.`));
  }
  throw new PackbotError('git_ref_unknown', `Commit ${commit.slice(0, 12)} is not in repository "${repo.remote.name}"; it may need a sync, or it was force-pushed away.`);
}

async function commitOf(ctx: GitContext, repo: Repo, candidate: string, ref: string): Promise<string | null> {
  try {
    const out = await tryReadMirror(ctx, repo, 'resolving a ref', ['rev-parse', '--verify', '--quiet', '--end-of-options', `${candidate}^{commit}`]);
    const sha = out?.trim() ?? '';
    return sha === '' ? null : sha;
  } catch (err) {
    if (err instanceof PackbotError && /ambiguous/i.test(err.message)) {
      throw new PackbotError('git_ref_unknown', `The short sha "${ref}" is ambiguous in repository "${repo.remote.name}"; give more of it.`);
    }
    throw err;
  }
}

/** Every branch and tag name, the most recently active first: what a mistyped ref is compared with. */
export async function refNames(ctx: GitContext, repo: Repo): Promise<{ branches: string[]; tags: string[] }> {
  await ensureMirror(ctx, repo);
  const list = async (prefix: string, sort: string) => {
    const out = await readMirror(ctx, repo, 'listing refs', ['for-each-ref', `--sort=${sort}`, '--format=%(refname:lstrip=2)', prefix]);
    return out.split('\n').filter((n) => n !== '');
  };
  const [branches, tags] = await Promise.all([list('refs/heads', '-committerdate'), list('refs/tags', '-creatordate')]);
  return { branches, tags };
}

/** "branches: main, dev; tags: v1.2" — the most recently active first. */
async function knownRefs(ctx: GitContext, repo: Repo): Promise<string> {
  const list = async (prefix: string, sort: string) => {
    const args = ['for-each-ref', `--sort=${sort}`, `--count=${LISTED + 1}`, '--format=%(refname:lstrip=2)', prefix];
    const out = await readMirror(ctx, repo, 'listing refs', args);
    const names = out.split('\n').filter((n) => n !== '');
    return names.length > LISTED ? [...names.slice(0, LISTED), '…'] : names;
  };
  const [branches, tags] = await Promise.all([list('refs/heads', '-committerdate'), list('refs/tags', '-creatordate')]);
  if (branches.length === 0 && tags.length === 0) return 'the repository has no branches or tags';
  const parts = [`branches: ${branches.length > 0 ? branches.join(', ') : 'none'}`];
  if (tags.length > 0) parts.push(`tags: ${tags.join(', ')}`);
  return parts.join('; ');
}
