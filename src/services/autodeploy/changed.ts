/**
 * Which packs a push changed, read from the mirror. Normally that is the diff of
 * `before..after`: files under `packs/<name>/` (subtree repositories) or anything at all (a
 * pack at the root). When `before` cannot be trusted as what is deployed — a force-push
 * rewrote it, the branch was just created, or the mirror never saw it — the push is also
 * compared with what is deployed from this repository, pack by pack by tree id, so a
 * rewritten history can neither hide a change nor redeploy untouched packs.
 */
import type { Git, GitRemote } from '../../domain/git/index.js';
import type { PackStore } from '../../domain/packstore/index.js';

export interface ChangedPacks {
  /** Pack directory names to deploy (for a root pack, the repository's name). */
  packs: string[];
  /** Packs whose directory the push deleted: reported, never uninstalled automatically. */
  removed: string[];
  /** `diff`: before..after; `deployed`: against the deployed trees; `both` for a force-push. */
  basis: 'diff' | 'deployed' | 'both';
  forced: boolean;
}

export interface ChangedInput {
  git: Git;
  store: Pick<PackStore, 'list'>;
  remote: GitRemote;
  repo: string;
  subtree: boolean;
  before: string | null;
  after: string;
  /** What the provider said; null = work it out (GitLab does not say). */
  forced: boolean | null;
}

const PACK_PATH = /^packs\/([^/]+)(?:\/|$)/;

/** Whether `before` has commits `after` lacks: history was rewritten. */
async function rewritten(git: Git, remote: GitRemote, before: string, after: string): Promise<boolean> {
  return (await git.log(remote, after, before, '', 1)).length > 0;
}

export async function changedPacks(input: ChangedInput): Promise<ChangedPacks> {
  const { git, remote, after } = input;
  const beforeKnown = input.before !== null && (await git.hasCommit(remote, input.before));
  const before = beforeKnown ? input.before : null;
  const forced = input.forced ?? (before !== null ? await rewritten(git, remote, before, after) : false);
  const againstDeployed = forced || before === null;
  const basis = before === null ? 'deployed' : forced ? 'both' : 'diff';
  const deployed = againstDeployed
    ? (await input.store.list()).filter((r) => r.meta.repo === input.repo && typeof r.meta['tree'] === 'string')
    : [];

  if (!input.subtree) {
    let changed = before !== null && (await git.changedPaths(remote, before, after)).length > 0;
    if (!changed && againstDeployed) {
      const tree = await git.treeId(remote, after, '');
      const active = deployed.find((r) => r.meta['source'] === '');
      changed = active?.meta['tree'] !== tree;
    }
    return { packs: changed ? [input.repo] : [], removed: [], basis, forced };
  }

  // A directory without pack.yaml is no pack (deploy/not-packs.ts): a push to it deploys nothing.
  const listed = await git.packTrees(remote, after);
  const trees = new Map(listed.filter((p) => p.manifest).map((p) => [p.name, p.treeId]));
  const notPacks = new Set(listed.filter((p) => !p.manifest).map((p) => p.name));
  const candidates = new Set<string>();
  if (before !== null) {
    for (const path of await git.changedPaths(remote, before, after)) {
      const name = PACK_PATH.exec(path)?.[1];
      // Touching a directory that is no pack changes no pack; one whose pack.yaml went away was removed.
      if (name && (!notPacks.has(name) || path === `packs/${name}/pack.yaml`)) candidates.add(name);
    }
  }
  for (const release of deployed) {
    const name = PACK_PATH.exec(String(release.meta['source'] ?? ''))?.[1];
    if (name && trees.get(name) !== release.meta['tree']) candidates.add(name);
  }
  const sorted = [...candidates].sort();
  return {
    packs: sorted.filter((n) => trees.has(n)),
    removed: sorted.filter((n) => !trees.has(n)),
    basis,
    forced,
  };
}
