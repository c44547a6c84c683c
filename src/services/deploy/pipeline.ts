import { deployChanges, type PackChange } from './changes.js';
import { validateRef } from '../../domain/git/index.js';
import type { Masker } from '../../core/masking/masker.js';
import { isPackbotError } from '../../core/errors.js';
import { discoverPacks, type PackSource } from './discover.js';
import type { Release } from '../../domain/packstore/index.js';
import { KeyedMutex } from './mutex.js';
import { preparePack, type PreparedPack } from './prepare.js';
import { parsePackList, resolveRepository, type ResolvedRepository } from './resolve.js';
import { installPrepared } from './install.js';
import { recordDeploy } from './record.js';
import { createMaintenance } from './maintenance.js';
import { missingDependencies } from './missing.js';
import { recoverStaging, removeStaging, stagingRoot } from './staging.js';
import { newDeployId, type DeployerDeps, type DeployRequest, type DeployResult, type PackResult, type ProgressEvent, type Stage } from './types.js';

export type ProgressListener = (event: ProgressEvent) => void;


/** Stage timings and progress events for one deploy. */
export class StageClock {
  readonly stages: Partial<Record<Stage, number>> = {};
  constructor(private readonly emit: ProgressListener) {}

  /** `failure` reads a problem out of a result that was returned rather than thrown. */
  async run<T>(stage: Stage, work: () => Promise<T>, pack?: string, failure?: (result: T) => string | null): Promise<T> {
    const t0 = performance.now();
    this.emit({ stage, status: 'start', ...(pack ? { pack } : {}) });
    try {
      const result = await work();
      const problem = failure?.(result) ?? null;
      this.done(stage, t0, problem ? 'failed' : 'done', pack, problem ?? undefined);
      return result;
    } catch (err) {
      this.done(stage, t0, 'failed', pack, err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  private done(stage: Stage, t0: number, status: 'done' | 'failed', pack?: string, detail?: string) {
    const elapsedMs = Math.round(performance.now() - t0);
    this.stages[stage] = (this.stages[stage] ?? 0) + elapsedMs;
    this.emit({ stage, status, elapsedMs, ...(pack ? { pack } : {}), ...(detail ? { detail } : {}) });
  }
}

function errorText(err: unknown, masker: Masker): string {
  return masker.mask(isPackbotError(err) ? err.describe() : err instanceof Error ? err.message : String(err));
}

export function toResult(p: PreparedPack, extra: Partial<PackResult> = {}): PackResult {
  return {
    pack: p.check?.ref ?? p.active?.pack ?? p.source.name,
    source: p.source.name,
    status: p.error ? 'failed' : p.unchanged ? 'unchanged' : 'deployed',
    version: p.check?.manifest?.version ?? p.active?.meta.version ?? null,
    release: p.unchanged ? (p.active?.release ?? null) : null,
    previous_release: p.active?.release ?? null,
    components: p.check?.summary ?? null,
    warnings: p.check?.warnings ?? [],
    error: p.error,
    ...extra,
  };
}

/**
 * Named packs whose active release came from this repo at this very commit need no look at
 * the tree: they exist there and are unchanged. The common "deploy it again" costs a fetch.
 */
function alreadyActive(installed: readonly Release[], repo: string, commit: string, wanted: string[] | null): PackSource[] | null {
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

/**
 * The deploy pipeline: resolve → fetch → discover → validate → dependencies → env → test →
 * install → register → record. Each pack moves on its own; a bad pack fails alone, while
 * problems that concern the whole request (repository, ref, dependencies) stop it before
 * anything is installed.
 */
export function createDeployer(deps: DeployerDeps) {
  const mutex = new KeyedMutex();
  const { config, git, masker } = deps;

  async function deploy(request: DeployRequest, onProgress: ProgressListener = () => {}): Promise<DeployResult> {
    const id = request.id ?? newDeployId();
    const started = new Date();
    const clock = new StageClock(onProgress);
    let branch = request.ref?.trim() ?? '';
    let commit: string | null = null;
    let packs: PackResult[] = [];
    let error: string | null = null;
    const staging = stagingRoot(config.state_dir, id);
    try {
      const repo = await clock.run('resolve', async () => {
        const resolved = resolveRepository(config, request.repo);
        branch = validateRef(branch === '' ? resolved.defaultBranch : branch);
        return resolved;
      });
      const wanted = parsePackList(request.packs);
      const sha: string = await clock.run('fetch', async () => {
        await git.sync(repo.remote);
        return git.resolveRef(repo.remote, branch);
      });
      commit = sha;
      const installed = await deps.store.list();
      const sources = await clock.run('discover', async () =>
        (request.force ? null : alreadyActive(installed, repo.name, sha, wanted)) ?? discoverPacks(git, repo, sha, branch, wanted));
      packs = await mutex.run(sources.map((s) => `${repo.name}/${s.name}`), async () => {
        const prepared = await Promise.all(sources.map((source) =>
          clock.run('validate', async () => {
            try {
              return await preparePack({ git, repo, commit: sha, source, stagingRoot: staging, installed, force: request.force ?? false });
            } catch (err) {
              return { source, treeId: '', stagingDir: '', check: null, active: null, unchanged: false, error: errorText(err, masker) } satisfies PreparedPack;
            }
          }, source.name, (p) => p.error)));
        // Dependencies nothing provides come from the registry first, when there is one.
        const missing = deps.fetchDependencies ? missingDependencies(prepared, installed) : [];
        const fetched = missing.length > 0 && deps.fetchDependencies ? await deps.fetchDependencies(missing, { clock, deployId: id, request }) : [];
        // Rollbacks and uninstalls lock by pack ref; take the same locks before touching the store.
        const refs = prepared.filter((p) => !p.error && !p.unchanged).map((p) => `pack/${p.check?.ref ?? p.source.name}`);
        return [...fetched, ...(await mutex.run(refs, () => installPrepared({ deps, clock, prepared, repo, branch, commit: sha, deployId: id, request, toResult })))];
      });
    } catch (err) {
      error = errorText(err, masker);
      deps.logger.warn({ deploy: id, err: error }, 'deploy failed');
    } finally {
      await removeStaging(staging);
    }
    const result: DeployResult = {
      deploy_id: id,
      repo: request.repo,
      branch,
      commit,
      packs,
      success_count: packs.filter((p) => p.status === 'deployed' || p.status === 'unchanged').length,
      failure_count: packs.filter((p) => p.status === 'failed' || p.status === 'rolled_back').length,
      duration_ms: Date.now() - started.getTime(),
      stages: clock.stages,
      error,
    };
    await clock.run('record', () => recordDeploy(deps.history, request, result, started));
    return result;
  }

  /**
   * What a request would touch, before it is queued: the repository, the ref (validated),
   * and the pack directory names — which, for "all packs", means looking at the ref.
   */
  async function plan(request: Pick<DeployRequest, 'repo' | 'packs' | 'ref'>): Promise<{ repo: ResolvedRepository; branch: string; packs: string[] }> {
    const repo = resolveRepository(config, request.repo);
    const ref = request.ref?.trim() ?? '';
    const branch = validateRef(ref === '' ? repo.defaultBranch : ref);
    const wanted = parsePackList(request.packs);
    if (repo.subtree === false) return { repo, branch, packs: [wanted?.[0] ?? repo.name] };
    if (wanted) return { repo, branch, packs: wanted };
    await git.sync(repo.remote);
    const sha = await git.resolveRef(repo.remote, branch);
    const sources = await discoverPacks(git, repo, sha, branch, null);
    return { repo, branch, packs: sources.map((s) => s.name) };
  }

  /** Staging left behind by a crash (see staging.ts), and the pack store's own leftovers. */
  async function recover(): Promise<string[]> {
    await recoverStaging(config.state_dir);
    return deps.store.recover();
  }

  /** What a finished deploy changed in each pack it installed (for announcements). */
  async function changes(result: DeployResult): Promise<PackChange[]> {
    const repo = resolveRepository(config, result.repo);
    return deployChanges({ git, store: deps.store }, repo.remote, result, (source) => (repo.subtree === false ? '' : `packs/${source}`));
  }

  return { deploy, plan, recover, changes, ...createMaintenance(deps, mutex) };
}

export type Deployer = ReturnType<typeof createDeployer>;
