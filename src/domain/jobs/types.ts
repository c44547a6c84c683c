/**
 * Background jobs and timers, written once over this interface by the coordination layer:
 * deploy turns, confirmation timeouts, lock warnings and auto-reverts. Two runners, chosen
 * with the store: embedded (in this process, jobs persisted in the StateStore so timers and
 * interrupted jobs survive a restart) and BullMQ (several processes sharing one Redis; a job
 * runs on whichever process is free, a crashed worker's job is detected as stalled).
 */

export interface JobInfo {
  id: string;
  name: string;
  /** 1 on the first run; higher when an earlier run was cut off by a crash. */
  attempt: number;
}

export type JobHandler = (data: unknown, info: JobInfo) => Promise<void>;

/** A job that crashed (its process died mid-run) more often than it may be retried. */
export interface FailedJob {
  id: string;
  name: string;
  data: unknown;
  reason: string;
}

export interface PendingJob {
  id: string;
  name: string;
  /** When it is due (ms since epoch); in the past for jobs waiting for a worker. */
  at: number;
}

export interface JobRunner {
  /** What to do with jobs called `name`; register every handler before start(). */
  handle(name: string, handler: JobHandler): void;
  /** Called once for a job that ran out of attempts, so its owner can clean up and tell people. */
  onFailed(handler: (job: FailedJob) => Promise<void>): void;
  /** Run as soon as a worker is free. Once per id: adding an id that is waiting or running does nothing. */
  run(name: string, id: string, data: unknown): Promise<void>;
  /** Run at `at` (ms since epoch). Replaces a pending (not yet running) job with the same id. */
  schedule(name: string, id: string, data: unknown, at: number): Promise<void>;
  /** Drops a job that has not started; true if there was one. */
  cancel(id: string): Promise<boolean>;
  /** Jobs not yet started, soonest first. */
  pending(): Promise<PendingJob[]>;
  /** Starts running jobs (and, embedded, resumes what a previous process left). */
  start(): Promise<void>;
  /** Stops taking jobs and waits for the running ones; idempotent. */
  stop(): Promise<void>;
}

/** Ids reach Redis keys and BullMQ job ids: keep them to a safe alphabet. */
export const JOB_ID_PATTERN = /^[A-Za-z0-9_.-]{1,200}$/;
