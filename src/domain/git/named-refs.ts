/**
 * Looking up exactly one branch or tag, or the commits a sha prefix could mean, without git's
 * DWIM: `rev-parse x` tries x, refs/x, refs/tags/x, refs/heads/x, … in turn, so a branch
 * named `refs/heads/main` or a hex name could answer for something else. Names are validated
 * (validate.ts) before they get here, so the paths built from them stay under refs/.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { readMirror, tryReadMirror } from './health.js';
import type { Repo } from './repo.js';
import type { GitContext } from './run.js';

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export interface NamedTips {
  /** The commit of refs/heads/<name>, or null when there is no such branch. */
  branch: string | null;
  /** The commit refs/tags/<name> peels to, or null. */
  tag: string | null;
}

/**
 * A branch tip read straight from the mirror's refs (loose file, else packed-refs): the
 * common case of every deploy, without starting git. Anything unusual (a symbolic ref, no
 * such branch) is null, and the caller asks git.
 */
export async function readBranch(mirrorDir: string, name: string): Promise<string | null> {
  const loose = await readFile(path.join(mirrorDir, 'refs', 'heads', name), 'utf8').catch(() => null);
  if (loose !== null) return SHA.test(loose.trim()) ? loose.trim() : null;
  const packed = await readFile(path.join(mirrorDir, 'packed-refs'), 'utf8').catch(() => '');
  const full = `refs/heads/${name}`;
  for (const line of packed.split('\n')) {
    const [sha, refname] = line.split(' ');
    if (refname === full && sha && SHA.test(sha)) return sha;
  }
  return null;
}

/**
 * The branch and the tag called exactly `name` (`kinds` limits which are looked up). With
 * `branchWins`, a branch found stops the search: the tag is left null, unread (no git started).
 */
export async function namedTips(
  ctx: GitContext, repo: Repo, name: string, kinds: ReadonlyArray<'heads' | 'tags'> = ['heads', 'tags'], branchWins = false,
): Promise<NamedTips> {
  const tips: NamedTips = { branch: null, tag: null };
  if (kinds.includes('heads')) tips.branch = await readBranch(repo.mirrorDir, name);
  if (tips.branch && branchWins) return tips;
  const wanted = kinds.filter((k) => k === 'tags' || tips.branch === null);
  if (wanted.length === 0) return tips;
  // for-each-ref matches whole path components: `refs/heads/x` lists refs/heads/x and refs/heads/x/…; only the exact name counts.
  const patterns = wanted.map((k) => `refs/${k}/${name}`);
  const out = await readMirror(ctx, repo, 'resolving a ref', ['for-each-ref', '--format=%(refname) %(objectname) %(objecttype)', ...patterns]);
  for (const line of out.split('\n')) {
    const [refname, oid, type] = line.split(' ');
    if (!oid || !SHA.test(oid) || !refname || !patterns.includes(refname)) continue;
    // A commit is its own answer; an annotated tag (or anything else) is peeled by git.
    const commit = type === 'commit' ? oid : await peel(ctx, repo, oid);
    if (refname.startsWith('refs/heads/')) tips.branch = commit;
    else tips.tag = commit;
  }
  return tips;
}

/** The commit an object id peels to (itself, or what an annotated tag points at), or null. */
export async function peel(ctx: GitContext, repo: Repo, oid: string): Promise<string | null> {
  // A full object id is never looked up as a ref name by git, so this cannot be redirected.
  const out = await tryReadMirror(ctx, repo, 'resolving a ref', ['rev-parse', '--verify', '--quiet', '--end-of-options', `${oid}^{commit}`]);
  const sha = out?.trim() ?? '';
  return sha === '' ? null : sha;
}

/** Every commit (peeled, distinct) whose object id, or whose tag object's id, starts with `prefix`. */
export async function commitsWithPrefix(ctx: GitContext, repo: Repo, prefix: string): Promise<string[]> {
  const out = await tryReadMirror(ctx, repo, 'resolving a ref', ['rev-parse', `--disambiguate=${prefix.toLowerCase()}`]);
  const oids = (out ?? '').split('\n').map((l) => l.trim()).filter((l) => SHA.test(l));
  const commits = new Set<string>();
  // Blobs and trees share the prefix space; only what peels to a commit is a reading of the ref.
  for (const oid of oids.slice(0, 20)) {
    const commit = await peel(ctx, repo, oid);
    if (commit) commits.add(commit);
  }
  return [...commits];
}

/** Whether a branch or tag of the mirror points at `sha` (read from the ref files, no git). */
export async function referenced(mirrorDir: string, sha: string): Promise<boolean> {
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
