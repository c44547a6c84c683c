/**
 * A JSON document in the StateStore that many callers change at once (the deploy queue).
 *
 * Changes from this process are applied a batch at a time: one read, every waiting change
 * applied in arrival order, one compare-and-set. A burst of 150 enqueues is then one write
 * instead of 150 writers racing for the same key (each losing writer re-reads and retries,
 * which under load is quadratic and starves some of them). The compare-and-set only loses
 * when another process wrote in between; the batch is then applied again to what that
 * process wrote, after a short random pause so two processes do not keep colliding.
 *
 * A change must throw before it mutates the document (validate, then change): the other
 * changes of its batch still go through, and a thrown change rejects only its own caller.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { StateStore } from './state.js';

export interface DocChangeOptions {
  /**
   * How long to keep trying when other processes keep winning or the store is unreachable.
   * Infinity for a change that must land whatever happens (freeing a finished deploy's packs).
   */
  patienceMs?: number;
}

export interface BatchedDocOptions<T> {
  empty: () => T;
  /** Default patience of a change. */
  patienceMs?: number;
  /** The error a change gets when its patience runs out (the last cause attached). */
  gaveUp: (cause: unknown) => Error;
  /** Told about each failed attempt of a change that keeps trying (store unreachable). */
  onRetry?: (err: unknown, attempt: number) => void;
}

interface Pending<T> {
  change: (doc: T) => unknown;
  deadline: number;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };

/** Random pause growing with the attempt: 1–2 ms at first, at most 0.5–1 s. */
const pauseMs = (attempt: number) => {
  const cap = Math.min(1000, 2 ** Math.min(attempt, 10));
  return cap / 2 + Math.random() * (cap / 2);
};

/** Stops retrying only when the store itself is gone (closing), since nothing can land then. */
const storeClosed = (err: unknown) => err instanceof Error && err.message === 'the state store is closed';

export function createBatchedDoc<T>(store: StateStore, key: string, opts: BatchedDocOptions<T>) {
  const patience = opts.patienceMs ?? 30_000;
  const waiting: Array<Pending<T>> = [];
  let flushing = false;

  async function read(): Promise<{ raw: string | null; doc: T }> {
    const raw = await store.get(key);
    return { raw, doc: raw ? (JSON.parse(raw) as T) : opts.empty() };
  }

  /** Applies the batch until one compare-and-set lands; each change's outcome, in order. */
  async function land(batch: Array<Pending<T>>): Promise<void> {
    let lastErr: unknown = null;
    for (let attempt = 0; batch.length > 0; attempt++) {
      try {
        const { raw, doc } = await read();
        const outcomes: Outcome[] = batch.map((p) => {
          try {
            return { ok: true, value: p.change(doc) };
          } catch (err) {
            return { ok: false, err };
          }
        });
        const next = JSON.stringify(doc);
        if (next === raw || (await store.compareAndSet(key, raw, next))) {
          batch.forEach((p, i) => {
            const o = outcomes[i]!;
            if (o.ok) p.resolve(o.value);
            else p.reject(o.err);
          });
          return;
        }
        lastErr = null; // lost to another process: not an error, just try again
      } catch (err) {
        lastErr = err;
        if (storeClosed(err)) {
          for (const p of batch) p.reject(err);
          return;
        }
        opts.onRetry?.(err, attempt);
      }
      const now = Date.now();
      batch = batch.filter((p) => {
        if (p.deadline > now) return true;
        p.reject(lastErr ? opts.gaveUp(lastErr) : opts.gaveUp(new Error(`${key} kept changing under us`)));
        return false;
      });
      await sleep(pauseMs(attempt));
      // Whatever arrived meanwhile joins in, after the changes already waiting: order is kept.
      batch = batch.concat(waiting.splice(0));
    }
  }

  async function flush(): Promise<void> {
    if (flushing) return;
    flushing = true;
    try {
      while (waiting.length > 0) await land(waiting.splice(0));
    } finally {
      flushing = false;
    }
  }

  return {
    read: async (): Promise<T> => (await read()).doc,

    /** Runs `change` on the current document and stores the result; resolves with what it returned. */
    update<R>(change: (doc: T) => R, options: DocChangeOptions = {}): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        const deadline = Date.now() + (options.patienceMs ?? patience);
        waiting.push({ change, deadline, resolve: resolve as (v: unknown) => void, reject });
        void flush();
      });
    },
  };
}

export type BatchedDoc<T> = ReturnType<typeof createBatchedDoc<T>>;
