/**
 * At a deploy's turn, after validation: is each pack still what its request was checked as?
 * Its queue entry, locks and permission checks used the pack's ref and the origin of the
 * release it replaces, as they were when it was asked; the branch or the installed packs may
 * have changed while it waited. A pack that is no longer the same is refused, alone.
 */
import type { PackbotConfig } from '../../domain/config/index.js';
import type { Release } from '../../domain/packstore/index.js';
import { originKey, originLabel, originOfDeploy, originOfRelease } from '../../domain/permissions/index.js';
import { refMoved } from './pack-refs.js';
import type { PreparedPack } from './prepare.js';
import type { DeployPlan } from './types.js';

/** The ref a prepared pack was checked as: the plan's record of it, or the ref it was asked by. */
function plannedRef(plan: Pick<DeployPlan, 'refs'>, p: PreparedPack): string | undefined {
  return plan.refs ? (plan.refs[p.source.name] ?? p.source.name) : p.source.ref;
}

/**
 * Refuses, with a reason, what the request was not checked for: an installed release of
 * another origin it had no permission to replace (`replaces`, when the plan has one).
 */
export function replacementProblem(plan: Pick<DeployPlan, 'replaces' | 'kind' | 'repo'>, ref: string, installed: readonly Release[], config: PackbotConfig): string | null {
  if (!plan.replaces) return null;
  const active = installed.find((r) => r.pack === ref && r.active) ?? installed.find((r) => r.pack === ref);
  if (!active) return null;
  const origin = originOfRelease(active.meta, config);
  const key = originKey(origin);
  if (key === originKey(originOfDeploy(plan.repo, plan.kind)) || plan.replaces[ref] === key) return null;
  return `${ref} is installed from ${originLabel(origin)} now, which this request was not checked against when it was asked; ask again.`;
}

/** Each prepared pack as it stands, or refused: its ref changed, two packs are one, or its owner changed. */
export function checkAgainstPlan(plan: DeployPlan, prepared: PreparedPack[], installed: readonly Release[], config: PackbotConfig): PreparedPack[] {
  const count = new Map<string, number>();
  for (const p of prepared) if (!p.error && p.check?.ref) count.set(p.check.ref, (count.get(p.check.ref) ?? 0) + 1);
  return prepared.map((p) => {
    const ref = p.check?.ref;
    if (p.error || p.unchanged || !ref) return p;
    const planned = plannedRef(plan, p);
    if (planned !== undefined && planned !== ref) return { ...p, error: refMoved(p.source.name, planned, ref) };
    if ((count.get(ref) ?? 0) > 1) {
      const same = prepared.filter((q) => q.check?.ref === ref).map((q) => q.source.name);
      return { ...p, error: `${same.join(' and ')} are both the pack ${ref} (their pack.yaml ref); deploy one of them.` };
    }
    const problem = replacementProblem(plan, ref, installed, config);
    return problem ? { ...p, error: problem } : p;
  });
}
