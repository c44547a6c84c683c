/**
 * Reading a queue entry's payload. Entries queued by the previous version (in Redis or the
 * embedded journal) hold the request as asked, not its plan: they are planned here, the way
 * their turn used to plan them, so an upgrade with deploys in flight still runs them.
 * Reading never throws: an entry that cannot be read would hold its packs forever.
 */
import type { PackbotConfig } from '../../domain/config/index.js';
import { requester, tryPlanDeploy } from '../deploy/plan.js';
import type { DeployPlan, DeployRequest } from '../deploy/types.js';
import { tryPlanInstall } from '../install/install-plan.js';
import type { DeployPayload } from './types.js';

/** A payload as the previous version wrote it. */
export interface LegacyPayload extends Omit<DeployPayload, 'plan'> {
  request: DeployRequest & { id: string };
  /** The resolved repository's name. */
  repo: string;
  branch: string;
  defaultBranch: string;
}

export function readPayload(config: PackbotConfig, raw: unknown): DeployPayload {
  const p = raw as DeployPayload | LegacyPayload;
  if ('plan' in p) return p;
  return { plan: legacyPlan(config, p), target: p.target, policy: p.policy, ...(p.revert ? { revert: p.revert } : {}) };
}

function legacyPlan(config: PackbotConfig, p: LegacyPayload): DeployPlan {
  const planned = p.request.kind === 'install' ? tryPlanInstall(p.request) : tryPlanDeploy(config, p.request);
  if ('plan' in planned) return planned.plan;
  // Its repository left the config (or moved) while it waited. As the old turn did, it runs
  // and fails: this repository, known by no remote, is refused when the deploy resolves it.
  return {
    ...requester(p.request), kind: p.request.kind ?? 'deploy', ref: p.branch, packs: p.request.packs === '' ? [] : p.request.packs.split(','),
    repo: { name: p.repo, remote: { name: p.repo, url: '' }, byUrl: false, subtree: null, defaultBranch: p.defaultBranch, settings: null },
  };
}
