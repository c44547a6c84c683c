import type { Git } from '../../domain/git/index.js';
import { PackbotError } from '../../core/errors.js';
import type { YamlPool } from '../../core/yaml-safe/index.js';
import { notAPack, noPacksAmong, notPackPaths, splitPackTrees } from './not-packs.js';
import { assertDistinct, refsOf } from './pack-refs.js';
import type { Release } from '../../domain/packstore/index.js';
import type { ResolvedRepository } from './resolve.js';
import { checkRootNames } from './single-pack.js';
import type { DeployPlan } from './types.js';

export interface PackSource {
  /** Directory name in the repo (the repo name for single-pack repos). */
  name: string;
  /** Path of the pack inside the repo: `packs/<name>` or '' for the root. */
  path: string;
  /** The git tree id of that path, when discovery already knows it. */
  treeId?: string;
  /** The ref it was asked by (a request naming a pack by ref, not directory): it must install as that. */
  ref?: string;
}

export interface Discovered {
  sources: PackSource[];
  /** For "all": the directories under packs/ skipped as no packs (no pack.yaml), as `packs/<name>`. */
  notPacks: string[];
}

/**
 * Which packs to take from `commit`: `packs/<name>/` in subtree repos, the root otherwise.
 * A raw URL (layout unknown) is a subtree repo when it has a packs/ directory. A wanted name
 * that is no directory is a pack ref (an auto-revert's lock, a request by ref): the directory
 * whose pack.yaml has that ref. A directory without pack.yaml is no pack (not-packs.ts): every
 * pack (`wanted` null, or `all`, which names the packs found when it was queued) skips it and
 * lists it; naming it otherwise is refused.
 */
export async function discoverPacks(
  git: Git,
  repo: ResolvedRepository,
  commit: string,
  branch: string,
  wanted: string[] | null,
  yaml?: YamlPool,
  all = wanted === null,
  word?: string,
): Promise<Discovered> {
  const trees = repo.subtree === false ? [] : await git.packTrees(repo.remote, commit);
  const subtree = repo.subtree ?? trees.length > 0;
  if (!subtree) {
    // The one pack, under the repository's name whatever the request called it; a name that is not it is refused.
    await checkRootNames({ git, repo, ...(yaml ? { yaml } : {}) }, commit, wanted ?? [], word);
    return { sources: [{ name: repo.name, path: '' }], notPacks: [] };
  }
  if (trees.length === 0) {
    throw new PackbotError('pack_unknown', `${repo.name} has no packs under packs/ at ${branch} (${commit.slice(0, 7)}); if the repository root is a pack, set subtree: false for it.`);
  }
  const split = splitPackTrees(trees);
  const dirs = split.packs.map((t) => t.name);
  const where = { repo: repo.name, ref: branch };
  const notPacks = all ? notPackPaths(split.notPacks) : [];
  const treeOf = new Map(trees.map((t) => [t.name, t.treeId]));
  const source = (name: string, ref?: string): PackSource => ({ name, path: `packs/${name}`, treeId: treeOf.get(name) ?? '', ...(ref ? { ref } : {}) });
  if (wanted === null) {
    if (dirs.length === 0) throw noPacksAmong(split.notPacks, where);
    return { sources: dirs.map((d) => source(d)), notPacks };
  }
  // "all" as queued: a directory that has lost its pack.yaml since is skipped like the others.
  const asked = all ? wanted.filter((w) => !split.notPacks.includes(w)) : wanted;
  const byRef = asked.some((w) => !dirs.includes(w)) ? await refsOf({ git, remote: repo.remote, commit, ...(yaml ? { yaml } : {}) }, dirs) : {};
  const missing: string[] = [];
  const sources: PackSource[] = [];
  for (const name of asked) {
    if (dirs.includes(name)) sources.push(source(name));
    else {
      const found = dirs.filter((d) => byRef[d] === name);
      if (found.length === 0) missing.push(name);
      // Two directories with this ref are refused below; one is the pack.
      sources.push(...found.map((d) => source(d, name)));
    }
  }
  const named = missing.filter((m) => split.notPacks.includes(m));
  if (named.length > 0) throw notAPack(named, dirs, where);
  if (missing.length > 0) {
    const list = missing.map((m) => `"${m}"`).join(', ');
    throw new PackbotError('pack_unknown', `No pack ${list} in ${repo.name} at ${branch} (${commit.slice(0, 7)}); packs there: ${dirs.sort().join(', ')}.`);
  }
  assertDistinct(sources.map((s) => s.name), Object.fromEntries(sources.filter((s) => s.ref).map((s) => [s.name, s.ref as string])), where);
  return { sources, notPacks };
}

/**
 * The packs a plan deploys: those named whose active release came from this very commit need
 * no look at the tree (alreadyActive); anything else, and "all" (whose skipped directories
 * the summary lists), is discovered.
 */
export async function planSources(git: Git, repo: ResolvedRepository, commit: string, plan: Pick<DeployPlan, 'packs' | 'all' | 'force' | 'ref' | 'word'>, installed: readonly Release[], yaml?: YamlPool): Promise<Discovered> {
  const wanted = plan.packs.length > 0 ? plan.packs : null;
  const all = wanted === null || plan.all === true;
  const active = plan.force || all ? null : alreadyActive(installed, repo.name, commit, wanted);
  return active ? { sources: active, notPacks: [] } : discoverPacks(git, repo, commit, plan.ref, wanted, yaml, all, plan.word);
}

/**
 * Named packs whose active release came from this repo at this very commit need no look at
 * the tree: they exist there and are unchanged. The common "deploy it again" costs a fetch.
 */
export function alreadyActive(installed: readonly Release[], repo: string, commit: string, wanted: string[] | null): PackSource[] | null {
  if (!wanted) return null;
  const sources: PackSource[] = [];
  for (const name of wanted) {
    const path = `packs/${name}`;
    const active = installed.find((r) => r.meta.repo === repo && r.meta['source'] === path && r.meta.commit === commit);
    if (!active || typeof active.meta['tree'] !== 'string') return null;
    sources.push({ name, path, treeId: active.meta['tree'] });
  }
  return sources;
}
