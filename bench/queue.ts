/**
 * The deploy queue under load: 100, 1,000 and 10,000 requests on 50 packs from 20 users, through a real
 * coordinator (StateStore + JobRunner, embedded and Redis/BullMQ) whose deploy is synthetic
 * (~1 ms of async work), since this measures coordination, not git. Correctness is checked,
 * not assumed: no two deploys of one pack may overlap, and every request runs exactly once.
 * The baseline, timed in the same run on the same plan, is a plain in-process promise chain
 * per pack: the least any per-pack serialisation could cost. Each backend's 10,000-request
 * throughput is also given against its own 100-request one (same run): a queue whose
 * operations cost the same at any length keeps that ratio near 1. The harness never reads the
 * queue's entries while it runs: it waits on the synthetic deploys and asks only the size.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { parseConfig, type PackbotConfig } from '../src/domain/config/index.js';
import { createCoordinator, type Coordinator } from '../src/services/coord/coordinator.js';
import type { Notifier } from '../src/interfaces/presenter/notifier.js';
import { createCoordPresenter } from '../src/interfaces/presenter/coord-presenter.js';
import { planDeploy } from '../src/services/deploy/plan.js';
import { newDeployId, type DeployPlan, type DeployResult } from '../src/services/deploy/types.js';
import { createJobRunner } from '../src/domain/jobs/index.js';
import { createLogger } from '../src/core/logging/logger.js';
import { createMasker } from '../src/core/masking/masker.js';
import { createStoreHistory } from '../src/domain/store/history.js';
import { createStateStore } from '../src/domain/store/index.js';

const PACKS = 50;
const USERS = 20;
const MULTI_SHARE = 0.2;
// Requests submitted together by default: enough that enqueues race on the queue's compare-and-set.
const BATCH = 50;
const DEPLOY_MS = 1;
const REDIS_URL = process.env['PACKBOT_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

interface Plan { id: string; packs: string[]; user: number }

/** What the synthetic deploy saw; every check and every figure comes from here. */
class Trace {
  readonly requestedAt = new Map<string, number>();
  readonly startedAt = new Map<string, number>();
  readonly runs = new Map<string, number>();
  readonly intervals = new Map<string, Array<[number, number]>>();
  /** Requests whose request() threw (the requester was told it failed). */
  readonly refused = new Set<string>();
  completed = 0;
  private wake: (() => void) | null = null;

  /** Resolves at the next finished deploy, or after `ms` with false. */
  nextCompletion(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  deploy = async (plan: Pick<DeployPlan, 'id' | 'packs' | 'ref'> & { repo: { name: string } }): Promise<DeployResult> => {
    const { id, packs } = plan;
    const start = performance.now();
    this.runs.set(id, (this.runs.get(id) ?? 0) + 1);
    if (!this.startedAt.has(id)) this.startedAt.set(id, start);
    await sleep(DEPLOY_MS);
    const end = performance.now();
    for (const pack of packs) {
      const list = this.intervals.get(pack) ?? [];
      list.push([start, end]);
      this.intervals.set(pack, list);
    }
    this.completed++;
    const wake = this.wake;
    this.wake = null;
    wake?.();
    return {
      deploy_id: id, repo: plan.repo.name, branch: plan.ref, commit: null, success_count: packs.length, failure_count: 0,
      duration_ms: end - start, stages: {}, error: null,
      // `deployed` with source = pack, so the turn's lock step (claim per landed pack) runs.
      packs: packs.map((pack) => ({
        pack, source: pack, status: 'deployed', version: '1.0.0', release: null, previous_release: null, components: null, warnings: [], error: null,
      })),
    };
  };
}

/** Seeded, so every run (and both backends and the baseline) gets the same plan. */
function makePlan(requests: number): Plan[] {
  let seed = 0x9e3779b9;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const ids = new Set<string>();
  return Array.from({ length: requests }, (_, i) => {
    // 8 hex digits collide about once in 10^4 runs of 1,000; a collision is a refused enqueue, not a finding.
    let id = newDeployId();
    while (ids.has(id)) id = newDeployId();
    ids.add(id);
    const first = Math.floor(random() * PACKS);
    const packs = [`p${first}`];
    if (random() < MULTI_SHARE) packs.push(`p${(first + 1 + Math.floor(random() * (PACKS - 1))) % PACKS}`);
    return { id, packs, user: i % USERS };
  });
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

/** Pairs of deploys of one pack whose [start, end] intervals intersect. */
function countOverlaps(intervals: Map<string, Array<[number, number]>>): number {
  let n = 0;
  for (const list of intervals.values()) {
    const sorted = [...list].sort((a, b) => a[0] - b[0]);
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length && sorted[j]![0] < sorted[i]![1]; j++) n++;
    }
  }
  return n;
}

/** Submits every request in parallel batches, waits for `finished`, then reads the trace. */
async function drive(plan: Plan[], batch: number, trace: Trace, submit: (p: Plan) => Promise<unknown>, finished: () => Promise<void>) {
  const t0 = performance.now();
  for (let i = 0; i < plan.length; i += batch) {
    await Promise.all(plan.slice(i, i + batch).map((p) => {
      trace.requestedAt.set(p.id, performance.now());
      // Counted, not fatal here: the run goes on so the report shows what became of the rest.
      return submit(p).catch(() => trace.refused.add(p.id));
    }));
  }
  await finished();
  const wallMs = performance.now() - t0;
  const waits = plan.flatMap((p) => {
    const started = trace.startedAt.get(p.id);
    return started === undefined ? [] : [started - trace.requestedAt.get(p.id)!];
  }).sort((a, b) => a - b);
  return {
    wall_ms: Math.round(wallMs),
    throughput_per_s: round((plan.length / wallMs) * 1000),
    wait_before_start_ms: { p50: round(percentile(waits, 50)), p99: round(percentile(waits, 99)) },
  };
}

async function baseline(plan: Plan[], batch: number) {
  const trace = new Trace();
  const tails = new Map<string, Promise<unknown>>();
  const submit = async (p: Plan) => {
    // A multi-pack deploy waits for every one of its packs, and both packs then wait for it.
    const turn = Promise.all(p.packs.map((pack) => tails.get(pack))).then(() => trace.deploy({ id: p.id, packs: p.packs, ref: 'main', repo: { name: 'bench' } }));
    for (const pack of p.packs) tails.set(pack, turn);
  };
  return drive(plan, batch, trace, submit, async () => void (await Promise.all(tails.values())));
}


/**
 * Until every request has run and the queue is empty. Waits on the deploys themselves and
 * asks the queue only its size (one small read), never its entries. A queue that empties
 * short of that is reported (the rest counted as lost); a hang throws.
 */
async function settle(coordinator: Coordinator, trace: Trace, requests: number, timeoutMs: number, backend: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const allRan = trace.startedAt.size + trace.refused.size >= requests && trace.completed >= trace.startedAt.size;
    // Every deploy done: only the last finishes (a few store writes) remain.
    if (allRan && (await coordinator.queue.size()) === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`bench queue (${backend}): not done after ${timeoutMs} ms: ${trace.completed} deploys finished, ${trace.startedAt.size}/${requests} requests started, queue holds ${await coordinator.queue.size()}`);
    }
    if (allRan) await sleep(5);
    // Nothing finishing for 2 s and an empty queue: whatever has not run never will.
    else if (!(await trace.nextCompletion(2000)) && (await coordinator.queue.size()) === 0) return;
  }
}

async function deleteKeys(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  try {
    await client.connect();
    // The prefix is ours (letters, digits, ':' and '-'), so as a glob it matches only itself.
    for await (const keys of client.scanStream({ match: `${prefix}*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await client.unlink(...keys);
    }
  } finally {
    client.disconnect();
  }
}

async function runBackend(kind: 'embedded' | 'redis', plan: Plan[], batch: number, timeoutMs: number) {
  const work = await mkdtemp(path.join(tmpdir(), 'packbot-bench-queue-'));
  const prefix = `packbot-bench:${randomBytes(8).toString('hex')}:`;
  const store = kind === 'embedded' ? '{kind: embedded}' : `{kind: redis, url: ${JSON.stringify(REDIS_URL)}, prefix: "${prefix}"}`;
  const yaml = [
    `state_dir: ${JSON.stringify(work)}`, 'log: {level: silent}', `store: ${store}`, 'queue: {concurrency: 8}',
    'repositories:', '  bench: {repo: "https://example.invalid/bench.git", branch: main, confirm: {policy: never}}', '',
  ].join('\n');
  const { config } = parseConfig(yaml, { file: path.join(work, 'packbot.yaml'), env: {} });
  const masker = createMasker();
  const logger = createLogger({ level: 'silent', masker, destination: new PassThrough(), pretty: false });
  const trace = new Trace();
  let messages = 0;
  const notifier: Notifier = { send: async () => (messages++, null), update: async () => void messages++ };
  try {
    const state = await createStateStore(config.store, { stateDir: config.state_dir });
    const jobs = await createJobRunner(config.store, { store: state, prefix: config.store.kind === 'redis' ? config.store.prefix : '', stallMs: config.queue.stall_timeout, logger });
    const coordinator = createCoordinator({
      config, store: state, jobs, history: createStoreHistory(state, masker), events: createCoordPresenter({ config, notifier, logger }), logger, deploy: (r) => trace.deploy(r),
    });
    await coordinator.start();
    const figures = await submitAll(coordinator, config, plan, batch, trace, timeoutMs, kind).finally(async () => {
      // stop() waits for running jobs, so a turn that would run twice has done so before we count.
      await coordinator.stop();
      await state.close();
    });
    const runs = [...trace.runs.values()];
    return {
      requests: plan.length, packs: PACKS, users: USERS, multi_pack_requests: plan.filter((p) => p.packs.length > 1).length,
      ...figures,
      overlaps: countOverlaps(trace.intervals),
      refused: trace.refused.size,
      // A refused request that ran anyway: its requester was told to try again, and may deploy twice.
      refused_but_ran: [...trace.refused].filter((id) => trace.runs.has(id)).length,
      lost: plan.filter((p) => !trace.runs.has(p.id) && !trace.refused.has(p.id)).length,
      duplicates: runs.filter((n) => n > 1).length,
      messages,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
    if (kind === 'redis') await deleteKeys(REDIS_URL, prefix);
  }
}

function submitAll(coordinator: Coordinator, config: PackbotConfig, plan: Plan[], batch: number, trace: Trace, timeoutMs: number, backend: string) {
  const submit = (p: Plan) => coordinator.request({
    plan: planDeploy(config, { id: p.id, repo: 'bench', packs: p.packs, ref: 'main', requestedBy: `console:user${p.user}`, channel: 'bench' }),
    packs: p.packs, target: { platform: 'console', channel: 'bench', user: `user${p.user}` },
  });
  return drive(plan, batch, trace, submit, () => settle(coordinator, trace, plan.length, timeoutMs, backend));
}

/** One size on every backend, with its baseline. */
type Backend = 'embedded' | 'redis';

async function benchSize(requests: number, batch: number, timeoutMs: number, broken: string[], backends: readonly Backend[]) {
  const plan = makePlan(requests);
  const base = await baseline(plan, batch);
  const result: Record<string, unknown> = { baseline_per_pack_promise_chain: base };
  for (const kind of backends) {
    // A hang in one backend is reported with the other's figures, then fails the run below.
    const figures = await runBackend(kind, plan, batch, timeoutMs).catch((err: unknown) => (broken.push(`${kind} (${requests}): ${String(err)}`), null));
    if (!figures) continue;
    result[kind] = { ...figures, vs_baseline: round(figures.throughput_per_s / base.throughput_per_s, 3) };
    for (const k of ['overlaps', 'lost', 'duplicates', 'refused'] as const) if (figures[k] !== 0) broken.push(`${kind} (${requests}): ${k} = ${figures[k]}`);
  }
  return result;
}

export async function benchQueue(options: { sizes?: number[]; batch?: number; timeoutMs?: number; backends?: Backend[] } = {}): Promise<object> {
  const backends = options.backends ?? ['embedded', 'redis'];
  const sizes = options.sizes ?? [100, 1000, 10_000];
  const batch = options.batch ?? BATCH;
  const timeoutMs = options.timeoutMs ?? 600_000;
  const result: Record<string, unknown> = { deploy_ms: DEPLOY_MS, concurrency: 8, batch };
  const broken: string[] = [];
  const by: Record<number, Record<string, { throughput_per_s: number } | undefined>> = {};
  for (const n of sizes) {
    by[n] = (await benchSize(n, batch, timeoutMs, broken, backends)) as Record<string, { throughput_per_s: number }>;
    result[`requests_${n}`] = by[n];
  }
  // The figure that says whether the queue scales: the largest size's throughput over the smallest's.
  const [small, large] = [Math.min(...sizes), Math.max(...sizes)];
  for (const kind of backends) {
    const [a, b] = [by[small]?.[kind]?.throughput_per_s, by[large]?.[kind]?.throughput_per_s];
    if (a && b && small !== large) result[`${kind}_throughput_${large}_vs_${small}`] = round(b / a, 3);
  }
  if (broken.length > 0) throw new Error(`bench queue failed (${broken.join('; ')}): ${JSON.stringify(result)}`);
  return result;
}

// `node dist/bench/queue.js [sizes...] [embedded|redis]`: this bench alone.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const sizes = args.map(Number).filter((n) => n > 0);
  const backends = args.filter((a): a is Backend => a === 'embedded' || a === 'redis');
  process.stdout.write(`${JSON.stringify(await benchQueue({ ...(sizes.length > 0 ? { sizes } : {}), ...(backends.length > 0 ? { backends } : {}) }), null, 2)}\n`);
  process.exit(0);
}
