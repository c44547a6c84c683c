/**
 * `pack install <name>[=<version>] …`: packs from registry indexes through the same stages
 * as a deploy — validate, dependencies, env, tests, install (atomic), register, record. What
 * to install is worked out first, dependencies included, and every conflict or problem stops
 * the request before anything is fetched. Packs then go in dependency order, each on its own:
 * a failed dependency fails the packs that need it (their dependency check sees it missing).
 */
import path from 'node:path';
import { isPackbotError, PackbotError } from '../../core/errors.js';
import { StageClock, toResult, type ProgressListener } from '../deploy/pipeline.js';
import { checkProblems, type PreparedPack } from '../deploy/prepare.js';
import { installPrepared } from '../deploy/install.js';
import { removeStaging, stagingRoot } from '../deploy/staging.js';
import { recordDeploy } from '../deploy/record.js';
import type { ResolvedRepository } from '../deploy/resolve.js';
import { newDeployId, type DependencyFetcher, type DeployerDeps, type DeployRequest, type DeployResult, type PackResult, type StageClockLike } from '../deploy/types.js';
import { validatePackDir } from '../../domain/packs/index.js';
import { loadIndexes, type LoadResult } from '../../domain/registry/sources.js';
import { assertResolution, resolveInstall, type PlannedInstall, type Resolution } from '../../domain/registry/resolve.js';
import { stagePack } from './stage.js';
import { buildGraph, type DepGraph } from './deps-graph.js';
import { parseRequest } from '../../domain/registry/select.js';

/** What installs are recorded as coming from (a release's `repo`), and what locks see as the default branch. */
export const REGISTRY = 'registry';

export const REGISTRY_REPOSITORY: ResolvedRepository = {
  name: REGISTRY, remote: { name: REGISTRY, url: '' }, subtree: null, defaultBranch: REGISTRY, config: null,
};

/** `slack=2.3.0, docker` → ['slack=2.3.0', 'docker']; specs are validated by the resolver. */
export function parseSpecs(text: string): string[] {
  const specs = text.split(/[,\s]+/).map((s) => s.trim()).filter((s) => s !== '');
  if (specs.length === 0) throw new PackbotError('usage', 'Name at least one pack, e.g. `pack install slack` or `pack install slack=2.3.0 docker`.');
  return [...new Set(specs)];
}

export function createInstaller(deps: DeployerDeps) {
  const { config, masker } = deps;
  const registry = config.registry;

  async function indexes(): Promise<LoadResult> {
    if (registry.indexes.length === 0) {
      throw new PackbotError('usage', 'No registry index is configured; add one under registry.indexes in packbot.yaml (e.g. {url: https://index.stackstorm.org/v1/index.json}).');
    }
    const loaded = await loadIndexes(registry.indexes, { timeoutMs: registry.timeout, maxBytes: registry.max_index_bytes });
    for (const problem of loaded.problems) deps.logger.warn({ problem }, 'registry index skipped');
    if (loaded.indexes.length === 0) throw new PackbotError('registry_unreachable', `No registry index could be read: ${loaded.problems.join('; ')}`);
    return loaded;
  }

  /** What `specs` would install (dependencies first) and keep; throws with every conflict at once. */
  async function plan(specs: readonly string[]): Promise<Resolution> {
    // Chat text is checked before any index is fetched: a hostile spec costs nothing.
    for (const spec of specs) parseRequest(spec);
    const loaded = await indexes();
    const installed = new Map((await deps.store.list()).map((r) => [r.pack, r.meta.version]));
    const resolution = resolveInstall({ requests: specs, installed, indexes: loaded.indexes, maxDepth: registry.max_depth });
    assertResolution(resolution);
    return resolution;
  }

  async function prepare(p: PlannedInstall, stagingRoot: string, force: boolean): Promise<PreparedPack & { commit?: string }> {
    const installed = await deps.store.list();
    const active = installed.find((r) => r.pack === p.name) ?? null;
    const base: PreparedPack = { source: { name: p.name, path: '' }, treeId: '', stagingDir: '', check: null, active, unchanged: false, error: null };
    try {
      if (active && active.meta.repo !== REGISTRY && !force) {
        return { ...base, error: `A pack "${p.name}" is already installed from repository ${active.meta.repo}; add force=true to replace it with ${p.version} from the registry.` };
      }
      const staged = await stagePack({ git: deps.git, registry }, p, path.join(stagingRoot, p.name));
      const check = await validatePackDir(staged.dir, { dirName: p.name });
      const source = { name: p.name, path: staged.origin, treeId: staged.treeId };
      const problems = checkProblems(check);
      if (problems) return { ...base, source, treeId: staged.treeId, check, error: problems };
      if ((check.ref ?? p.name) !== p.name) {
        return { ...base, source, check, error: `The index calls it ${p.name}, but its pack.yaml says ref ${check.ref}; the index is wrong, so it is not installed.` };
      }
      const unchanged = !force && active?.meta.repo === REGISTRY && active.meta['tree'] === staged.treeId;
      return { ...base, source, treeId: staged.treeId, stagingDir: staged.dir, check, unchanged, commit: staged.commit };
    } catch (err) {
      return { ...base, error: masker.mask(isPackbotError(err) ? err.describe() : err instanceof Error ? err.message : String(err)) };
    }
  }

  /** Each planned pack, dependencies first: staged, then through the deploy's install stages. */
  async function installPlanned(planned: readonly PlannedInstall[], ctx: { clock: StageClockLike; stagingRoot: string; deployId: string; request: DeployRequest }): Promise<PackResult[]> {
    const results: PackResult[] = [];
    for (const p of planned) {
      const prepared = await ctx.clock.run('fetch', () => prepare(p, ctx.stagingRoot, ctx.request.force ?? false), p.name, (x) => x.error);
      results.push(...(await installPrepared({
        deps, clock: ctx.clock, prepared: [prepared], repo: REGISTRY_REPOSITORY, branch: p.version, commit: prepared.commit ?? 'unknown',
        deployId: ctx.deployId, request: ctx.request, toResult,
      })));
    }
    return results;
  }

  /** For a deploy whose packs need packs nobody provides: those, from the registry, before the deploy's own. */
  const fetchDependencies: DependencyFetcher = async (specs, ctx) => {
    const resolution = await ctx.clock.run('dependencies', () => plan(specs));
    const staging = stagingRoot(config.state_dir, `${ctx.deployId}-deps`);
    try {
      return await installPlanned(resolution.plan, { ...ctx, stagingRoot: staging });
    } finally {
      await removeStaging(staging);
    }
  };

  async function install(request: DeployRequest, onProgress: ProgressListener = () => {}): Promise<DeployResult> {
    const id = request.id ?? newDeployId();
    const started = new Date();
    const clock = new StageClock(onProgress);
    const staging = stagingRoot(config.state_dir, id);
    const packs: PackResult[] = [];
    let error: string | null = null;
    try {
      const resolution = await clock.run('resolve', () => plan(parseSpecs(request.packs)));
      packs.push(...(await installPlanned(resolution.plan, { clock, stagingRoot: staging, deployId: id, request })));
    } catch (err) {
      error = masker.mask(isPackbotError(err) ? err.describe() : err instanceof Error ? err.message : String(err));
      deps.logger.warn({ deploy: id, err: error }, 'install failed');
    } finally {
      await removeStaging(staging);
    }
    const result: DeployResult = {
      deploy_id: id, repo: REGISTRY, branch: '', commit: null, packs,
      success_count: packs.filter((p) => p.status === 'deployed' || p.status === 'unchanged').length,
      failure_count: packs.filter((p) => p.status === 'failed' || p.status === 'rolled_back').length,
      duration_ms: Date.now() - started.getTime(), stages: clock.stages, error,
    };
    await clock.run('record', () => recordDeploy(deps.history, request, result, started));
    return result;
  }

  /** The dependency graph of `specs`: installed packs, and what the registry would add (when there is one). */
  async function graph(specs: readonly string[]): Promise<DepGraph> {
    const installed = await deps.store.list();
    const resolution = registry.indexes.length === 0 ? null : resolveInstall({
      requests: specs, installed: new Map(installed.map((r) => [r.pack, r.meta.version])), indexes: (await indexes()).indexes, maxDepth: registry.max_depth,
    });
    return buildGraph(specs.map((s) => parseRequest(s).name), installed, resolution);
  }

  return { plan, install, graph, fetchDependencies };
}

export type Installer = ReturnType<typeof createInstaller>;
