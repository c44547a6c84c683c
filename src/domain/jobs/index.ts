/**
 * Choose the job runner with the store: embedded keeps its jobs in the (embedded) StateStore;
 * with Redis, several processes share one BullMQ queue under the store's prefix.
 */
import type { StateStore } from '../store/state.js';
import type { StoreConfig } from '../store/index.js';
import { createEmbeddedJobRunner, type JobLogger } from './embedded.js';
import type { JobRunner } from './types.js';

export type { FailedJob, JobHandler, JobInfo, JobRunner, PendingJob } from './types.js';
export { JOB_ID_PATTERN } from './types.js';
export type { JobLogger } from './embedded.js';

export interface JobRunnerOptions {
  /** Embedded: where jobs are persisted. Redis: unused (BullMQ keeps its own keys). */
  store: StateStore;
  /** Redis: the store's key prefix (e.g. `packbot:`); BullMQ's keys go under `<prefix>bull:`. */
  prefix: string;
  /** Embedded: the clock jobs are due against. */
  now?: () => number;
  /** Redis: how long before a dead process's job is run elsewhere. */
  stallMs?: number;
  logger?: JobLogger;
}

export async function createJobRunner(config: StoreConfig, opts: JobRunnerOptions): Promise<JobRunner> {
  if (config.kind === 'redis') {
    // Loaded only here: an embedded deployment never needs BullMQ.
    const { createBullJobRunner } = await import('./bullmq.js');
    return createBullJobRunner({
      url: config.url,
      prefix: opts.prefix,
      ...(opts.stallMs !== undefined ? { stallMs: opts.stallMs } : {}),
      ...(opts.logger ? { logger: opts.logger } : {}),
    });
  }
  return createEmbeddedJobRunner({ store: opts.store, ...(opts.now ? { now: opts.now } : {}), ...(opts.logger ? { logger: opts.logger } : {}) });
}
