import type { Git } from '../../domain/git/index.js';
import { PackbotError } from '../../core/errors.js';
import type { YamlPool } from '../../core/yaml-safe/index.js';
import { assertDistinct, refsOf } from './pack-refs.js';
import type { Release } from '../../domain/packstore/index.js';
import type { ResolvedRepository } from './resolve.js';

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

/**
 * Which packs to take from `commit`: `packs/<name>/` in subtree repos, the root otherwise.
 * A raw URL (layout unknown) is a subtree repo when it has a packs/ directory. A wanted name
 * that is no directory is a pack ref (an auto-revert's lock, a request by ref): the directory
 * whose pack.yaml has that ref.
 */
export async function discoverPacks(
  git: Git,
  repo: ResolvedRepository,
  commit: string,
  branch: string,
  wanted: string[] | null,
  yaml?: YamlPool,
): Promise<PackSource[]> {
  const trees = repo.subtree === false ? [] : await git.packTrees(repo.remote, commit);
  const dirs = trees.map((t) => t.name);
  const treeOf = new Map(trees.map((t) => [t.name, t.treeId]));
  const subtree = repo.subtree ?? dirs.length > 0;
  if (!subtree) return [{ name: wanted?.[0] ?? repo.name, path: '' }];
  if (dirs.length === 0) {
    throw new PackbotError('pack_unknown', `${repo.name} has no packs under packs/ at ${branch} (${commit.slice(0, 7)}); if the repository root is a pack, set subtree: false for it.`);
  }
  const source = (name: string, ref?: string): PackSource => ({ name, path: `packs/${name}`, treeId: treeOf.get(name) ?? '', ...(ref ? { ref } : {}) });
  if (wanted === null) return dirs.map((d) => source(d));
  const byRef = wanted.some((w) => !dirs.includes(w)) ? await refsOf({ git, remote: repo.remote, commit, ...(yaml ? { yaml } : {}) }, dirs) : {};
  const missing: string[] = [];
  const sources: PackSource[] = [];
  for (const name of wanted) {
    if (dirs.includes(name)) sources.push(source(name));
    else {
      const found = dirs.filter((d) => byRef[d] === name);
      if (found.length === 0) missing.push(name);
      // Two directories with this ref are refused below; one is the pack.
      sources.push(...found.map((d) => source(d, name)));
    }
  }
  if (missing.length > 0) {
    const list = missing.map((m) => `"${m}"`).join(', ');
    throw new PackbotError('pack_unknown', `No pack ${list} in ${repo.name} at ${branch} (${commit.slice(0, 7)}); packs there: ${dirs.sort().join(', ')}.`);
  }
  assertDistinct(sources.map((s) => s.name), Object.fromEntries(sources.filter((s) => s.ref).map((s) => [s.name, s.ref as string])), { repo: repo.name, ref: branch });
  return sources;
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
