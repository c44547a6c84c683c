import type { HistoryRecord, HistoryStore, PackRecord } from '../../domain/store/history.js';
import { outcome } from './result.js';
import type { DeployPlan, DeployResult } from './types.js';

/** History tells a success that changed nothing (every pack already there) apart. */
function recordedResult(result: DeployResult): HistoryRecord['result'] {
  const o = outcome(result);
  return o === 'success' && result.packs.every((p) => p.status === 'unchanged') ? 'noop' : o;
}

/** Who asked, as history keeps it. */
export type RecordedBy = Pick<DeployPlan, 'requestedBy' | 'channel' | 'note'>;

/** One history record per deploy, whatever happened (the store masks it). */
export async function recordDeploy(history: HistoryStore, request: RecordedBy, result: DeployResult, started: Date): Promise<void> {
  const packs: PackRecord[] = result.packs.map((p) => ({
    pack: p.pack,
    status: p.status,
    ...(p.version ? { version: p.version } : {}),
    from: p.previous_release,
    to: p.release,
    ...(p.error ? { error: p.error } : {}),
    warnings: p.warnings,
  }));
  await history.append({
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
  });
}
