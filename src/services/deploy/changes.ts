/**
 * What a deploy changed in one pack, for the friendly announcement after a default-branch
 * deploy: the commits that touched the pack since the release it replaced, the version
 * change, and which actions, rules, sensors and aliases were added, removed or changed.
 *
 * Components are compared on disk, release against release (what actually went live), with
 * the same comparison (components.ts) and the same commit listing (commits.ts) the plan uses
 * before a deploy (preview.ts), so the announcement reports what the plan said.
 */
import type { DeployResult } from './types.js';
import type { Git } from '../../domain/git/index.js';
import type { GitRemote } from '../../domain/git/types.js';
import type { PackStore } from '../../domain/packstore/index.js';
import { compareComponents, PREVIEW_KINDS } from './components.js';
import { commitsSince, historyStart } from './commits.js';
import { releaseFiles } from './pack-files.js';
import type { ComponentLists, PreviewCommit } from './preview-types.js';

export { MAX_COMMITS } from './commits.js';
/** The kinds an announcement talks about (policies are rarely news): the plan's. */
export const ANNOUNCED_KINDS = PREVIEW_KINDS;

export interface PackChange {
  pack: string;
  fromVersion: string | null;
  toVersion: string;
  fromCommit: string | null;
  toCommit: string;
  commits: PreviewCommit[];
  /** Commits past MAX_COMMITS. */
  moreCommits: number;
  added: ComponentLists;
  removed: ComponentLists;
  changed: ComponentLists;
}

export interface ChangeDeps {
  git: Pick<Git, 'log'>;
  store: Pick<PackStore, 'releases'>;
}

/**
 * The change of every pack this deploy actually installed (not unchanged or failed ones).
 * `packPath` maps a pack's directory name to its path in the repository.
 */
export async function deployChanges(deps: ChangeDeps, remote: GitRemote, result: DeployResult, packPath: (source: string) => string): Promise<PackChange[]> {
  const out: PackChange[] = [];
  for (const p of result.packs) {
    if (p.status !== 'deployed' || !p.release) continue;
    const releases = await deps.store.releases(p.pack);
    const now = releases.find((r) => r.release === p.release);
    if (!now) continue;
    const before = p.previous_release ? (releases.find((r) => r.release === p.previous_release) ?? null) : null;
    const history = await commitsSince(deps.git, remote, historyStart(before?.meta ?? null, now.meta.repo), now.meta.commit, packPath(p.source));
    const diff = compareComponents(before ? await releaseFiles(before.dir) : null, await releaseFiles(now.dir));
    out.push({
      pack: p.pack,
      fromVersion: before?.meta.version ?? null,
      toVersion: now.meta.version,
      fromCommit: before?.meta.commit ?? null,
      toCommit: now.meta.commit,
      ...history,
      ...diff,
    });
  }
  return out;
}
