/**
 * A run's history record behind its turn's fence (fence.ts), for a deploy and an install
 * alike: a turn lost stops before it (the new owner records); a turn proven this worker's is
 * recorded durably (record.ts); a turn the state store could not vouch for (unreachable) is
 * kept on disk (pending-records.ts) and appended by the turn's settling, a sweep or the next
 * start, each of which looks the id up first: the outcome of what went live is never lost,
 * and a takeover this worker could not see cannot give the deploy two records.
 */
import type { TurnFence } from './fence.js';
import { checkBeforeRecord } from './fence.js';
import { savePendingRecord } from './pending-records.js';
import { historyRecord, recordDeploy, type RecordedBy } from './record.js';
import type { StageClock } from './stage-clock.js';
import type { DeployerDeps, DeployResult } from './types.js';

export async function recordFenced(
  deps: Pick<DeployerDeps, 'config' | 'history' | 'logger'>, fence: TurnFence | undefined, clock: StageClock,
  request: RecordedBy, result: DeployResult, started: Date,
): Promise<void> {
  const proven = await checkBeforeRecord(fence, deps.logger, result.deploy_id);
  const stateDir = deps.config.state_dir;
  await clock.run('record', async () => {
    if (proven) await recordDeploy(deps.history, request, result, started, { stateDir, logger: deps.logger, lookFirst: fence?.takenOver === true });
    else await savePendingRecord(stateDir, historyRecord(request, result, started));
  });
}
