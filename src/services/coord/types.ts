import type { Target } from '../../core/target.js';
import type { DeployPlan } from '../deploy/types.js';
import type { LockRecord } from './branch-locks.js';

export type ConfirmPolicy = 'always' | 'when_queued' | 'never';

/** What a queue entry carries, so any process can run its turn later: the plan, run as it is. */
export interface DeployPayload {
  plan: DeployPlan;
  target: Target;
  policy: ConfirmPolicy;
  /** Set when packbot itself puts a pack back on the default branch because this lock expired. */
  revert?: LockRecord;
}
