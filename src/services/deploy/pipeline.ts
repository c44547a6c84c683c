import { activatePrepared } from './activate.js';
import { deployChanges, type PackChange } from './changes.js';
import { planSources } from './discover.js';
import { FailedTrees, failedTreesDir } from './failed-trees.js';
import type { TurnFence } from './fence.js';
import { createMaintenance } from './maintenance.js';
import { missingDependencies } from './missing.js';
import { mapBounded, packConcurrency } from '../../core/bounded.js';
import { KeyedMutex } from '../../core/keyed-mutex.js';
import { planDeploy, targetedPlan, tryPlanDeploy, type PlanRequest } from './plan.js';
import { checkAgainstPlan } from './planned.js';
import { preparePack, type PreparedPack } from './prepare.js';
import { preflight } from './preflight.js';
import { previewDeploy } from './preview.js';
import type { DeployPreview } from './preview-types.js';
import { recordFenced } from './fenced-record.js';
import { refusedRun } from './refuse.js';
import { askedAs, resolveRepository, withCredentials } from './resolve.js';
import { errorText, finishResult, sumCounts } from './result.js';
import { StageClock, type ProgressListener } from './stage-clock.js';
import { recoverStaging, removeStaging, stagingRoot } from './staging.js';
import type { RefKind } from './single-pack.js';
import { newDeployId, type DeployerDeps, type DeployPlan, type DeployResult, type PackResult, type RegisterCounts } from './types.js';

/**
 * The deploy pipeline: resolve → fetch → discover → validate → dependencies → env → test →
 * install → register → record, on a plan made beforehand (plan.ts). Each pack moves on its
 * own; a bad pack fails alone, while problems that concern the whole deploy (repository,
 * ref, dependencies) stop it before anything goes live.
 */
export function createDeployer(deps: DeployerDeps) {
  const mutex = new KeyedMutex();
  const { config, git, masker } = deps;
  const failed = new FailedTrees(failedTreesDir(config.state_dir));
  // Packs validated, and verdicts recalled instead (failed-trees.ts), by this deployer.
  const counted = { validated: 0, recalled: 0 };
  const onValidate = (how: 'validated' | 'recalled') => void counted[how]++;

  /** Runs `plan` as it is: nothing in it is resolved or checked again. `fence`: a queued turn's (fence.ts). */
  async function deploy(plan: DeployPlan, onProgress: ProgressListener = () => {}, fence?: TurnFence): Promise<DeployResult> {
    const started = new Date();
    const clock = new StageClock(onProgress);
    let commit: string | null = null;
    let packs: PackResult[] = [];
    let notPacks: string[] = [];
    let error: string | null = null;
    const staging = stagingRoot(config.state_dir, plan.id);
    let registered: RegisterCounts | undefined;
    try {
      // What the plan cannot hold: the repository's credentials, from the config.
      const repo = await clock.run('resolve', async () => withCredentials(config, plan.repo));
      const sha: string = await clock.run('fetch', async () => {
        if (plan.commit !== undefined) return plan.commit;
        await git.sync(repo.remote);
        return git.resolveRef(repo.remote, plan.ref);
      });
      commit = sha;
      const installed = await deps.store.list();
      const discovered = await clock.run('discover', () => planSources(git, repo, sha, plan, installed, deps.yaml));
      const { sources } = discovered;
      notPacks = discovered.notPacks;
      packs = await mutex.run(sources.map((s) => `${repo.name}/${s.name}`), async () => {
        // A few packs at a time: each is read through the mirror's one object reader, written and validated.
        const staged = await mapBounded(sources, packConcurrency(), (source) =>
          clock.run('validate', async () => {
            try {
              return await preparePack({ git, repo, commit: sha, source, stagingRoot: staging, installed, force: plan.force, failed, onValidate, ...(deps.yaml ? { yaml: deps.yaml } : {}) });
            } catch (err) {
              return { source, treeId: '', stagingDir: '', check: null, active: null, unchanged: false, error: errorText(err, masker) } satisfies PreparedPack;
            }
          }, source.name, (p) => p.error));
        // Still the packs (refs, owners) the request was checked for when it was queued?
        const prepared = checkAgainstPlan(plan, staged, installed, config);
        // Dependencies nothing provides come from the registry first, when there is one.
        const missing = deps.fetchDependencies ? missingDependencies(prepared, installed) : [];
        const fetched = missing.length > 0 && deps.fetchDependencies ? await deps.fetchDependencies(missing, { clock, plan, fence }) : [];
        // Rollbacks and uninstalls lock by pack ref; take the same locks before touching the store.
        const refs = prepared.filter((p) => !p.error && !p.unchanged).map((p) => `pack/${p.check?.ref ?? p.source.name}`);
        const live = () => activatePrepared({ deps: fence ? { ...deps, fence } : deps, clock, prepared, repo, branch: plan.ref, commit: sha, deployId: plan.id, requestedBy: plan.requestedBy, onRegistered: (counts) => (registered = sumCounts(registered, counts)) });
        return [...fetched, ...(await mutex.run(refs, live))];
      });
    } catch (err) {
      error = errorText(err, masker);
      deps.logger.warn({ deploy: plan.id, err: error }, 'deploy failed');
    } finally {
      await removeStaging(staging);
      // The mirror's object reader (one git process) stays for the next request, and ends
      // after an idle spell (object-reader.ts): a chat request reads the mirror three times.
    }
    const result = finishResult({ id: plan.id, repo: askedAs(plan.repo), branch: plan.ref, commit, packs, notPacks, started, stages: clock.stages, error, registered });
    // A turn lost meanwhile (its catch above took the TurnLostError) stops here: the new owner
    // records. A store outage does not: what went live is recorded, durably (fenced-record.ts).
    await recordFenced(deps, fence, clock, plan, result, started);
    return result;
  }

  /** What a command, a push or the CLI asks → a plan; throws what a user got wrong (see plan.ts). */
  function planRequest(request: PlanRequest): DeployPlan {
    return planDeploy(config, request);
  }

  /**
   * The packs a plan touches, for the locks and the queue: the ones it names, or for "all",
   * every pack on its ref now. Fetches, so that a mistyped ref or pack is refused here, with
   * suggestions, rather than queued (preflight.ts).
   */
  async function targets(plan: DeployPlan): Promise<string[]> {
    return (await resolveTargets(plan)).packs;
  }

  /**
   * The plan to queue and the names it goes by: its directories and their pack refs read
   * from the ref (a name may be a ref), and those refs, for the queue, locks and permissions.
   */
  async function resolveTargets(plan: DeployPlan): Promise<{ plan: DeployPlan; packs: string[]; commit: string; readAs?: RefKind }> {
    const found = await preflight(git, withCredentials(config, plan.repo), plan.ref, plan.packs, deps.yaml, () => deps.store.list(), plan.word);
    // readAs: a single-pack repository's word was read as the ref (single-pack.ts); the requester is told.
    return { plan: targetedPlan(plan, found), packs: found.keys, commit: found.commit, ...(found.readAs ? { readAs: found.readAs } : {}) };
  }

  /**
   * Plans and deploys at once (the CLI when planning fails, scripts and tests): a request
   * that cannot be planned is a failed deploy, reported and recorded.
   */
  async function run(request: PlanRequest, onProgress?: ProgressListener): Promise<DeployResult> {
    const planned = tryPlanDeploy(config, request);
    if ('plan' in planned) return deploy(planned.plan, onProgress);
    return refusedRun(deps, {
      id: request.id ?? newDeployId(), repo: request.repo, branch: planned.ref, by: request,
      err: planned.refused, resolved: planned.resolved, what: 'deploy',
    }, onProgress);
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

  /**
   * What deploying `plan` would do, pack by pack, worked out now from the mirror and the pack
   * store: nothing is staged, installed or recorded (preview.ts). Fetches; throws as `targets` does.
   */
  function preview(plan: DeployPlan): Promise<DeployPreview> {
    return previewDeploy(deps, plan);
  }

  /** How many packs this deployer validated, and how many failed verdicts it recalled instead. */
  function validations(): { validated: number; recalled: number } {
    return { ...counted };
  }

  return { deploy, plan: planRequest, targets, resolveTargets, run, recover, changes, preview, validations, ...createMaintenance(deps, mutex) };
}

export type Deployer = ReturnType<typeof createDeployer>;
