/**
 * The stages of a deploy (or an install) and the clock that times them and reports each one's
 * start and end as it happens. Depends on nothing else in deploy/, so every stage module and
 * the installer can take a clock without importing the pipeline.
 */
export type Stage =
  | 'resolve' | 'fetch' | 'discover' | 'validate' | 'dependencies' | 'env' | 'test' | 'install' | 'register' | 'record';

export const STAGES: readonly Stage[] = ['resolve', 'fetch', 'discover', 'validate', 'dependencies', 'env', 'test', 'install', 'register', 'record'];

export interface ProgressEvent {
  stage: Stage;
  status: 'start' | 'done' | 'failed' | 'skipped';
  pack?: string;
  detail?: string;
  elapsedMs?: number;
}

export type ProgressListener = (event: ProgressEvent) => void;

/**
 * Stage timings and progress events for one deploy. A stage's time is wall time: the union
 * of its intervals across packs, so packs validated in parallel count once (summing them
 * reported hours of `validate` inside a 20 s deploy). Each event's `elapsedMs` stays that
 * one pack's own time. `now` is injectable so the arithmetic is tested without real time.
 */
export class StageClock {
  readonly stages: Partial<Record<Stage, number>> = {};
  /** Per stage: how many runs are open, when the current union span began, closed spans' total. */
  private readonly open = new Map<Stage, { running: number; since: number; total: number }>();
  constructor(private readonly emit: ProgressListener, private readonly now: () => number = () => performance.now()) {}

  /** `failure` reads a problem out of a result that was returned rather than thrown. */
  async run<T>(stage: Stage, work: () => Promise<T>, pack?: string, failure?: (result: T) => string | null): Promise<T> {
    const t0 = this.now();
    const span = this.open.get(stage) ?? { running: 0, since: t0, total: 0 };
    if (span.running === 0) span.since = t0;
    span.running++;
    this.open.set(stage, span);
    this.emit({ stage, status: 'start', ...(pack ? { pack } : {}) });
    try {
      const result = await work();
      const problem = failure?.(result) ?? null;
      this.done(stage, t0, problem ? 'failed' : 'done', pack, problem ?? undefined);
      return result;
    } catch (err) {
      this.done(stage, t0, 'failed', pack, err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  private done(stage: Stage, t0: number, status: 'done' | 'failed', pack?: string, detail?: string) {
    const end = this.now();
    const span = this.open.get(stage);
    if (span && --span.running === 0) {
      span.total += end - span.since;
      this.stages[stage] = Math.round(span.total);
    }
    this.emit({ stage, status, elapsedMs: Math.round(end - t0), ...(pack ? { pack } : {}), ...(detail ? { detail } : {}) });
  }
}
