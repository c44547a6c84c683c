/**
 * Before a deploy is queued: does its ref exist, and does every pack it names? A typo is
 * answered at once, in one message with the close matches, instead of being queued,
 * announced and then failing. One fetch; the deploy itself still resolves the ref again
 * when it runs (the branch may have moved meanwhile).
 */
import { closeMatches, code, listNames, oneOf } from '../../core/close-matches.js';
import { PackbotError } from '../../core/errors.js';
import type { Git } from '../../domain/git/index.js';
import { looksLikeSha } from '../../domain/git/validate.js';
import type { ResolvedRepository } from './resolve.js';

export interface Preflight {
  /** The commit the ref names now. */
  commit: string;
  /** The packs the deploy touches: the ones named, or every pack at the commit. */
  packs: string[];
}

/** Throws git_ref_unknown or pack_unknown with suggestions; git's own failures pass through. */
export async function preflight(git: Git, repo: ResolvedRepository, ref: string, named: readonly string[]): Promise<Preflight> {
  await git.sync(repo.remote);
  const commit = await resolveOrSuggest(git, repo, ref);
  if (repo.subtree === false) return { commit, packs: [named[0] ?? repo.name] };
  const dirs = (await git.packTrees(repo.remote, commit)).map((t) => t.name);
  // A raw URL's layout is unknown: without packs/ its root is the pack.
  if (repo.subtree === null && dirs.length === 0) return { commit, packs: [named[0] ?? repo.name] };
  if (dirs.length === 0) {
    throw new PackbotError('pack_unknown', `${repo.name} has no packs under packs/ at ${ref} (${commit.slice(0, 7)}); if the repository root is a pack, set subtree: false for it.`);
  }
  if (named.length === 0) return { commit, packs: dirs };
  const missing = named.filter((n) => !dirs.includes(n));
  if (missing.length > 0) throw new PackbotError('pack_unknown', unknownPacks(missing, dirs, repo.name, ref));
  return { commit, packs: [...named] };
}

async function resolveOrSuggest(git: Git, repo: ResolvedRepository, ref: string): Promise<string> {
  try {
    return await git.resolveRef(repo.remote, ref);
  } catch (err) {
    // An ambiguous short sha is git's to explain; only "not there" gets the suggestions.
    if (!(err instanceof PackbotError) || err.code !== 'git_ref_unknown' || /ambiguous/i.test(err.message)) throw err;
  }
  const { branches, tags } = await git.refNames(repo.remote);
  throw new PackbotError('git_ref_unknown', unknownRef(ref, repo.name, branches, tags));
}

/** "There is no branch `featre-x` in demo. Did you mean `feature-x`? Branches: `main`, `feature-x`." */
export function unknownRef(ref: string, repo: string, branches: readonly string[], tags: readonly string[]): string {
  const nearBranches = closeMatches(ref, branches);
  const nearTags = closeMatches(ref, tags);
  const near = [...nearBranches, ...nearTags].slice(0, 3);
  const what = looksLikeSha(ref) ? 'branch, tag or commit'
    : near.length > 0 && nearTags.length === 0 ? 'branch'
      : near.length > 0 && nearBranches.length === 0 ? 'tag'
        : tags.length > 0 ? 'branch or tag' : 'branch';
  const parts = [`There is no ${what} ${code(ref)} in ${repo}.`];
  if (near.length > 0) parts.push(`Did you mean ${oneOf(near)}?`);
  // Long lists only when nothing close was found: then they are all there is to go on.
  const show = (names: readonly string[]) => names.length > 0 && (names.length <= 10 || near.length === 0);
  if (branches.length === 0 && tags.length === 0) parts.push('The repository has no branches or tags.');
  if (show(branches)) parts.push(`Branches: ${listNames(branches)}.`);
  if (show(tags)) parts.push(`Tags: ${listNames(tags)}.`);
  return parts.join(' ');
}

/** "No pack `dokcer` in demo at main: did you mean `docker`? Packs there: …" — every unknown one at once. */
export function unknownPacks(missing: readonly string[], dirs: readonly string[], repo: string, ref: string): string {
  const hint = (name: string) => {
    const near = closeMatches(name, dirs);
    return near.length > 0 ? `did you mean ${oneOf(near)}?` : '';
  };
  const there = dirs.length <= 10 || missing.every((m) => hint(m) === '') ? ` Packs there: ${listNames(dirs)}.` : '';
  const [only] = missing;
  if (missing.length === 1 && only !== undefined) {
    const h = hint(only);
    return `No pack ${code(only)} in ${repo} at ${ref}${h === '' ? '.' : `: ${h}`}${there}`;
  }
  const each = missing.map((m) => (hint(m) === '' ? code(m) : `${code(m)} (${hint(m)})`));
  return `No packs ${each.join(', ')} in ${repo} at ${ref}.${there}`;
}
