import type { PackChange } from '../deploy/changes.js';
import type { DeployPreview } from '../deploy/preview-types.js';
import type { PackbotConfig } from '../../domain/config/index.js';
import type { ProgressListener } from '../deploy/stage-clock.js';
import type { DeployPlan, DeployResult } from '../deploy/types.js';
import type { TurnFence } from '../deploy/fence.js';
import type { JobRunner } from '../../domain/jobs/types.js';
import type { Logger } from '../../core/logging/logger.js';
import type { HistoryStore } from '../../domain/store/history.js';
import type { Confirmations } from './confirmations.js';
import type { Locks } from './branch-locks.js';
import type { Queue } from './queue.js';
import type { CoordEvents } from './events.js';
import type { ReleaseReader } from './reconcile.js';

/** What the coordination modules share; built once by createCoordinator. */
export interface CoordContext {
  config: PackbotConfig;
  queue: Queue;
  locks: Locks;
  confirmations: Confirmations;
  jobs: JobRunner;
  history: HistoryStore;
  /** Where everything coordination has to say goes (the app's presenter). */
  events: CoordEvents;
  logger: Logger;
  now: () => Date;
  /** Runs a plan as it is (a deploy or an install): nothing in it is looked up again. `fence`: its turn's (fence.ts). */
  deploy: (plan: DeployPlan, onProgress: ProgressListener, fence?: TurnFence) => Promise<DeployResult>;
  /** What a finished deploy changed per pack, for its announcement (absent: no announcements). */
  changes?: (result: DeployResult) => Promise<PackChange[]>;
  /** What a deploy would change, worked out before it runs (its turn's prompt; absent: no plans shown). */
  preview?: (plan: DeployPlan) => Promise<DeployPreview>;
  /** The pack store, read to find what a cut-off deploy left active (outcome.ts); absent: not checked. */
  packStore?: ReleaseReader;
  /** Moves whatever may start now to the front (asks for confirmations, starts turns). */
  pump: () => Promise<void>;
}

/** Job names: the handlers are registered under these by createCoordinator. */
export const JOBS = {
  turn: 'deploy-turn',
  confirmTimeout: 'confirm-timeout',
  lockWarn: 'lock-warn',
  lockRevert: 'lock-revert',
} as const;

export const jobIds = {
  turn: (entryId: string) => `turn-${entryId}`,
  confirmTimeout: (entryId: string) => `confirm-timeout-${entryId}`,
  lockWarn: (pack: string) => `lock-warn-${pack}`,
  lockRevert: (pack: string) => `lock-revert-${pack}`,
};
