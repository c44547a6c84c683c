/**
 * A request run at once (the CLI) that cannot be planned: not an exception but a failed
 * deploy, reported and recorded like any other, so `packbot deploy nope --json` prints a
 * result and history shows the attempt.
 */
import { errorText, finishResult } from './result.js';
import { recordDeploy, type RecordedBy } from './record.js';
import { StageClock, type ProgressListener } from './stage-clock.js';
import type { DeployerDeps, DeployResult } from './types.js';

export interface Refusal {
  id: string;
  /** The repository as asked. */
  repo: string;
  /** The ref as far as planning got. */
  branch: string;
  by: RecordedBy;
  err: unknown;
  /** The repository and ref were fine (only the pack list was not): the resolve stage passed. */
  resolved: boolean;
  /** For the log line: a deploy or an install. */
  what: 'deploy' | 'install';
}

export async function refusedRun(deps: Pick<DeployerDeps, 'history' | 'masker' | 'logger'>, r: Refusal, onProgress: ProgressListener = () => {}): Promise<DeployResult> {
  const started = new Date();
  const clock = new StageClock(onProgress);
  // The same events a deploy failing at this point has always sent.
  await clock.run('resolve', async () => {
    if (!r.resolved) throw r.err;
  }).catch(() => undefined);
  const error = errorText(r.err, deps.masker);
  deps.logger.warn({ deploy: r.id, err: error }, `${r.what} failed`);
  const result = finishResult({ id: r.id, repo: r.repo, branch: r.branch, commit: null, packs: [], started, stages: clock.stages, error });
  await clock.run('record', () => recordDeploy(deps.history, r.by, result, started));
  return result;
}
