/**
 * The dependencies stage: in which order the packs ready to go live are installed (dependencies
 * first), or every dependency problem at once, in which case none of them is.
 */
import { planDependencies, type DependencyPlan } from '../../domain/packs/index.js';
import type { Release } from '../../domain/packstore/index.js';
import type { PreparedPack } from './prepare.js';
import type { StageClock } from './stage-clock.js';

/** The ref a prepared pack goes live as (its pack.yaml's, else its directory's name). */
export function refOf(p: PreparedPack): string {
  return p.check?.ref ?? p.source.name;
}

export function checkDependencies(clock: StageClock, ready: readonly PreparedPack[], installed: readonly Release[], repo: string): Promise<DependencyPlan> {
  return clock.run('dependencies', async () => planDependencies({
    deploying: ready.map((p) => ({ ref: refOf(p), version: p.check?.manifest?.version ?? '0.0.0', dependencies: p.check?.manifest?.dependencies ?? [] })),
    installed: new Map(installed.map((r) => [r.pack, r.meta.version])),
    // So an upgrade that would break an installed dependant is caught before it happens.
    installedDependencies: new Map(installed.map((r) => [r.pack, Array.isArray(r.meta['dependencies']) ? (r.meta['dependencies'] as string[]) : []])),
    repo,
  }));
}
