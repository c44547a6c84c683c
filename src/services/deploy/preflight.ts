/**
 * Before a deploy is queued: does its ref exist, and does every pack it names? A typo is
 * answered at once, in one message with the close matches, instead of being queued,
 * announced and then failing. One fetch; the deploy itself still resolves the ref again
 * when it runs (the branch may have moved meanwhile). Each pack's own name, its pack.yaml
 * ref, is read here too (pack-refs.ts): what the queue, locks and permissions go by.
 */
import { closeMatches, code, listNames, oneOf } from '../../core/close-matches.js';
import { PackbotError } from '../../core/errors.js';
import type { YamlPool } from '../../core/yaml-safe/index.js';
import type { Git, PackTreeEntry } from '../../domain/git/index.js';
import type { Release } from '../../domain/packstore/meta.js';
import { looksLikeSha } from '../../domain/git/validate.js';
import { notAPack, noPacksAmong, splitPackTrees } from './not-packs.js';
import { keyOf, subtreeTargets, type RefReader } from './pack-refs.js';
import type { ResolvedRepository } from './resolve.js';
import { readRoot, type RefKind } from './single-pack.js';

export interface Preflight {
  /** The commit the ref names now. */
  commit: string;
  /** That ref: as asked, or a single-pack repository's word read as the ref (single-pack.ts). */
  ref: string;
  /** Set when the word was read as the ref: what kind of ref it is. */
  readAs?: RefKind;
  /** The pack directories the deploy touches: the ones named (or named by ref), or every pack at the commit. */
  packs: string[];
  /** Directory → the ref it installs as (pack.yaml), when it could be read. */
  refs: Record<string, string>;
  /** What the queue, the locks and the permission checks go by: each directory's ref. */
  keys: string[];
}

function found(commit: string, ref: string, packs: string[], refs: Record<string, string>): Preflight {
  return { commit, ref, packs, refs, keys: [...new Set(packs.map((d) => keyOf(refs, d)))] };
}

/**
 * Throws git_ref_unknown or pack_unknown with suggestions, or usage when two directories are
 * one pack; git's own failures pass through. A name that is no directory is taken as a ref.
 * `word`: a single-pack repository's one word with no ref asked (DeployPlan.word).
 */
export async function preflight(git: Git, repo: ResolvedRepository, ref: string, named: readonly string[], yaml?: YamlPool, installed?: () => Promise<readonly Release[]>, word?: string): Promise<Preflight> {
  await git.sync(repo.remote);
  const commit = await resolveOrSuggest(git, repo, ref);
  let reader: RefReader = { git, remote: repo.remote, commit, ...(yaml ? { yaml } : {}) };
  // A root pack: the repository is the pack, under one directory name (the repository's, as a
  // push names it) and one key (its pack.yaml ref), whatever word the request used.
  const root = async () => {
    const read = await readRoot({ git, repo, ...(yaml ? { yaml } : {}) }, { ref, commit }, named, word);
    const refs = read.packRef === null ? {} : { [repo.name]: read.packRef };
    return { ...found(read.commit, read.ref, [repo.name], refs), ...(read.readAs ? { readAs: read.readAs } : {}) };
  };
  if (repo.subtree === false) return root();
  const trees = await git.packTrees(repo.remote, commit);
  // A raw URL's layout is unknown: without packs/ its root is the pack.
  if (repo.subtree === null && trees.length === 0) return root();
  if (trees.length === 0) {
    throw new PackbotError('pack_unknown', `${repo.name} has no packs under packs/ at ${ref} (${commit.slice(0, 7)}); if the repository root is a pack, set subtree: false for it.`);
  }
  // Directories without a pack.yaml are no packs: "all" leaves them out, naming one is refused.
  const { packs, notPacks } = splitPackTrees(trees);
  const dirs = packs.map((t) => t.name);
  if (installed) reader = { ...reader, known: installedRefs(repo.name, packs, await installed()) };
  if (dirs.length === 0 && named.length === 0) throw noPacksAmong(notPacks, { repo: repo.name, ref });
  const targets = await subtreeTargets(reader, dirs, named, { repo: repo.name, ref });
  if ('missing' in targets) {
    const asked = targets.missing.filter((m) => notPacks.includes(m));
    if (asked.length > 0) throw notAPack(asked, dirs, { repo: repo.name, ref });
    throw new PackbotError('pack_unknown', unknownPacks(targets.missing, dirs, repo.name, ref));
  }
  return found(commit, ref, targets.dirs, targets.refs);
}

/** Directory → ref, for the pack trees an installed release of this repository came from. */
function installedRefs(repo: string, trees: readonly PackTreeEntry[], installed: readonly Release[]): Map<string, string> {
  const byTree = new Map<string, string>();
  for (const r of installed) {
    if (r.meta.repo === repo && typeof r.meta['tree'] === 'string' && typeof r.meta['source'] === 'string') byTree.set(`${r.meta['source']}\0${r.meta['tree']}`, r.pack);
  }
  const known = new Map<string, string>();
  for (const t of trees) {
    const ref = byTree.get(`packs/${t.name}\0${t.treeId}`);
    if (ref !== undefined) known.set(t.name, ref);
  }
  return known;
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
