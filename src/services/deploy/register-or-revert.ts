/**
 * The register stage: StackStorm is told about the packs that just went live (the configured
 * hooks). If that fails, those packs go back to their previous release (or away, when they had
 * none), so StackStorm and the packs on disk never disagree. With register.st2, StackStorm may
 * have taken part of the new release before it failed (it registers resource by resource), so
 * the releases put back are registered with it again.
 */
import { hasRegisterHooks, registerPacks } from './register.js';
import { registerWithSt2 } from './register-st2.js';
import { errorText, toResult } from './result.js';
import type { PreparedPack } from './prepare.js';
import type { StageClock } from './stage-clock.js';
import type { DeployerDeps, PackResult, RegisterCounts } from './types.js';

export interface Activated {
  ref: string;
  p: PreparedPack;
  /** The release it replaced, null for a first install. */
  previous: string | null;
  result: PackResult;
}

export interface Registered {
  results: Array<{ p: PreparedPack; result: PackResult }>;
  /** StackStorm's counts when register.st2 registered the packs. */
  counts: RegisterCounts | null;
}

/**
 * The results of `activated` after registration: unchanged, or rolled back with the reason.
 * `again`: packs an earlier run of this deploy made live (a turn taken over), registered with
 * them; if that fails they stay live and are reported failed (what was before is not known here).
 */
export async function registerOrRevert(deps: DeployerDeps, clock: StageClock, activated: readonly Activated[], again: readonly PreparedPack[] = []): Promise<Registered> {
  const kept = activated.map((a) => ({ p: a.p, result: a.result }));
  if ((activated.length === 0 && again.length === 0) || !hasRegisterHooks(deps.config)) return { results: kept, counts: null };
  const refs = [...activated.map((a) => a.ref), ...again.map((p) => p.active?.pack ?? p.source.name)];
  try {
    await deps.fence?.check('the register hook');
    // A hook still running when the turn is lost is killed (register.ts), not left to overlap.
    const counts = await clock.run('register', () => registerPacks(refs, { ...deps, ...(deps.fence ? { signal: deps.fence.signal } : {}) }));
    return { results: kept, counts };
  } catch (err) {
    // Lost meanwhile: the new owner registers and decides; rolling back here would undo its work.
    if (deps.fence?.lost) throw err;
    const why = errorText(err, deps.masker);
    await deps.fence?.check('rolling back after a failed registration');
    deps.logger.warn({ packs: activated.map((a) => a.ref), err: why }, 'registration failed; rolling the packs back');
    for (const a of activated) {
      if (a.previous) await deps.store.activate(a.ref, a.previous);
      else await deps.store.uninstall(a.ref);
    }
    const reregistered = await registerAgain(deps, activated.filter((a) => a.previous !== null).map((a) => a.ref));
    const results = activated.map((a) => {
      const back = a.previous ? `rolled back to ${a.previous}${reregistered}` : 'removed again (no previous release)';
      return { p: a.p, result: { ...a.result, status: 'rolled_back' as const, release: a.previous, error: `${why} — ${back}` } };
    });
    const stayed = again.map((p) => ({ p, result: toResult({ ...p, error: `${why} — left active (an earlier run of this deploy made it live)` }) }));
    return { results: [...results, ...stayed], counts: null };
  }
}

/** register.st2 only: the releases back on disk, registered again; what became of it, for the message. */
async function registerAgain(deps: DeployerDeps, refs: string[]): Promise<string> {
  if (!deps.config.register.st2 || refs.length === 0) return '';
  try {
    await registerWithSt2(refs, deps);
    return ', registered with StackStorm again';
  } catch (err) {
    deps.logger.warn({ packs: refs, err: errorText(err, deps.masker) }, 'registering the previous release with StackStorm failed');
    return ` (StackStorm could not register it again: ${errorText(err, deps.masker)})`;
  }
}
