/**
 * `pack install slack=2.3.0 docker` → a DeployPlan of kind install: the specs checked once,
 * before any index is fetched. Which versions (and dependencies) that means is worked out
 * when it runs, against the indexes and what is installed by then (installer.ts).
 */
import { PackbotError } from '../../core/errors.js';
import { requester, type PlanRequest, type Planned } from '../deploy/plan.js';
import type { PlannedRepository } from '../deploy/resolve.js';
import type { DeployPlan } from '../deploy/types.js';
import { parseRequest } from '../../domain/registry/select.js';

/** What installs are recorded as coming from (a release's `repo`), and what locks see as the default branch. */
export const REGISTRY = 'registry';

export const REGISTRY_REPOSITORY: PlannedRepository = {
  name: REGISTRY, remote: { name: REGISTRY, url: '' }, byUrl: false, subtree: null, defaultBranch: REGISTRY, settings: null,
};

/** An install as asked: the specs as chat text (`slack=2.3.0, docker`) or a list. */
export type InstallRequest = Omit<PlanRequest, 'repo' | 'ref'>;

/** `slack=2.3.0, docker` → ['slack=2.3.0', 'docker']; specs are validated by the resolver. */
export function parseSpecs(text: string): string[] {
  const specs = text.split(/[,\s]+/).map((s) => s.trim()).filter((s) => s !== '');
  if (specs.length === 0) throw new PackbotError('usage', 'Name at least one pack, e.g. `pack install slack` or `pack install slack=2.3.0 docker`.');
  return [...new Set(specs)];
}

/** Each spec readable, or registry_request_invalid: a hostile spec costs nothing, no index is fetched for it. */
export function checkSpecs(specs: readonly string[]): void {
  for (const spec of specs) parseRequest(spec);
}

export function tryPlanInstall(request: InstallRequest): Planned {
  try {
    const specs = parseSpecs(typeof request.packs === 'string' ? request.packs : request.packs.join(' '));
    checkSpecs(specs);
    return { plan: { ...requester(request), kind: 'install', repo: REGISTRY_REPOSITORY, ref: REGISTRY, packs: specs } };
  } catch (err) {
    return { refused: err, ref: '', resolved: false };
  }
}

/** Throws usage (no pack named) or registry_request_invalid. */
export function planInstall(request: InstallRequest): DeployPlan {
  const planned = tryPlanInstall(request);
  if ('refused' in planned) throw planned.refused;
  return planned.plan;
}
