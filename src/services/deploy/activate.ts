/**
 * From validated staging dirs to live, registered releases, stage by stage: dependencies
 * (all or nothing), then per pack in dependency order its env and tests inside the new
 * release and the release going live, then registration. Dependency problems stop every pack
 * before anything goes live; an env or test failure stops only its pack; a failing
 * registration hook puts the packs it covered back on their previous release.
 */
import type { Identity } from '../../core/identity.js';
import { checkPackConfig } from '../../domain/packs/index.js';
import { checkDependencies, refOf } from './dependency-check.js';
import type { PreparedPack } from './prepare.js';
import { INSTALL_CONCURRENCY, installInOrder, needsOf, serial, SETUP_CONCURRENCY, type Serial } from './install-order.js';
import { registerOrRevert, type Activated } from './register-or-revert.js';
import { releaseSetup, type ReleaseSetup } from './release-setup.js';
import type { ResolvedRepository } from './resolve.js';
import { errorText, toResult } from './result.js';
import type { StageClock } from './stage-clock.js';
import type { DeployerDeps, PackResult, RegisterCounts } from './types.js';

export interface ActivateInput {
  deps: DeployerDeps;
  clock: StageClock;
  prepared: PreparedPack[];
  repo: Pick<ResolvedRepository, 'name' | 'settings'> & { byUrl?: boolean };
  /** Recorded with each release: who owns a pack follows from it (permissions/ownership.ts). */
  origin?: 'registry';
  branch: string;
  commit: string;
  deployId: string;
  requestedBy: Identity;
  /** Told StackStorm's counts when register.st2 registered the packs (for the deploy's result). */
  onRegistered?: (counts: RegisterCounts) => void;
}

/** The install stage for one pack: its release written (env and tests inside it) and made live. */
async function goLive(input: ActivateInput, p: PreparedPack, ref: string, built: ReleaseSetup | undefined, oneAtATime: Serial): Promise<Activated> {
  const { deps, clock } = input;
  // Environments and tests one pack at a time (pip, npm and the sandbox are not shared safely); copying and fsyncing overlap.
  const setup = built ? (dir: string) => oneAtATime(() => built(dir)) : undefined;
  const { release, previous } = await clock.run('install', () => deps.store.writeRelease(ref, p.stagingDir, {
    pack: ref,
    version: p.check?.manifest?.version ?? '0.0.0',
    repo: input.repo.name,
    origin: input.origin ?? (input.repo.byUrl ? 'url' : 'repository'),
    branch: input.branch,
    commit: input.commit,
    deployed_by: input.requestedBy,
    deploy_id: input.deployId,
    source: p.source.path,
    tree: p.treeId,
    dependencies: p.check?.manifest?.dependencies ?? [],
    // The staging dir is this deploy's own and removed after it: moved into the release, not copied.
  }, { move: true, ...(setup ? { prepare: setup } : {}) }), ref);
  const config = await checkPackConfig({ ref, packDir: release.dir, configsDir: deps.config.configs_dir, ...(deps.yaml ? { yaml: deps.yaml } : {}) });
  deps.masker.add(...config.secrets);
  const warnings = [...(p.check?.warnings ?? []), ...config.warnings];
  return { ref, p, previous: previous?.release ?? null, result: toResult(p, { pack: ref, release: release.release, previous_release: previous?.release ?? null, warnings }) };
}

/** The pack's env and test setup; one that cannot even be made fails that pack (inside its release), not the deploy. */
function setupOf(input: ActivateInput, ref: string, p: PreparedPack): ReleaseSetup | undefined {
  try {
    return releaseSetup(input.deps, input.clock, input.repo, ref, p.source.name);
  } catch (err) {
    return () => Promise.reject(err);
  }
}

export async function activatePrepared(input: ActivateInput): Promise<PackResult[]> {
  const { deps, clock, prepared } = input;
  const results = new Map<PreparedPack, PackResult>();
  const inOrder = () => prepared.map((p) => results.get(p) ?? toResult(p));
  const ready = prepared.filter((p) => !p.error && !p.unchanged && p.check?.manifest);
  // Live already because an earlier run of this very deploy (cut off, taken over) put them
  // there: whether StackStorm heard of them is not known, so they are registered again.
  const again = prepared.filter((p) => p.unchanged && !p.error && p.active?.meta.deploy_id === input.deployId);
  if (ready.length === 0 && again.length === 0) return inOrder();

  const dependencies = await checkDependencies(clock, ready, await deps.store.list(), input.repo.name);
  if (dependencies.problems.length > 0) {
    const text = `Dependencies: ${dependencies.problems.join('; ')}`;
    for (const p of ready) results.set(p, toResult({ ...p, error: text }));
    return inOrder();
  }

  const byRef = new Map(ready.map((p) => [refOf(p), p]));
  const order = dependencies.order.filter((ref) => byRef.has(ref));
  // Known before any starts: with envs or tests to run, fewer packs go live at once (install-order.ts).
  const builds = new Map(order.map((ref) => [ref, setupOf(input, ref, byRef.get(ref) as PreparedPack)]));
  const limit = [...builds.values()].some(Boolean) ? SETUP_CONCURRENCY : INSTALL_CONCURRENCY;
  const setups = serial();
  const live = await installInOrder(order, (ref) => needsOf(byRef.get(ref) as PreparedPack, byRef), async (ref) => {
    const p = byRef.get(ref) as PreparedPack;
    // Outside the try: a turn taken over stops altogether rather than failing this pack.
    await deps.fence?.check(`${ref} going live`);
    try {
      const done = await goLive(input, p, ref, builds.get(ref), setups);
      results.set(p, done.result);
      return done;
    } catch (err) {
      results.set(p, toResult({ ...p, error: errorText(err, deps.masker) }, { pack: ref }));
      return null;
    }
  }, limit);
  // Registered in dependency order, as they would have gone live one by one.
  const activated = live.filter((a): a is Activated => a !== null);
  const registered = await registerOrRevert(deps, clock, activated, again);
  for (const { p, result } of registered.results) results.set(p, result);
  if (registered.counts) input.onRegistered?.(registered.counts);
  return inOrder();
}
