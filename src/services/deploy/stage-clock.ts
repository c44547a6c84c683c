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

/** Stage timings and progress events for one deploy. */
export class StageClock {
  readonly stages: Partial<Record<Stage, number>> = {};
  constructor(private readonly emit: ProgressListener) {}

  /** `failure` reads a problem out of a result that was returned rather than thrown. */
  async run<T>(stage: Stage, work: () => Promise<T>, pack?: string, failure?: (result: T) => string | null): Promise<T> {
    const t0 = performance.now();
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
    const elapsedMs = Math.round(performance.now() - t0);
    this.stages[stage] = (this.stages[stage] ?? 0) + elapsedMs;
    this.emit({ stage, status, elapsedMs, ...(pack ? { pack } : {}), ...(detail ? { detail } : {}) });
  }
}
