/**
 * What a deploy that was cut off (its turn ended in an error, or its job ran out of attempts)
 * actually left active, read from the pack store rather than assumed: each pack whose active
 * release carries the deploy's id went live; any other pack did not. The answer is the result
 * a finished deploy would have given, so it is recorded, reported and its locks moved the same
 * way (outcome.ts), and a report never says "nothing went live" while something did.
 */
import type { PackStore, Release } from '../../domain/packstore/index.js';
import { askedAs } from '../deploy/resolve.js';
import { finishResult } from '../deploy/result.js';
import type { DeployResult, PackResult } from '../deploy/types.js';
import type { DeployPayload } from './types.js';

/** The slice of the pack store reconciliation reads. */
export type ReleaseReader = Pick<PackStore, 'active' | 'releases'>;

/** The release `deployId` made live for `pack`, or null, and what was active before it. */
async function landedRelease(store: ReleaseReader, pack: string, deployId: string): Promise<{ active: Release | null; ours: boolean; before: string | null }> {
  const active = await store.active(pack);
  if (!active || active.meta.deploy_id !== deployId) return { active, ours: false, before: null };
  // Newest first: the newest release another deploy wrote is the one this deploy replaced.
  const before = (await store.releases(pack)).find((r) => r.meta.deploy_id !== deployId)?.release ?? null;
  return { active, ours: true, before };
}

const where = (r: Release) => `release ${r.release} from ${r.meta.repo} ${r.meta.branch}`;

/**
 * Deploy `p` (over `packs`, its queue entry's), cut off because of `why`, as the pack store
 * shows it now. `started`: when its turn started. Throws what reading the pack store throws.
 */
export async function reconcile(store: ReleaseReader, p: DeployPayload, packs: readonly string[], why: string, started: Date): Promise<DeployResult> {
  const { plan } = p;
  const results: PackResult[] = [];
  let commit: string | null = null;
  for (const pack of packs) {
    const found = await landedRelease(store, pack, plan.id);
    if (found.ours && found.active) {
      commit = found.active.meta.commit;
      results.push({
        pack, source: pack, status: 'deployed', version: found.active.meta.version, release: found.active.release, previous_release: found.before,
        components: null, error: null,
        warnings: [`its turn was cut off (${why}) after this release went live; ${where(found.active)} is active`],
      });
      continue;
    }
    const now = found.active ? `${where(found.active)} is still active` : 'it is not installed';
    results.push({
      pack, source: pack, status: 'failed', version: found.active?.meta.version ?? null, release: null, previous_release: found.active?.release ?? null,
      components: null, warnings: [], error: `cut off (${why}) before it went live; ${now}`,
    });
  }
  const landed = results.filter((r) => r.status === 'deployed');
  // Nothing of it is live: the whole deploy failed, and the summary says what is active instead.
  const error = landed.length > 0 ? null
    : `it was cut off (${why}) before anything went live${results.length > 0 ? `: ${results.map((r) => `${r.pack}: ${r.error?.split('; ').at(-1) ?? ''}`).join('; ')}` : ''}`;
  return finishResult({ id: plan.id, repo: askedAs(plan.repo), branch: plan.ref, commit: commit ?? plan.commit ?? null, packs: results, started, stages: {}, error });
}
