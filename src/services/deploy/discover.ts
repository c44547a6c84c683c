import type { Git } from '../../domain/git/index.js';
import { PackbotError } from '../../core/errors.js';
import type { Release } from '../../domain/packstore/index.js';
import type { ResolvedRepository } from './resolve.js';

export interface PackSource {
  /** Directory name in the repo (the repo name for single-pack repos). */
  name: string;
  /** Path of the pack inside the repo: `packs/<name>` or '' for the root. */
  path: string;
  /** The git tree id of that path, when discovery already knows it. */
  treeId?: string;
}

/**
 * Which packs to take from `commit`: `packs/<name>/` in subtree repos, the root otherwise.
 * A raw URL (layout unknown) is a subtree repo when it has a packs/ directory.
 */
export async function discoverPacks(
  git: Git,
  repo: ResolvedRepository,
  commit: string,
  branch: string,
  wanted: string[] | null,
): Promise<PackSource[]> {
  const trees = repo.subtree === false ? [] : await git.packTrees(repo.remote, commit);
  const dirs = trees.map((t) => t.name);
  const treeOf = new Map(trees.map((t) => [t.name, t.treeId]));
  const subtree = repo.subtree ?? dirs.length > 0;
  if (!subtree) return [{ name: wanted?.[0] ?? repo.name, path: '' }];
  if (dirs.length === 0) {
    throw new PackbotError('pack_unknown', `${repo.name} has no packs under packs/ at ${branch} (${commit.slice(0, 7)}); if the repository root is a pack, set subtree: false for it.`);
  }
  const source = (name: string): PackSource => ({ name, path: `packs/${name}`, treeId: treeOf.get(name) ?? '' });
  if (wanted === null) return dirs.map(source);
  const missing = wanted.filter((w) => !dirs.includes(w));
  if (missing.length > 0) {
    const list = missing.map((m) => `"${m}"`).join(', ');
    throw new PackbotError('pack_unknown', `No pack ${list} in ${repo.name} at ${branch} (${commit.slice(0, 7)}); packs there: ${dirs.sort().join(', ')}.`);
  }
  return wanted.map(source);
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
