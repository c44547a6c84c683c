/**
 * A small pool of worker threads that parse big YAML files, so a deploy of a pack with a
 * megabyte of YAML does not stop the bot from answering chat meanwhile.
 *
 * Workers start on first use and are unref'd while idle (an idle pool never keeps the process
 * alive) but ref'd while parsing (a CLI run waiting only on a parse must not exit). A parse
 * that runs past the time budget has its worker terminated and is reported as too complex; a
 * worker that dies (out of memory, a bug) fails only the parse it was doing.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PackbotError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import type { YamlLimits } from './limits.js';
import type { YamlDocsRead, YamlRead } from './read.js';

export interface WorkerRequest {
  mode: 'text' | 'documents';
  text: string;
  limits: YamlLimits;
  /** `documents` only: mappings wider than this skip yaml's quadratic duplicate-key check (read.ts). */
  wideMapsFrom?: number;
}

export type WorkerReply = { ok: true; result: YamlRead | YamlDocsRead } | { ok: false; error: string };

/** What became of a parse handed to the pool. */
export type PoolOutcome =
  | { ok: true; result: YamlRead | YamlDocsRead }
  | { ok: false; reason: 'budget'; budgetMs: number }
  | { ok: false; reason: 'failed'; detail: string };

export interface YamlPoolOptions {
  /** Worker threads at most; default 2 (the bot's other work keeps the main thread). */
  size?: number;
  /** How long one parse may take before its worker is terminated; default 30 s. */
  budgetMs?: number;
  /** Heap of each worker, in MiB; default 512. */
  maxHeapMb?: number;
  /** The worker script; default the built yaml-safe/worker.js. */
  script?: URL;
}

export interface YamlPool {
  run(req: WorkerRequest): Promise<PoolOutcome>;
  /**
   * Terminates idle workers now and busy ones when their parse ends; parses already handed
   * over still finish. The pool stays usable (a later parse starts a worker again).
   */
  close(): Promise<void>;
}

interface Job {
  req: WorkerRequest;
  settle(outcome: PoolOutcome): void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  timer: NodeJS.Timeout | undefined;
  retire: boolean;
}

/**
 * The built worker next to this file. Under vitest this file is TypeScript, which a worker
 * thread cannot load, and in the bundled CLI (dist/bin/packbot.js) it is part of a chunk, so
 * then the copy tsc built into dist/src/ is used (`npm run build` first).
 */
export function workerScript(from: string = fileURLToPath(import.meta.url)): URL {
  const dir = path.dirname(from);
  const beside = path.join(dir, 'worker.js');
  if (from.endsWith('.js') && existsSync(beside)) return pathToFileURL(beside);
  const root = packageRoot(from);
  const built = path.join(root, 'dist', 'src', 'core', 'yaml-safe', 'worker.js');
  if (!existsSync(built)) throw new PackbotError('internal', `The YAML worker ${built} is not built; run npm run build.`);
  return pathToFileURL(built);
}

export function createYamlPool(opts: YamlPoolOptions = {}): YamlPool {
  const size = Math.max(1, opts.size ?? 2);
  const budgetMs = opts.budgetMs ?? 30_000;
  const maxHeapMb = opts.maxHeapMb ?? 512;
  let script = opts.script;
  const slots = new Set<Slot>();
  const queue: Job[] = [];

  function spawn(script: URL): Slot {
    // No execArgv: the parent's flags (`--input-type`, a test runner's loaders) are not the worker's business and some make it fail to start.
    const worker = new Worker(script, { execArgv: [], resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } });
    worker.unref();
    const slot: Slot = { worker, job: null, timer: undefined, retire: false };
    worker.on('message', (reply: WorkerReply) => done(slot, reply.ok ? { ok: true, result: reply.result } : { ok: false, reason: 'failed', detail: reply.error }));
    worker.on('error', (err) => drop(slot, { ok: false, reason: 'failed', detail: err.message }));
    worker.on('exit', (code) => drop(slot, { ok: false, reason: 'failed', detail: `the worker exited with code ${code}` }));
    slots.add(slot);
    return slot;
  }

  function dispatch(): void {
    while (queue.length > 0) {
      let slot = [...slots].find((s) => s.job === null && !s.retire);
      if (!slot) {
        if (slots.size >= size || !script) return;
        slot = spawn(script);
      }
      const job = queue.shift() as Job;
      slot.job = job;
      slot.worker.ref();
      const busy = slot;
      busy.timer = setTimeout(() => {
        drop(busy, { ok: false, reason: 'budget', budgetMs });
        void busy.worker.terminate();
      }, budgetMs);
      slot.worker.postMessage(job.req);
    }
  }

  /** A parse finished: the worker is free again (or leaves, after close()). */
  function done(slot: Slot, outcome: PoolOutcome): void {
    const job = slot.job;
    if (!job || !slots.has(slot)) return;
    clearTimeout(slot.timer);
    slot.job = null;
    slot.worker.unref();
    if (slot.retire) {
      slots.delete(slot);
      void slot.worker.terminate();
    }
    job.settle(outcome);
    dispatch();
  }

  /** The worker is gone or going: its parse, if any, ends with `outcome`. */
  function drop(slot: Slot, outcome: PoolOutcome): void {
    if (!slots.delete(slot)) return;
    clearTimeout(slot.timer);
    slot.job?.settle(outcome);
    slot.job = null;
    dispatch();
  }

  return {
    async run(req) {
      script ??= workerScript();
      return new Promise<PoolOutcome>((settle) => {
        queue.push({ req, settle });
        dispatch();
      });
    },
    async close() {
      const idle = [...slots].filter((s) => s.job === null);
      for (const s of slots) s.retire = true;
      for (const s of idle) slots.delete(s);
      await Promise.all(idle.map((s) => s.worker.terminate()));
    },
  };
}
