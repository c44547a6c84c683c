/**
 * From what a command, a push or the CLI asks to a DeployPlan: the repository resolved (name
 * or allowed URL → remote, default branch, settings), the ref validated, the pack list parsed
 * — each once, here. Everything a user can get wrong about a deploy is refused at this point,
 * before anything is fetched or queued; the pipeline then runs the plan as it is.
 */
import type { PackbotConfig } from '../../domain/config/index.js';
import { validateRef } from '../../domain/git/index.js';
import type { Preflight } from './preflight.js';
import { parsePackList, plannedRepository, resolveRepository, type ResolvedRepository } from './resolve.js';
import { newDeployId, type DeployPlan, type DeployRequest } from './types.js';

/** A deploy as asked: the pack list as chat text (`docker,sensu`, `all`) or as names. */
export type PlanRequest = Omit<DeployRequest, 'packs' | 'kind'> & { packs: string | readonly string[] };

/**
 * A plan, or why there is none: with the ref as far as planning got and whether the repository
 * and ref were fine (only the pack list was not), which is what the failed deploy reports.
 */
export type Planned = { plan: DeployPlan } | { refused: unknown; ref: string; resolved: boolean };

/** The fields every plan copies from its request as they are. */
export function requester(request: Omit<PlanRequest, 'repo' | 'packs' | 'ref'>): Pick<DeployPlan, 'id' | 'force' | 'requestedBy' | 'channel' | 'note'> {
  return {
    id: request.id ?? newDeployId(),
    force: request.force ?? false,
    requestedBy: request.requestedBy,
    ...(request.channel ? { channel: request.channel } : {}),
    ...(request.note ? { note: request.note } : {}),
  };
}

/** The ref to deploy: the one asked, else the repository's branch; validated. */
function refToDeploy(repo: ResolvedRepository, asked: string | undefined): string {
  const ref = asked?.trim() ?? '';
  // `refs/heads/<default>` spells out the default branch: it releases locks as the plain name does.
  return validateRef(ref === '' || ref === `refs/heads/${repo.defaultBranch}` ? repo.defaultBranch : ref);
}

/** The plan once the repository and ref are known; parsing the pack list is the last check. */
function deployPlan(repo: ResolvedRepository, ref: string, request: Omit<PlanRequest, 'repo'>): DeployPlan {
  const plan: DeployPlan = { ...requester(request), kind: 'deploy', repo: plannedRepository(repo), ref, packs: [] };
  const word = singleWord(repo, request);
  return word !== null ? { ...plan, word } : { ...plan, packs: parsePackList(request.packs) ?? [] };
}

/**
 * A single-pack repository asked with one word and no ref: that word, which may be the pack
 * or the ref (`pack deploy brdel feat-x`), read against the mirror by preflight (single-pack.ts).
 * A word only a ref can be (`feature/x`) counts; one neither can be is parsePackList's to refuse.
 */
function singleWord(repo: ResolvedRepository, request: Omit<PlanRequest, 'repo'>): string | null {
  if (repo.subtree !== false || (request.ref?.trim() ?? '') !== '' || typeof request.packs !== 'string') return null;
  const word = request.packs.trim();
  // `all` (and its spellings) is every pack, as everywhere; a list is names, never a ref.
  if (word === '' || word.includes(',') || word === '*' || word.toLowerCase() === 'all') return null;
  try {
    return validateRef(word);
  } catch {
    return null;
  }
}

export function tryPlanDeploy(config: PackbotConfig, request: PlanRequest): Planned {
  let ref = request.ref?.trim() ?? '';
  let resolved = false;
  try {
    const repo = resolveRepository(config, request.repo);
    ref = refToDeploy(repo, ref);
    resolved = true;
    return { plan: deployPlan(repo, ref, request) };
  } catch (err) {
    return { refused: err, ref, resolved };
  }
}

/** A plan from a repository resolved already (a push's, which fetched it first): the ref and packs checked here. */
export function planResolved(repo: ResolvedRepository, request: Omit<PlanRequest, 'repo'>): DeployPlan {
  return deployPlan(repo, refToDeploy(repo, request.ref), request);
}

/** Throws repo_unknown, git_ref_invalid or usage (a bad pack name), as a deploy always has. */
export function planDeploy(config: PackbotConfig, request: PlanRequest): DeployPlan {
  const planned = tryPlanDeploy(config, request);
  if ('refused' in planned) throw planned.refused;
  return planned.plan;
}

/**
 * A plan as preflight found it, ready to queue: the directories it deploys (for "all", those
 * on its ref now) and the ref each installs as, which its turn checks again.
 */
export function targetedPlan(plan: DeployPlan, found: Pick<Preflight, 'packs' | 'refs'> & { ref?: string }): DeployPlan {
  // A single-pack repository's word has been read (as its pack, or as the ref): gone from the plan.
  const { word: _read, ...asked } = plan;
  return { ...asked, ref: found.ref ?? plan.ref, packs: found.packs, refs: found.refs, ...(plan.packs.length === 0 ? { all: true } : {}) };
}
