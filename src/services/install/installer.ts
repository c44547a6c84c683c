/**
 * `pack install <name>[=<version>] …`: packs from registry indexes through the same stages
 * as a deploy — validate, dependencies, env, tests, install (atomic), register, record. What
 * to install is worked out first (the resolve stage), dependencies included, and every
 * conflict or problem stops the request before anything is fetched. Packs then go in
 * dependency order, each on its own: a failed dependency fails the packs that need it (their
 * dependency check sees it missing).
 */
import path from 'node:path';
import { PackbotError } from '../../core/errors.js';
import { activatePrepared } from '../deploy/activate.js';
import { checkProblems, type PreparedPack } from '../deploy/prepare.js';
import { replacementProblem } from '../deploy/planned.js';
import type { TurnFence } from '../deploy/fence.js';
import { recordFenced } from '../deploy/fenced-record.js';
import { refusedRun } from '../deploy/refuse.js';
import { errorText, finishResult, sumCounts } from '../deploy/result.js';
import { StageClock, type ProgressListener } from '../deploy/stage-clock.js';
import { removeStaging, stagingRoot } from '../deploy/staging.js';
import { newDeployId, type DependencyFetcher, type DeployerDeps, type DeployPlan, type DeployResult, type PackResult, type RegisterCounts } from '../deploy/types.js';
import { validatePackDir } from '../../domain/packs/index.js';
import { loadIndexes, type LoadResult } from '../../domain/registry/sources.js';
import { assertResolution, resolveInstall, type PlannedInstall, type Resolution } from '../../domain/registry/resolve.js';
import { parseRequest } from '../../domain/registry/select.js';
import { buildGraph, withRepositories, type DepGraph } from './deps-graph.js';
import { repositoriesHolding } from './repo-packs.js';
import { fetchPack } from './fetch.js';
import { checkSpecs, planInstall, REGISTRY, REGISTRY_REPOSITORY, tryPlanInstall, type InstallRequest } from './install-plan.js';


/** Who an install runs for: its id (and history's), force, who asked, and what they may replace. */
type Requester = Pick<DeployPlan, 'id' | 'force' | 'requestedBy' | 'replaces'>;

export function createInstaller(deps: DeployerDeps) {
  const { config, masker } = deps;
  const registry = config.registry;

  async function indexes(): Promise<LoadResult> {
    if (registry.indexes.length === 0) {
      throw new PackbotError('usage', 'No registry index is configured; add one under registry.indexes in packbot.yaml (e.g. {url: https://index.stackstorm.org/v1/index.json}).');
    }
    const loaded = await loadIndexes(registry.indexes, {
      timeoutMs: registry.timeout, maxBytes: registry.max_index_bytes, allowedUrls: registry.allowed_urls, ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
    for (const problem of loaded.problems) deps.logger.warn({ problem }, 'registry index skipped');
    if (loaded.indexes.length === 0) throw new PackbotError('registry_unreachable', `No registry index could be read: ${loaded.problems.join('; ')}`);
    return loaded;
  }

  /**
   * What `specs` (checked already, see checkSpecs) would install (dependencies first) and keep,
   * against the indexes and what is installed now; throws with every conflict at once.
   */
  async function resolve(specs: readonly string[]): Promise<Resolution> {
    const loaded = await indexes();
    const installed = new Map((await deps.store.list()).map((r) => [r.pack, r.meta.version]));
    const resolution = resolveInstall({ requests: specs, installed, indexes: loaded.indexes, maxDepth: registry.max_depth });
    assertResolution(resolution);
    return resolution;
  }

  async function prepare(p: PlannedInstall, staging: string, by: Requester): Promise<PreparedPack & { commit?: string }> {
    const { force } = by;
    const installed = await deps.store.list();
    const active = installed.find((r) => r.pack === p.name) ?? null;
    const base: PreparedPack = { source: { name: p.name, path: '' }, treeId: '', stagingDir: '', check: null, active, unchanged: false, error: null };
    try {
      if (active && active.meta.repo !== REGISTRY && !force) {
        return { ...base, error: `A pack "${p.name}" is already installed from repository ${active.meta.repo}; add force=true to replace it with ${p.version} from the registry.` };
      }
      // Its owner was checked when this was asked (commands/ownership.ts); not one it was not checked against.
      const problem = replacementProblem({ replaces: by.replaces, kind: 'install', repo: REGISTRY_REPOSITORY }, p.name, installed, config);
      if (problem) return { ...base, error: problem };
      const fetched = await fetchPack({ git: deps.git, registry, ...(deps.fetch ? { fetch: deps.fetch } : {}) }, p, path.join(staging, p.name));
      const check = await validatePackDir(fetched.dir, { dirName: p.name, ...(deps.yaml ? { yaml: deps.yaml } : {}) });
      const source = { name: p.name, path: fetched.origin, treeId: fetched.treeId };
      const problems = checkProblems(check);
      if (problems) return { ...base, source, treeId: fetched.treeId, check, error: problems };
      if ((check.ref ?? p.name) !== p.name) {
        return { ...base, source, check, error: `The index calls it ${p.name}, but its pack.yaml says ref ${check.ref}; the index is wrong, so it is not installed.` };
      }
      const unchanged = !force && active?.meta.repo === REGISTRY && active.meta['tree'] === fetched.treeId;
      return { ...base, source, treeId: fetched.treeId, stagingDir: fetched.dir, check, unchanged, commit: fetched.commit };
    } catch (err) {
      return { ...base, error: errorText(err, masker) };
    }
  }

  /**
   * Each planned pack, dependencies first: fetched and validated, then through the deploy's
   * stages to going live. `fence`: the queued turn's, checked before each pack goes live and
   * before the register hook (activate.ts), as a deploy's is: a worker that lost it stops.
   */
  async function installPlanned(planned: readonly PlannedInstall[], ctx: { clock: StageClock; staging: string; by: Requester; fence?: TurnFence | undefined; onRegistered?: (counts: RegisterCounts) => void }): Promise<PackResult[]> {
    const results: PackResult[] = [];
    const fenced = ctx.fence ? { ...deps, fence: ctx.fence } : deps;
    for (const p of planned) {
      const prepared = await ctx.clock.run('fetch', () => prepare(p, ctx.staging, ctx.by), p.name, (x) => x.error);
      results.push(...(await activatePrepared({
        deps: fenced, clock: ctx.clock, prepared: [prepared], repo: REGISTRY_REPOSITORY, origin: 'registry', branch: p.version, commit: prepared.commit ?? 'unknown',
        deployId: ctx.by.id, requestedBy: ctx.by.requestedBy, ...(ctx.onRegistered ? { onRegistered: ctx.onRegistered } : {}),
      })));
    }
    return results;
  }

  /** For a deploy whose packs need packs nobody provides: those, from the registry, before the deploy's own. */
  const fetchDependencies: DependencyFetcher = async (specs, { clock, plan, fence }) => {
    const resolution = await clock.run('dependencies', async () => {
      checkSpecs(specs);
      return resolve(specs);
    });
    const staging = stagingRoot(config.state_dir, `${plan.id}-deps`);
    try {
      return await installPlanned(resolution.plan, { clock, staging, by: plan, fence });
    } finally {
      await removeStaging(staging);
    }
  };

  /**
   * Runs an install plan; which versions it means is resolved now, against what is installed
   * by now. `fence`: a queued turn's (deploy/fence.ts), checked where a deploy checks it.
   */
  async function install(plan: DeployPlan, onProgress: ProgressListener = () => {}, fence?: TurnFence): Promise<DeployResult> {
    const started = new Date();
    const clock = new StageClock(onProgress);
    const staging = stagingRoot(config.state_dir, plan.id);
    const packs: PackResult[] = [];
    let error: string | null = null;
    let registered: RegisterCounts | undefined;
    try {
      const resolution = await clock.run('resolve', () => resolve(plan.packs));
      packs.push(...(await installPlanned(resolution.plan, { clock, staging, by: plan, fence, onRegistered: (c) => (registered = sumCounts(registered, c)) })));
    } catch (err) {
      error = errorText(err, masker);
      deps.logger.warn({ deploy: plan.id, err: error }, 'install failed');
    } finally {
      await removeStaging(staging);
    }
    const result = finishResult({ id: plan.id, repo: REGISTRY, branch: '', commit: null, packs, started, stages: clock.stages, error, registered });
    // A turn lost meanwhile stops here (the new owner records); a store outage does not (fenced-record.ts).
    await recordFenced(deps, fence, clock, plan, result, started);
    return result;
  }

  /** Plans and installs at once (the CLI): a request that cannot be planned is a failed install. */
  async function run(request: InstallRequest, onProgress?: ProgressListener): Promise<DeployResult> {
    const planned = tryPlanInstall(request);
    if ('plan' in planned) return install(planned.plan, onProgress);
    return refusedRun(deps, {
      id: request.id ?? newDeployId(), repo: REGISTRY, branch: '', by: request, err: planned.refused, resolved: false, what: 'install',
    }, onProgress);
  }

  /** The dependency graph of `specs`: installed packs, and what the registry would add (when there is one). */
  async function graph(specs: readonly string[]): Promise<DepGraph> {
    const installed = await deps.store.list();
    const resolution = registry.indexes.length === 0 ? null : resolveInstall({
      requests: specs, installed: new Map(installed.map((r) => [r.pack, r.meta.version])), indexes: (await indexes()).indexes, maxDepth: registry.max_depth,
    });
    const graph = buildGraph(specs.map((s) => parseRequest(s).name), installed, resolution);
    const missing = [...graph.nodes.values()].filter((n) => n.status === 'missing').map((n) => n.name);
    return withRepositories(graph, await repositoriesHolding(deps, missing));
  }

  return { plan: planInstall, resolve, install, run, graph, fetchDependencies };
}

export type Installer = ReturnType<typeof createInstaller>;
