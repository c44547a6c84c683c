import type { HistoryRecord } from '../../domain/store/history.js';
import { PackbotError, isPackbotError } from '../../core/errors.js';
import { registerPacks, unregisterPacks } from './register.js';
import { newDeployId, type DeployerDeps } from './types.js';
import type { KeyedMutex } from '../../core/keyed-mutex.js';

const PACK_REF = /^[a-z0-9_]+$/;

function checkRef(pack: string): string {
  if (!PACK_REF.test(pack)) throw new PackbotError('usage', `"${pack.slice(0, 60)}" is not a pack name (lowercase letters, digits and "_").`);
  return pack;
}

function record(kind: HistoryRecord['kind'], by: string, started: Date, packs: HistoryRecord['packs'], error?: string): HistoryRecord {
  const finished = new Date();
  return {
    id: newDeployId(), kind, requested_by: by, started_at: started.toISOString(), finished_at: finished.toISOString(),
    duration_ms: finished.getTime() - started.getTime(), result: error ? 'partial' : 'success', packs, stages: {},
    ...(error ? { error } : {}),
  };
}

export interface RollbackResult {
  pack: string;
  from: string | null;
  to: string;
  version: string;
  /** Where the release now active came from: a default-branch one ends the pack's branch lock. */
  repo: string;
  branch: string;
  /** The rollback's history id. */
  id: string;
  /** The registration hook failed: the rollback stands, StackStorm may not have reloaded. */
  warning: string | null;
}

/** `pack rollback` and `pack uninstall`: release moves that need no git. */
export function createMaintenance(deps: DeployerDeps, mutex: KeyedMutex) {
  async function rollback(pack: string, release: string | undefined, by: string): Promise<RollbackResult> {
    checkRef(pack);
    return mutex.run([`pack/${pack}`], async () => {
      const started = new Date();
      const { from, to } = await deps.store.rollback(pack, release === '' ? undefined : release);
      let warning: string | null = null;
      try {
        await registerPacks([pack], deps);
      } catch (err) {
        warning = deps.masker.mask(isPackbotError(err) ? err.message : String(err));
      }
      const rec = record('rollback', by, started, [
        { pack, status: 'rolled_back', version: to.meta.version, from: from?.release ?? null, to: to.release, warnings: warning ? [warning] : [] },
      ], warning ?? undefined);
      await deps.history.append(rec);
      return {
        pack, from: from?.release ?? null, to: to.release, version: to.meta.version, repo: to.meta.repo, branch: to.meta.branch, id: rec.id, warning,
      };
    });
  }

  async function uninstall(packs: string[], by: string): Promise<Array<{ pack: string; removed: string | null; error: string | null }>> {
    packs.forEach(checkRef);
    return mutex.run(packs.map((p) => `pack/${p}`), async () => {
      const started = new Date();
      const present: string[] = [];
      for (const pack of packs) if (await deps.store.active(pack)) present.push(pack);
      await unregisterPacks(present, deps);
      const out: Array<{ pack: string; removed: string | null; error: string | null }> = [];
      for (const pack of packs) {
        if (!present.includes(pack)) {
          out.push({ pack, removed: null, error: `${pack} is not installed` });
          continue;
        }
        const removed = await deps.store.uninstall(pack);
        out.push({ pack, removed: removed?.release ?? null, error: null });
      }
      await deps.history.append(record('uninstall', by, started, out.filter((o) => o.removed).map((o) => ({
        pack: o.pack, status: 'uninstalled' as const, from: o.removed, to: null, warnings: [],
      }))));
      return out;
    });
  }

  return { rollback, uninstall };
}
