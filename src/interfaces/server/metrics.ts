/**
 * packbot's Prometheus metrics. Each app gets its own Registry: prom-client's global
 * registry would make two apps in one process (tests, the demo) collide on metric names
 * and see each other's counts.
 *
 * Label values are only ever things packbot's config bounds — repo names, alias names,
 * provider names, stage names from the pipeline — never branch names, users or free text,
 * so a series count stays proportional to the config rather than to traffic.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { raceTimeout } from '../../core/timeout.js';
import { monitorLoopDelay, type LoopDelayReading } from './loop-delay.js';

export type DeployResult = 'success' | 'partial' | 'failure';
export type CommandOutcome = 'ok' | 'error' | 'denied';
export type WebhookResult = 'accepted' | 'deduplicated' | 'ignored' | 'unauthorized' | 'invalid' | 'failed';

export interface Metrics {
  readonly registry: Registry;
  /** packbot_deploys_total{result,repo} */
  deployFinished(result: DeployResult, repo: string): void;
  /** packbot_deploy_stage_duration_seconds{stage} */
  stageDuration(stage: string, seconds: number): void;
  /** packbot_commands_total{command,outcome} */
  commandRun(alias: string, outcome: CommandOutcome): void;
  /** packbot_webhook_deliveries_total{provider,result} */
  webhookDelivery(provider: string, result: WebhookResult): void;
  /** Render for /metrics */
  render(): Promise<{ contentType: string; body: string }>;
  /** Stops the event-loop delay timer (the app calls it when it stops). */
  close(): void;
}

export interface MetricsSources {
  /** Read at scrape time (collect callbacks), so gauges are never stale. */
  queueDepth(): Promise<{ waiting: number; running: number }>;
  locksHeld(): Promise<number>;
}

export interface MetricsOptions {
  /**
   * prom-client's process/Node.js metrics (CPU, memory, event loop, GC), and
   * packbot_event_loop_delay_{max,p99}_seconds. Default true.
   */
  defaultMetrics?: boolean;
  /** Prefix for the default process metrics' names only; packbot_* names are fixed. */
  prefix?: string;
  /**
   * How long a scrape waits for a source before giving up on it. A store that is
   * reconnecting can hold a call far past Prometheus' scrape timeout, and then the whole
   * scrape would be lost, not just one gauge. Default 2000.
   */
  collectTimeoutMs?: number;
}

/** Names of the sources as they appear in packbot_metrics_collect_errors_total{source}. */
export const METRIC_SOURCES = ['queue_depth', 'locks_held'] as const;
type SourceName = (typeof METRIC_SOURCES)[number];

/**
 * 5 ms (a lock check, a cached lookup) up to 15 min (a slow pack install or test run);
 * roughly ×2–×2.5 per step so any stage lands within a bucket or two of its real time.
 */
export const STAGE_DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 900,
];

const DEFAULT_COLLECT_TIMEOUT_MS = 2000;

export function createMetrics(sources: MetricsSources, opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const timeoutMs = opts.collectTimeoutMs ?? DEFAULT_COLLECT_TIMEOUT_MS;

  if (opts.defaultMetrics ?? true) {
    // No intervals (values are read at scrape time), but each call leaves an enabled
    // event-loop-delay monitor and a GC PerformanceObserver that prom-client never
    // releases. Harmless once per app; suites that build many apps may pass false.
    collectDefaultMetrics({ register: registry, ...(opts.prefix ? { prefix: opts.prefix } : {}) });
  }

  const deploys = new Counter({
    name: 'packbot_deploys_total',
    help: 'Deploys finished, by result and repo.',
    labelNames: ['result', 'repo'] as const,
    registers,
  });
  const stages = new Histogram({
    name: 'packbot_deploy_stage_duration_seconds',
    help: 'Time spent in each deploy stage.',
    labelNames: ['stage'] as const,
    buckets: [...STAGE_DURATION_BUCKETS],
    registers,
  });
  const commands = new Counter({
    name: 'packbot_commands_total',
    help: 'Chat commands run, by alias and outcome.',
    labelNames: ['command', 'outcome'] as const,
    registers,
  });
  const webhooks = new Counter({
    name: 'packbot_webhook_deliveries_total',
    help: 'Webhook deliveries received, by provider and result.',
    labelNames: ['provider', 'result'] as const,
    registers,
  });
  const collectErrors = new Counter({
    name: 'packbot_metrics_collect_errors_total',
    help: 'Scrape-time reads of a gauge source that failed or timed out; the gauge kept its last value.',
    labelNames: ['source'] as const,
    registers,
    collect: () => refresh(),
  });
  // Zero series from the start, so rate() and alerts on this counter work before the first failure.
  for (const source of METRIC_SOURCES) collectErrors.inc({ source }, 0);

  // prom-client awaits collect() inside Registry.metrics()' Promise.all, so one rejecting
  // (or synchronously throwing) collect rejects the whole scrape. Every source read goes
  // through here: a failure is counted and the gauge is left untouched, i.e. keeps its
  // last value.
  async function read<T>(source: SourceName, fn: () => Promise<T>, valid: (v: T) => boolean, apply: (v: T) => void): Promise<void> {
    try {
      const value = await withTimeout(fn, timeoutMs, source);
      if (!valid(value)) throw new Error(`metrics source ${source} returned an invalid value`);
      apply(value);
    } catch {
      // Not logged: a store outage is already reported where it is used, once per
      // scrape here would only add noise. The counter is the signal.
      collectErrors.inc({ source });
    }
  }

  // Registry.metrics() calls every metric's get() at once and renders each as soon as it
  // resolves, so the error counter would be rendered before a gauge's failing read counted
  // the error — showing it one scrape late. Instead all three collects join one read of
  // both sources, started by whichever is called first; it also means a scrape (or two
  // overlapping ones) costs the store one call per source.
  let inflight: Promise<void> | undefined;
  function refresh(): Promise<void> {
    inflight ??= Promise.all([
      read('queue_depth', () => sources.queueDepth(), (d) => isCount(d?.waiting) && isCount(d?.running), (d) => {
        queue.set({ state: 'waiting' }, d.waiting);
        queue.set({ state: 'running' }, d.running);
      }),
      read('locks_held', () => sources.locksHeld(), isCount, (n) => locks.set(n)),
    ]).then(() => {
      inflight = undefined;
    });
    return inflight;
  }

  const queue = new Gauge({
    name: 'packbot_queue_entries',
    help: 'Deploy queue entries, by state (waiting or running).',
    labelNames: ['state'] as const,
    registers,
    collect: () => refresh(),
  });
  const locks = new Gauge({
    name: 'packbot_locks_held',
    help: 'Branch locks currently held.',
    registers,
    collect: () => refresh(),
  });
  // prom-client starts an unlabelled gauge at 0; until the store has answered once there
  // should be no series (as with the labelled queue gauge), not a made-up "no locks".
  locks.remove({});

  const loop = (opts.defaultMetrics ?? true) ? monitorLoopDelay() : null;
  if (loop) {
    // Both gauges are collected in the same synchronous pass of a scrape; they share one
    // reading (the read resets the window), dropped once that pass is over.
    let reading: LoopDelayReading | undefined;
    const current = (): LoopDelayReading => {
      if (!reading) {
        reading = loop.read();
        queueMicrotask(() => (reading = undefined));
      }
      return reading;
    };
    new Gauge({
      name: 'packbot_event_loop_delay_max_seconds',
      help: 'The longest the event loop ran late since the previous scrape (0 when never late).',
      registers,
      collect() {
        this.set(current().max);
      },
    });
    new Gauge({
      name: 'packbot_event_loop_delay_p99_seconds',
      help: '99th percentile of how late the event loop ran, sampled every 10 ms, since the previous scrape.',
      registers,
      collect() {
        this.set(current().p99);
      },
    });
  }

  return {
    registry,
    deployFinished(result, repo) {
      deploys.inc({ result, repo });
    },
    stageDuration(stage, seconds) {
      // prom-client throws on NaN/Infinity; a clock glitch in a deploy must not turn into
      // a failed deploy, so such a sample is dropped. Negative (clock stepped back) is 0.
      if (!Number.isFinite(seconds)) return;
      stages.observe({ stage }, Math.max(0, seconds));
    },
    commandRun(alias, outcome) {
      commands.inc({ command: alias, outcome });
    },
    webhookDelivery(provider, result) {
      webhooks.inc({ provider, result });
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
    close() {
      loop?.stop();
    },
  };
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

async function withTimeout<T>(fn: () => Promise<T>, ms: number, source: string): Promise<T> {
  // Calling fn through then() turns a source that throws synchronously into a rejection.
  return raceTimeout(Promise.resolve().then(fn), ms, (): never => {
    throw new Error(`metrics source ${source} timed out after ${ms} ms`);
  });
}
