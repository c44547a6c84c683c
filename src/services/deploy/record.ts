import type { HistoryRecord, HistoryStore, PackRecord } from '../../domain/store/history.js';
import type { Logger } from '../../core/logging/logger.js';
import { savePendingRecord } from './pending-records.js';
import { outcome } from './result.js';
import type { DeployPlan, DeployResult } from './types.js';

/** History tells a success that changed nothing (every pack already there) apart. */
function recordedResult(result: DeployResult): HistoryRecord['result'] {
  const o = outcome(result);
  return o === 'success' && result.packs.every((p) => p.status === 'unchanged') ? 'noop' : o;
}

/** Who asked, as history keeps it. */
export type RecordedBy = Pick<DeployPlan, 'requestedBy' | 'channel' | 'note'>;

/**
 * Recording through a store outage: a few tries a moment apart, then the record is kept on
 * disk (pending-records.ts) for coordination to append once the store is back. The deploy it
 * records has happened: its record must not be lost, nor its result with it.
 */
export interface Durably {
  stateDir: string;
  logger: Pick<Logger, 'warn' | 'error'>;
  /** Waits between tries (ms); default 2 s in all (each failing call waits on the store's client too). */
  delaysMs?: readonly number[];
  /**
   * Look the id up before the first try too: a turn taken over, whose first worker may have
   * recorded before it lost the turn. Not always: the lookup reads the whole history.
   */
  lookFirst?: boolean;
}

const DELAYS_MS = [500, 1500];

/** One history record per deploy, whatever happened (the store masks it); `durably`: see Durably. */
export async function recordDeploy(history: HistoryStore, request: RecordedBy, result: DeployResult, started: Date, durably?: Durably): Promise<void> {
  const record = historyRecord(request, result, started);
  if (!durably) return history.append(record);
  const delays = durably.delaysMs ?? DELAYS_MS;
  for (let i = 0; ; i++) {
    try {
      // A try after a failed one may find that the store took it after all.
      if ((i === 0 && !durably.lookFirst) || !(await history.get(record.id))) await history.append(record);
      return;
    } catch (err) {
      if (i >= delays.length) {
        const file = await savePendingRecord(durably.stateDir, record);
        durably.logger.error({ err, deploy: record.id, file }, 'could not record the deploy in history; kept on disk until the state store is back');
        return;
      }
      durably.logger.warn({ err, deploy: record.id }, 'could not record the deploy in history; trying again');
      await new Promise((r) => setTimeout(r, delays[i]));
    }
  }
}

/** A deploy's history record. */
export function historyRecord(request: RecordedBy, result: DeployResult, started: Date): HistoryRecord {
  const packs: PackRecord[] = result.packs.map((p) => ({
    pack: p.pack,
    status: p.status,
    ...(p.version ? { version: p.version } : {}),
    from: p.previous_release,
    to: p.release,
    ...(p.error ? { error: p.error } : {}),
    warnings: p.warnings,
  }));
  return {
    id: result.deploy_id,
    kind: 'deploy',
    requested_by: request.requestedBy,
    ...(request.channel ? { channel: request.channel } : {}),
    repo: result.repo,
    branch: result.branch,
    ...(result.commit ? { commit: result.commit } : {}),
    started_at: started.toISOString(),
    finished_at: new Date(started.getTime() + result.duration_ms).toISOString(),
    duration_ms: result.duration_ms,
    result: recordedResult(result),
    packs,
    stages: result.stages as Record<string, number>,
    ...(result.error ? { error: result.error } : {}),
    ...(request.note ? { note: request.note } : {}),
  };
}
