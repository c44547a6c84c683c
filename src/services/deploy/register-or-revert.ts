/**
 * The register stage: StackStorm is told about the packs that just went live (the configured
 * hooks). If that fails, those packs go back to their previous release (or away, when they had
 * none), so StackStorm and the packs on disk never disagree.
 */
import { hasRegisterHooks, registerPacks } from './register.js';
import { errorText } from './result.js';
import type { PreparedPack } from './prepare.js';
import type { StageClock } from './stage-clock.js';
import type { DeployerDeps, PackResult } from './types.js';

export interface Activated {
  ref: string;
  p: PreparedPack;
  /** The release it replaced, null for a first install. */
  previous: string | null;
  result: PackResult;
}

/** The results of `activated` after registration: unchanged, or rolled back with the reason. */
export async function registerOrRevert(deps: DeployerDeps, clock: StageClock, activated: readonly Activated[]): Promise<Array<{ p: PreparedPack; result: PackResult }>> {
  const kept = activated.map((a) => ({ p: a.p, result: a.result }));
  if (activated.length === 0 || !hasRegisterHooks(deps.config)) return kept;
  try {
    await clock.run('register', () => registerPacks(activated.map((a) => a.ref), deps));
    return kept;
  } catch (err) {
    const why = errorText(err, deps.masker);
    const reverted: Array<{ p: PreparedPack; result: PackResult }> = [];
    for (const a of activated) {
      if (a.previous) await deps.store.activate(a.ref, a.previous);
      else await deps.store.uninstall(a.ref);
      const error = `${why} — ${a.previous ? `rolled back to ${a.previous}` : 'removed again (no previous release)'}`;
      reverted.push({ p: a.p, result: { ...a.result, status: 'rolled_back', release: a.previous, error } });
    }
    return reverted;
  }
}
