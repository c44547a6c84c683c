/**
 * Ref → commit, without letting a name stand in for a commit (issue 15: a branch named as a
 * reviewed commit's full sha used to deploy the attacker's commit). The spellings:
 *  - a full sha (40 hex, 64 in SHA-256 repositories, any case): that commit, never a name;
 *  - `refs/heads/<name>`, `refs/tags/<name>`: that branch or tag, said outright;
 *  - 7 to 63 hex: a sha prefix, unless a branch or tag is called so: then refused as
 *    ambiguous, naming both readings (which one would win is what an attacker picks);
 *  - anything else: a branch, else a tag (a branch wins, as in git).
 * A branch or tag named like a full sha is never used. Nothing else reaches rev-parse, so
 * revision syntax (`HEAD~3`, `@{-1}`, `:/text`) is never interpreted even if validation let it through.
 */
import { PackbotError } from '../../core/errors.js';
import { markBroken, readMirror, tryReadMirror } from './health.js';
import { ensureMirror } from './mirror.js';
import { commitsWithPrefix, namedTips, referenced, type NamedTips } from './named-refs.js';
import type { Repo } from './repo.js';
import type { GitContext } from './run.js';
import { isFullSha, shaReading, validateRef } from './validate.js';

const LISTED = 5;
const EXPLICIT = /^refs\/(heads|tags)\/(.+)$/;

export async function resolveRef(ctx: GitContext, repo: Repo, ref: string): Promise<string> {
  validateRef(ref);
  await ensureMirror(ctx, repo);
  const explicit = EXPLICIT.exec(ref);
  if (explicit) return resolveExplicit(ctx, repo, explicit[1] === 'heads' ? 'heads' : 'tags', explicit[2] ?? '');
  const reading = shaReading(ref);
  if (reading === 'full') return resolveFullSha(ctx, repo, ref.toLowerCase());
  if (reading === 'prefix') {
    const tips = await namedTips(ctx, repo, ref);
    if (tips.branch || tips.tag) throw await ambiguous(ctx, repo, ref, tips);
    const sha = await commitOf(ctx, repo, ref, ref);
    if (sha) return sha;
  } else {
    const tips = await namedTips(ctx, repo, ref, ['heads', 'tags'], true);
    const sha = tips.branch ?? tips.tag;
    if (sha) return sha;
  }
  throw new PackbotError('git_ref_unknown', `Unknown ref "${ref}" in repository "${repo.remote.name}"; ${await knownRefs(ctx, repo)}.`);
}

/** `refs/heads/<name>` or `refs/tags/<name>`: that one ref, unless its name poses as a full sha. */
async function resolveExplicit(ctx: GitContext, repo: Repo, kind: 'heads' | 'tags', name: string): Promise<string> {
  const what = kind === 'heads' ? 'branch' : 'tag';
  if (shaReading(name) === 'full') {
    throw new PackbotError(
      'git_ref_ambiguous',
      `The ${what} "${name.slice(0, 12)}…" in repository "${repo.remote.name}" is named like a full commit sha, so packbot never deploys it; rename the ${what}, or deploy the commit by its sha.`,
    );
  }
  const tips = await namedTips(ctx, repo, name, [kind]);
  const sha = kind === 'heads' ? tips.branch : tips.tag;
  if (sha) return sha;
  throw new PackbotError('git_ref_unknown', `There is no ${what} "${name}" in repository "${repo.remote.name}"; ${await knownRefs(ctx, repo)}.`);
}

/** A full sha is that commit or nothing: a branch or tag of the same name is never read. */
async function resolveFullSha(ctx: GitContext, repo: Repo, sha: string): Promise<string> {
  // Looked up as an object id (never through rev-parse's ref lookup, which also prints a
  // warning, read as a failure, when a ref has the same name and the object is missing).
  const [commit] = await commitsWithPrefix(ctx, repo, sha);
  if (commit) return commit;
  const named = await namedTips(ctx, repo, sha);
  const which = named.branch ? 'a branch' : named.tag ? 'a tag' : null;
  const posing = which ? ` (${which} has that name, but a name shaped like a sha is never deployed)` : '';
  // git_ref_ambiguous when a name poses as the sha: the preflight's "did you mean" would only confuse.
  throw new PackbotError(which ? 'git_ref_ambiguous' : 'git_ref_unknown', `Commit ${sha.slice(0, 12)} is not in repository "${repo.remote.name}"${posing}; check the sha, or sync if it was pushed just now.`);
}

/** `"abc1234" is ambiguous in repository "demo": it is branch abc1234 (at 9f8e7d6) and commit abc1234; say refs/heads/abc1234 …` */
async function ambiguous(ctx: GitContext, repo: Repo, ref: string, tips: NamedTips): Promise<PackbotError> {
  const commits = await commitsWithPrefix(ctx, repo, ref);
  const readings: string[] = [];
  if (tips.branch) readings.push(`branch ${ref} (at ${tips.branch.slice(0, 7)})`);
  if (tips.tag) readings.push(`tag ${ref} (at ${tips.tag.slice(0, 7)})`);
  const [only] = commits;
  readings.push(commits.length === 0 ? 'a commit sha prefix (no commit has it yet)' : commits.length === 1 && only ? `commit ${only.slice(0, 7)}` : `${commits.length} commits`);
  const say = [...(tips.branch ? [`refs/heads/${ref} for the branch`] : []), ...(tips.tag ? [`refs/tags/${ref} for the tag`] : [])];
  return new PackbotError(
    'git_ref_ambiguous',
    `"${ref}" is ambiguous in repository "${repo.remote.name}": it could be ${readings.join(' or ')}; say ${say.join(', ')}, or the commit's full 40-character sha.`,
  );
}

/**
 * A commit argument of the other operations: a full sha is checked to exist; anything else
 * is resolved like a ref, so callers may also pass a branch or tag.
 */
export async function peelCommit(ctx: GitContext, repo: Repo, commit: string): Promise<string> {
  validateRef(commit);
  if (!isFullSha(commit)) return resolveRef(ctx, repo, commit);
  await ensureMirror(ctx, repo);
  const [sha] = await commitsWithPrefix(ctx, repo, commit);
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
      throw new PackbotError('git_ref_ambiguous', `The short sha "${ref}" is ambiguous in repository "${repo.remote.name}"; give more of it.`);
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
