/**
 * The dependencies stage: in which order the packs ready to go live are installed (dependencies
 * first), or every dependency problem at once, in which case none of them is.
 */
import { planDependencies, type DependencyPlan, type DeployingPack } from '../../domain/packs/index.js';
import type { Release } from '../../domain/packstore/index.js';
import type { PreparedPack } from './prepare.js';
import type { StageClock } from './stage-clock.js';

/** The ref a prepared pack goes live as (its pack.yaml's, else its directory's name). */
export function refOf(p: PreparedPack): string {
  return p.check?.ref ?? p.source.name;
}

/**
 * The check itself, for the deploy and for its plan beforehand (preview-deps.ts): `deploying`
 * against what is installed, plus `adding` (ref → version) that will be by then (from the registry).
 */
export function dependencyPlan(deploying: DeployingPack[], installed: readonly Pick<Release, 'pack' | 'meta'>[], repo: string, adding: ReadonlyMap<string, string> = new Map()): DependencyPlan {
  return planDependencies({
    deploying,
    installed: new Map([...installed.map((r) => [r.pack, r.meta.version] as const), ...adding]),
    // So an upgrade that would break an installed dependant is caught before it happens.
    installedDependencies: new Map(installed.map((r) => [r.pack, Array.isArray(r.meta['dependencies']) ? (r.meta['dependencies'] as string[]) : []])),
    repo,
  });
}

export function checkDependencies(clock: StageClock, ready: readonly PreparedPack[], installed: readonly Release[], repo: string): Promise<DependencyPlan> {
  return clock.run('dependencies', async () => dependencyPlan(
    ready.map((p) => ({ ref: refOf(p), version: p.check?.manifest?.version ?? '0.0.0', dependencies: p.check?.manifest?.dependencies ?? [] })),
    installed,
    repo,
  ));
}
