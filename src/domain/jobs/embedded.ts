/**
 * The embedded job runner: one process, timers in memory, every job persisted in the
 * StateStore as `job:<id>` so a restart resumes them. A job is marked `running` (durably)
 * before its handler is called and deleted once the handler returns, so a key still marked
 * `running` at start means the previous process died mid-run: the job is run again, or
 * reported through onFailed once it has been cut off maxAttempts times.
 */
import type { StateStore } from '../store/state.js';
import { JOB_ID_PATTERN, type FailedJob, type JobHandler, type JobRunner, type PendingJob } from './types.js';

/** The slice of a pino logger the runners use. */
export interface JobLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface EmbeddedJobRunnerOptions {
  store: StateStore;
  now?: () => number;
  /** Runs a job may start before a crash mid-run sends it to onFailed (default 2). */
  maxAttempts?: number;
  logger?: JobLogger;
}

interface StoredJob {
  name: string;
  data: unknown;
  at: number;
  state: 'scheduled' | 'running';
  attempt: number;
}

const KEY_PREFIX = 'job:';
// setTimeout fires at once (with a warning) for longer delays: far dates wake up and re-arm.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Without a logger, failures still reach stderr rather than vanishing. */
export const consoleLogger: JobLogger = {
  warn: (obj, msg) => console.warn(msg, obj),
  error: (obj, msg) => console.error(msg, obj),
};

export function assertJobId(id: string): void {
  if (!JOB_ID_PATTERN.test(id)) throw new Error(`invalid job id ${JSON.stringify(id)}: use 1-200 of A-Z a-z 0-9 _ . -`);
}

export function assertMaxAttempts(maxAttempts: number): void {
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error(`maxAttempts must be a positive integer, not ${maxAttempts}`);
}

/** Hands a job that ran out of attempts to its owner; a handler that throws is logged, not retried. */
export async function reportFailedJob(handler: ((job: FailedJob) => Promise<void>) | null, logger: JobLogger, failed: FailedJob): Promise<void> {
  if (!handler) {
    logger.error({ job: failed.id, name: failed.name, reason: failed.reason }, 'job ran out of attempts and no onFailed handler is set');
    return;
  }
  try {
    await handler(failed);
  } catch (err) {
    logger.error({ err, job: failed.id, name: failed.name }, 'onFailed handler failed');
  }
}

export function crashReason(times: number): string {
  return `the process running it stopped mid-run ${times} time${times === 1 ? '' : 's'}`;
}

const key = (id: string) => `${KEY_PREFIX}${id}`;

function decode(raw: string | null): StoredJob | null {
  if (raw === null) return null;
  try {
    const job = JSON.parse(raw) as Partial<StoredJob> | null;
    if (!job || typeof job.name !== 'string' || typeof job.at !== 'number' || typeof job.attempt !== 'number') return null;
    if (job.state !== 'scheduled' && job.state !== 'running') return null;
    return job as StoredJob;
  } catch {
    return null;
  }
}

class EmbeddedJobRunner implements JobRunner {
  private readonly handlers = new Map<string, JobHandler>();
  private failedHandler: ((job: FailedJob) => Promise<void>) | null = null;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Due checks, handlers and recoveries in flight: stop() waits for all of them. */
  private readonly inFlight = new Set<Promise<void>>();
  private started = false;

  constructor(
    private readonly store: StateStore,
    private readonly now: () => number,
    private readonly maxAttempts: number,
    private readonly logger: JobLogger,
  ) {}

  handle(name: string, handler: JobHandler): void {
    this.handlers.set(name, handler);
  }

  onFailed(handler: (job: FailedJob) => Promise<void>): void {
    this.failedHandler = handler;
  }

  async run(name: string, id: string, data: unknown): Promise<void> {
    assertJobId(id);
    const at = this.now();
    if (await this.store.setIfAbsent(key(id), JSON.stringify({ name, data, at, state: 'scheduled', attempt: 1 } satisfies StoredJob))) {
      this.arm(id, at);
    }
  }

  async schedule(name: string, id: string, data: unknown, at: number): Promise<void> {
    assertJobId(id);
    const next = JSON.stringify({ name, data, at, state: 'scheduled', attempt: 1 } satisfies StoredJob);
    for (;;) {
      const current = await this.store.get(key(id));
      if (decode(current)?.state === 'running') return;
      if (await this.store.compareAndSet(key(id), current, next)) {
        this.arm(id, at);
        return;
      }
    }
  }

  async cancel(id: string): Promise<boolean> {
    if (!JOB_ID_PATTERN.test(id)) return false;
    for (;;) {
      const current = await this.store.get(key(id));
      if (decode(current)?.state !== 'scheduled') return false;
      if (await this.store.compareAndSet(key(id), current, null)) {
        this.disarm(id);
        return true;
      }
    }
  }

  async pending(): Promise<PendingJob[]> {
    const keys = await this.store.keys(KEY_PREFIX);
    const values = await this.store.getMany(keys);
    const jobs: PendingJob[] = [];
    keys.forEach((k, i) => {
      const job = decode(values[i] ?? null);
      if (job?.state === 'scheduled') jobs.push({ id: k.slice(KEY_PREFIX.length), name: job.name, at: job.at });
    });
    return jobs.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const keys = await this.store.keys(KEY_PREFIX);
    const values = await this.store.getMany(keys);
    keys.forEach((k, i) => {
      const id = k.slice(KEY_PREFIX.length);
      const raw = values[i] ?? null;
      const job = decode(raw);
      if (!job || raw === null) {
        this.logger.warn({ job: id }, 'unreadable job record left in the store');
      } else if (!this.handlers.has(job.name)) {
        // Perhaps a newer version's job: a later start with the handler will run it.
        this.logger.warn({ job: id, name: job.name }, 'no handler for this job name; left in the store');
      } else if (job.state === 'scheduled') {
        this.arm(id, job.at);
      } else {
        this.track(this.recover(id, raw, job));
      }
    });
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    // A due check that was already past its timer may still start a handler: wait for that too.
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private arm(id: string, at: number): void {
    if (!this.started) return;
    this.disarm(id);
    const delay = Math.min(Math.max(0, at - this.now()), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      if (this.timers.get(id) === timer) this.timers.delete(id);
      this.track(this.due(id));
    }, delay);
    this.timers.set(id, timer);
  }

  private disarm(id: string): void {
    const timer = this.timers.get(id);
    if (timer) clearTimeout(timer);
    this.timers.delete(id);
  }

  /** Reads the job again rather than trusting the timer: it may have been replaced or cancelled. */
  private async due(id: string): Promise<void> {
    try {
      const raw = await this.store.get(key(id));
      const job = decode(raw);
      if (!this.started || !job || job.state !== 'scheduled') return;
      if (job.at > this.now()) return this.arm(id, job.at);
      const handler = this.handlers.get(job.name);
      if (!handler) {
        this.logger.warn({ job: id, name: job.name }, 'no handler for this job name; left in the store');
        return;
      }
      const running = JSON.stringify({ ...job, state: 'running' } satisfies StoredJob);
      // Losing this race means a schedule() or cancel() got there first; it re-armed if needed.
      if (!(await this.store.compareAndSet(key(id), raw, running))) return;
      await this.execute(id, job, running, handler);
    } catch (err) {
      this.logger.error({ err, job: id }, 'could not start a due job');
    }
  }

  private async execute(id: string, job: StoredJob, running: string, handler: JobHandler): Promise<void> {
    try {
      await handler(job.data, { id, name: job.name, attempt: job.attempt });
    } catch (err) {
      this.logger.error({ err, job: id, name: job.name, attempt: job.attempt }, 'job handler failed; not retried');
    }
    try {
      await this.store.compareAndSet(key(id), running, null);
    } catch (err) {
      this.logger.error({ err, job: id }, 'could not remove a finished job; it will run again at the next start');
    }
  }

  /** A job the previous process left `running` was cut off by its death. */
  private async recover(id: string, raw: string, job: StoredJob): Promise<void> {
    try {
      if (job.attempt >= this.maxAttempts) {
        // Deleted first: a crash inside onFailed must not report the job twice.
        if (!(await this.store.compareAndSet(key(id), raw, null))) return;
        await this.reportFailed({ id, name: job.name, data: job.data, reason: crashReason(job.attempt) });
        return;
      }
      const next: StoredJob = { ...job, attempt: job.attempt + 1 };
      const running = JSON.stringify(next);
      if (!(await this.store.compareAndSet(key(id), raw, running))) return;
      this.logger.warn({ job: id, name: job.name, attempt: next.attempt }, 'running a job again after a crash cut it off');
      const handler = this.handlers.get(job.name);
      if (handler) await this.execute(id, next, running, handler);
    } catch (err) {
      this.logger.error({ err, job: id }, 'could not resume an interrupted job');
    }
  }

  private reportFailed(failed: FailedJob): Promise<void> {
    return reportFailedJob(this.failedHandler, this.logger, failed);
  }
}

export function createEmbeddedJobRunner(opts: EmbeddedJobRunnerOptions): JobRunner {
  const maxAttempts = opts.maxAttempts ?? 2;
  assertMaxAttempts(maxAttempts);
  return new EmbeddedJobRunner(opts.store, opts.now ?? Date.now, maxAttempts, opts.logger ?? consoleLogger);
}
