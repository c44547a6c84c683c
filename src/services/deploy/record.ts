import type { HistoryRecord, HistoryStore, PackRecord } from '../../domain/store/history.js';
import type { DeployRequest, DeployResult } from './types.js';

function outcome(result: DeployResult): HistoryRecord['result'] {
  if (result.error || (result.failure_count > 0 && result.success_count === 0)) return 'failure';
  if (result.failure_count > 0) return 'partial';
  if (result.packs.every((p) => p.status === 'unchanged')) return 'noop';
  return 'success';
}

/** One history record per deploy, whatever happened (the store masks it). */
export async function recordDeploy(history: HistoryStore, request: DeployRequest, result: DeployResult, started: Date): Promise<void> {
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
    result: outcome(result),
    packs,
    stages: result.stages as Record<string, number>,
    ...(result.error ? { error: result.error } : {}),
    ...(request.note ? { note: request.note } : {}),
  });
}
