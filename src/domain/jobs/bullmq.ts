/**
 * The BullMQ job runner: several packbot processes share one Redis queue; a job runs on
 * whichever worker is free. A worker that dies mid-job stops renewing its lock, so within
 * stallMs the stalled checker of a surviving worker puts the job back (attempt 2); once it
 * has stalled more than maxAttempts-1 times BullMQ 6 marks it as a deferred failure and the
 * next worker to pick it up fails it without running it — that worker's 'failed' event is
 * where onFailed is called, so it fires in exactly one process.
 */
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { PackbotError } from '../../core/errors.js';
import { redisTarget } from '../store/redis-connect.js';
import { endClient, notReconnecting, quitClient, whenStatus, type EndableClient } from './redis-ending.js';
import { assertJobId, assertMaxAttempts, consoleLogger, crashReason, reportFailedJob, type JobLogger } from './embedded.js';
import { JOB_ID_PATTERN, type FailedJob, type JobHandler, type JobRunner, type PendingJob } from './types.js';

export interface BullJobRunnerOptions {
  url: string;
  /** Our key prefix (e.g. `packbot:`); BullMQ's keys live under `<prefix>bull:`. */
  prefix: string;
  /** How long a dead worker's job may go unnoticed at most (see lockTimes). */
  stallMs?: number;
  /** Jobs this process runs at once. */
  concurrency?: number;
  maxAttempts?: number;
  logger?: JobLogger;
  connectTimeoutMs?: number;
  /**
   * How long from stop() Redis has to be there (e.g. back from a restart) to take the running
   * jobs' outcome, before the connections are cut (see stop()). Jobs finish regardless.
   */
  closeGraceMs?: number;
}

interface Payload {
  v: unknown;
  at: number;
}

const QUEUE = 'jobs';
/** Covers a Redis restart: the clients retry at most 2 s apart (store/redis-connect.ts). */
const CLOSE_GRACE_MS = 3_000;
const RUN_RETRY_MS = 1_000;
/** Time for Redis to take the outcome of jobs that just finished: a reconnect delay and a round trip. */
const AFTER_JOBS_MS = 2_500;
/** BullMQ gives up on a blocking read its client lost (ioredis keeps it to resend) after ≤ 10 s + 1 s. */
const BLOCK_WATCHDOG_MS = 12_000;

// BullMQ refuses custom ids that parse as integers ("42") and most containing ':'; JOB_ID_PATTERN
// has no ':', and a letter prefix keeps digit-only ids legal while staying reversible.
const ID_PREFIX = 'j-';
const toBullId = (id: string) => `${ID_PREFIX}${id}`;
const fromBullId = (bullId: string | undefined) => (bullId?.startsWith(ID_PREFIX) ? bullId.slice(ID_PREFIX.length) : null);

/**
 * BullMQ notices a dead worker's job at the first stalled check after its lock lapsed, and a
 * check only counts a job it saw at the check before: up to lockDuration + stalledInterval
 * after the death. A third of stallMs each leaves the last third to the deploy turn's lease
 * (coord/fence.ts), so a frozen worker's deploy is taken over within stallMs in all.
 */
export function lockTimes(stallMs: number): { lockDuration: number; stalledInterval: number } {
  const third = Math.max(1, Math.floor(stallMs / 3));
  return { lockDuration: third, stalledInterval: third };
}

/** BullMQ's words for "another worker has this job now": this one was paused or cut off past its lock. */
const LOST_LOCK = /could not renew lock|lock mismatch|missing lock/i;
const lostLock = (err: unknown) => err instanceof Error && LOST_LOCK.test(err.message);
const LOST_LOCK_MSG = 'this worker lost a job lock (paused or cut off from Redis past stall_timeout): the job runs elsewhere';

/** A job that has been active once (even if a crash put it back in wait) is no longer pending. */
const neverStarted = (job: Job) => job.attemptsStarted === 0;

class BullJobRunner implements JobRunner {
  private readonly handlers = new Map<string, JobHandler>();
  private failedHandler: ((job: FailedJob) => Promise<void>) | null = null;
  private readonly reporting = new Set<Promise<void>>();
  /** The handlers running now: stop() waits for them itself, whatever state Redis is in. */
  private readonly running = new Set<Promise<void>>();
  private worker: Worker | null = null;
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly queue: Queue,
    private readonly queueClient: Redis,
    private readonly workerClient: Redis,
    private readonly opts: Required<Pick<BullJobRunnerOptions, 'stallMs' | 'concurrency' | 'maxAttempts' | 'closeGraceMs'>> & { prefix: string },
    private readonly logger: JobLogger,
    private readonly unavailable: (err: unknown) => PackbotError,
  ) {}

  handle(name: string, handler: JobHandler): void {
    this.handlers.set(name, handler);
  }

  onFailed(handler: (job: FailedJob) => Promise<void>): void {
    this.failedHandler = handler;
  }

  /** Connection trouble becomes store_unavailable; BullMQ's own refusals stay bugs. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.stopping) throw new Error('the job runner is stopped');
    try {
      return await fn();
    } catch (err) {
      const name = err instanceof Error ? err.name : '';
      if (this.queueClient.status !== 'ready' || name === 'MaxRetriesPerRequestError') throw this.unavailable(err);
      throw err;
    }
  }

  async run(name: string, id: string, data: unknown): Promise<void> {
    assertJobId(id);
    // An existing job key (waiting, delayed or active) makes add() a no-op: once per id.
    await this.call(() => this.queue.add(name, { v: data, at: Date.now() } satisfies Payload, { jobId: toBullId(id) }));
  }

  async schedule(name: string, id: string, data: unknown, at: number): Promise<void> {
    assertJobId(id);
    const bullId = toBullId(id);
    await this.call(async () => {
      const existing = await this.queue.getJob(bullId);
      if (existing) {
        if (!neverStarted(existing)) return;
        // 0 when it went active meanwhile (its lock protects it): then add() below does nothing.
        await this.queue.remove(bullId);
      }
      await this.queue.add(name, { v: data, at } satisfies Payload, { jobId: bullId, delay: Math.max(0, at - Date.now()) });
    });
  }

  async cancel(id: string): Promise<boolean> {
    if (!JOB_ID_PATTERN.test(id)) return false;
    const bullId = toBullId(id);
    return this.call(async () => {
      const existing = await this.queue.getJob(bullId);
      if (!existing || !neverStarted(existing)) return false;
      return (await this.queue.remove(bullId)) === 1;
    });
  }

  async pending(): Promise<PendingJob[]> {
    const jobs = await this.call(() => this.queue.getJobs(['delayed', 'waiting']));
    const found: PendingJob[] = [];
    for (const job of jobs) {
      const id = fromBullId(job?.id);
      if (!job || id === null || !neverStarted(job)) continue;
      const payload = job.data as Partial<Payload> | null;
      found.push({ id, name: job.name, at: typeof payload?.at === 'number' ? payload.at : job.timestamp + job.delay });
    }
    return found.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  }

  async start(): Promise<void> {
    if (this.stopping) throw new Error('the job runner is stopped; create a new one');
    if (this.worker) return;
    const worker = new Worker(QUEUE, (job: Job) => this.tracked(this.process(job)), {
      connection: this.workerClient,
      prefix: this.opts.prefix,
      concurrency: this.opts.concurrency,
      ...lockTimes(this.opts.stallMs),
      maxStalledCount: this.opts.maxAttempts - 1,
      // After a failed fetch (Redis down) BullMQ sleeps this long, unwakeably, before it looks
      // at anything, a close() included (default 15 s): keep it within the reconnect cadence.
      runRetryDelay: RUN_RETRY_MS,
    });
    this.worker = worker;
    worker.on('error', (err) => (lostLock(err) ? this.logger.warn({ err: err.message }, LOST_LOCK_MSG) : this.logger.error({ err }, 'job worker error')));
    // Also emitted for the last stall, whose job then goes to onFailed instead of running again.
    worker.on('stalled', (bullId) => this.logger.warn({ job: fromBullId(bullId) ?? bullId }, 'a job was cut off by a crash (its worker stopped renewing the lock)'));
    worker.on('failed', (job, err) => this.failed(job, err));
    await worker.waitUntilReady();
  }

  private tracked(run: Promise<void>): Promise<void> {
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return run;
  }

  private async process(job: Job): Promise<void> {
    const id = fromBullId(job.id);
    const handler = this.handlers.get(job.name);
    if (id === null || !handler) {
      this.logger.error({ job: job.id, name: job.name }, 'no handler for this job name; dropped');
      return;
    }
    const attempt = Math.max(1, job.attemptsStarted);
    try {
      await handler((job.data as Payload).v, { id, name: job.name, attempt });
    } catch (err) {
      // Caught so the job completes: a handler's own failure is not retried, and only
      // stall exhaustion ever reaches 'failed'.
      this.logger.error({ err, job: id, name: job.name, attempt }, 'job handler failed; not retried');
    }
  }

  private failed(job: Job | undefined, err: Error): void {
    const id = fromBullId(job?.id);
    if (!job || id === null || !job.deferredFailure) {
      if (lostLock(err)) this.logger.warn({ job: id ?? job?.id, err: err.message }, LOST_LOCK_MSG);
      else this.logger.error({ err, job: job?.id }, 'job failed');
      return;
    }
    const report = this.reportFailed({ id, name: job.name, data: (job.data as Payload).v, reason: crashReason(job.stalledCounter) });
    this.reporting.add(report);
    void report.finally(() => this.reporting.delete(report));
  }

  private reportFailed(failed: FailedJob): Promise<void> {
    return reportFailedJob(this.failedHandler, this.logger, failed);
  }

  /**
   * Running jobs always finish first; with Redis fine their outcome is recorded as before. Jobs
   * still queued stay in Redis for the next process. Redis restarting or gone never makes it hang
   * (a supervisor would have to SIGKILL packbot): what needs Redis gets closeGraceMs, then the
   * connections are cut. A job whose outcome Redis never took is stalled and runs again
   * elsewhere (attempt 2), as after a crash; the deploy turn's fence (coord/fence.ts) keeps that
   * from repeating what was done.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.worker) await this.closeWorker(this.worker);
      while (this.reporting.size > 0) await Promise.allSettled([...this.reporting]);
      // Its connection is ours (shared): closing it sends nothing to Redis.
      await this.queue.close().catch((err: unknown) => this.logger.error({ err }, 'closing the job queue failed'));
      const grace = this.opts.closeGraceMs;
      await Promise.all([quitClient(this.queueClient, grace), quitClient(this.workerClient, grace)]);
    })();
    return this.stopping;
  }

  private async closeWorker(worker: Worker): Promise<void> {
    const grace = this.opts.closeGraceMs;
    const deadline = Date.now() + grace;
    const remaining = () => Math.max(0, deadline - Date.now());
    // Undefined if it never connected (a failed start): then close() has nothing to interrupt.
    const blocking = (await worker.getBackend().blockingClient?.catch(() => undefined)) as EndableClient | undefined;
    let closed = false;
    let closing: Promise<unknown> = Promise.resolve();
    const close = () => {
      closing = worker
        .close()
        .catch((err: unknown) => this.logger.error({ err }, 'closing the job worker failed'))
        .finally(() => (closed = true));
    };
    // 1. close() stops fetching, waits for the running jobs to be recorded, then stops the lock
    // and stall timers. It starts by ending the blocking client, which should be 'ready' then
    // (a Redis coming back has the grace for that) and must never be 'reconnecting' (redis-ending.ts).
    if (!blocking) close();
    else if (!(await whenStatus(blocking, (s) => s === 'ready' || s === 'end', remaining(), (ready) => void (ready && close())))) {
      await whenStatus(blocking, notReconnecting, grace, close);
    }
    // 2. Running jobs finish, whatever Redis does.
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    // 3. Their outcome is recorded if Redis is there by the deadline (or, for jobs that ran past
    // it, just after them: a reconnect delay).
    if (!closed && (await whenStatus(this.workerClient, (s) => s === 'ready', remaining(), () => undefined))) {
      await settlesWithin(closing, Math.max(remaining(), AFTER_JOBS_MS));
    }
    if (!closed) {
      // 4. Redis is not taking it: reject what waits on it, so close() can finish.
      this.logger.warn({}, 'Redis is unavailable while stopping: the job worker closes without it; a job whose outcome it missed runs again elsewhere');
      await endClient(this.workerClient, grace);
      if (!(await settlesWithin(closing, BLOCK_WATCHDOG_MS))) this.logger.error({}, 'the job worker did not close after its connections ended; stopping without it');
    }
    // A reconnect of BullMQ's that began before the stop may have revived it after close() ended it.
    if (blocking) await endClient(blocking, grace);
  }
}

/** Whether `work` settled within `ms`. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}

export async function createBullJobRunner(opts: BullJobRunnerOptions): Promise<JobRunner> {
  const maxAttempts = opts.maxAttempts ?? 2;
  assertMaxAttempts(maxAttempts);
  const target = redisTarget(opts.url, 'job queue');
  const unavailable = target.unavailable;
  const timeout = opts.connectTimeoutMs !== undefined ? { connectTimeoutMs: opts.connectTimeoutMs } : {};
  const open = (maxRetriesPerRequest: number | null) => target.connect({ maxRetriesPerRequest, ...timeout });
  // Producer calls fail fast; the worker's connection (and the blocking one BullMQ duplicates
  // from it, which BullMQ insists has maxRetriesPerRequest null) waits out a Redis restart.
  const queueClient = await open(2);
  const workerClient = await open(null).catch((err: unknown) => {
    queueClient.disconnect();
    throw err;
  });
  const logger = opts.logger ?? consoleLogger;
  const prefix = `${opts.prefix}bull`;
  const queue = new Queue(QUEUE, { connection: queueClient, prefix, defaultJobOptions: { removeOnComplete: true, removeOnFail: true } });
  queue.on('error', (err) => logger.error({ err }, 'job queue error'));
  const settings = { stallMs: opts.stallMs ?? 30_000, concurrency: opts.concurrency ?? 50, maxAttempts, prefix, closeGraceMs: opts.closeGraceMs ?? CLOSE_GRACE_MS };
  return new BullJobRunner(queue, queueClient, workerClient, settings, logger, unavailable);
}
