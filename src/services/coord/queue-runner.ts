/**
 * How the deploy queue's changes reach the store: each reads what it needs, decides, and
 * writes with one transact() checked against the meta document (queue-index.ts), trying
 * again if another process changed the queue meanwhile.
 *
 * This process's changes go one batch at a time (they would only collide with each other).
 * Changes that touch nothing but the meta document and their own entry — enqueues, and
 * finishing an active entry, the bulk of the traffic — share one transaction with whatever
 * else of that kind is waiting: a burst of 50 requests is one write (one fsync on the
 * embedded store), not 50. The rest (promote, cancel, expire) move the indexes and go alone.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { PackbotError } from '../../core/errors.js';
import type { StateStore, TxCheck, TxOp } from '../../domain/store/state.js';
import { META, parseMeta, type Meta } from './queue-index.js';

/** What one change decided: its answer, and what to write (if anything) provided `checks` still hold. */
export interface Decision<R> {
  result: R;
  checks?: TxCheck[];
  ops?: TxOp[];
}

/**
 * What the changes of one batch share. A change validates before it edits `meta` or
 * `sizes` (a throw then rejects only its own caller), and sees what earlier changes of its
 * batch did through them.
 */
export interface BatchState {
  meta: Meta;
  /** Waiting entries per pack, as the batch has left them (read from the store on first use). */
  size(pack: string): Promise<number>;
  grow(pack: string): void;
}

export interface RunnerOptions {
  patienceMs: number;
  gaveUp: (cause: unknown) => Error;
  onRetry?: (err: unknown) => void;
  /** Runs once before the first change (moving an earlier layout's data in). */
  prepare: () => Promise<void>;
  packSize: (pack: string) => Promise<number>;
}

/** Random pause growing with the attempt: 1–2 ms at first, at most 0.5–1 s. */
const pauseMs = (attempt: number) => {
  const cap = Math.min(1000, 2 ** Math.min(attempt, 10));
  return cap / 2 + Math.random() * (cap / 2);
};

/** The store gone (closing) or a refusal of our own (not permitted, unknown id): trying again changes nothing. */
const final = (err: unknown) =>
  (err instanceof Error && err.message === 'the state store is closed') || (err instanceof PackbotError && err.code !== 'store_unavailable');

type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };

interface Pending {
  /** Shares a transaction with its neighbours of the same kind (null: goes alone). */
  kind: string | null;
  decide: (state: BatchState) => Promise<Decision<unknown>>;
  patienceMs: number;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export function createRunner(store: StateStore, opts: RunnerOptions) {
  const waiting: Pending[] = [];
  let flushing = false;
  let prepared: Promise<void> | null = null;
  /** The meta document as this process last wrote (or read) it; undefined when not known. */
  let known: string | null | undefined;

  /** Reads, decides, writes if nothing changed meanwhile; else again, until patience runs out. */
  async function attempt<R>(decide: () => Promise<Decision<R>>, patienceMs = opts.patienceMs): Promise<R> {
    const deadline = Date.now() + patienceMs;
    for (let n = 0; ; n++) {
      let lastErr: unknown = null;
      try {
        const d = await decide();
        if (!d.ops || d.ops.length === 0 || (await store.transact(d.checks ?? [], d.ops))) return d.result;
      } catch (err) {
        if (final(err)) throw err;
        lastErr = err;
        opts.onRetry?.(err);
      }
      // A store that says why it is unavailable (disk full, Redis down) says so to the user, rather than "too busy".
      if (Date.now() > deadline) throw lastErr instanceof PackbotError && lastErr.code === 'store_unavailable' ? lastErr : opts.gaveUp(lastErr ?? new Error('the deploy queue kept changing under us'));
      await sleep(pauseMs(n));
    }
  }

  /** One transaction for `batch`; each change's own refusal goes to its caller alone. */
  async function land(batch: Pending[]): Promise<void> {
    let outcomes: Outcome[] = [];
    const patience = Math.max(...batch.map((p) => p.patienceMs));
    let tries = 0;
    let wrote: string | null = null;
    const compute = async (raw: string | null): Promise<Decision<undefined>> => {
      const sizes = new Map<string, number>();
      const state: BatchState = {
        meta: parseMeta(raw),
        size: async (pack) => sizes.get(pack) ?? (sizes.set(pack, await opts.packSize(pack)), sizes.get(pack)!),
        grow: (pack) => sizes.set(pack, (sizes.get(pack) ?? 0) + 1),
      };
      const before = JSON.stringify(state.meta);
      const checks: TxCheck[] = [{ key: META, expected: raw }];
      const ops: TxOp[] = [];
      outcomes = [];
      for (const p of batch) {
        try {
          const d = await p.decide(state);
          checks.push(...(d.checks ?? []));
          ops.push(...(d.ops ?? []));
          outcomes.push({ ok: true, value: d.result });
        } catch (err) {
          if (!final(err)) throw err; // the store failed: the whole batch tries again
          outcomes.push({ ok: false, err });
        }
      }
      const changed = ops.length > 0 || JSON.stringify(state.meta) !== before;
      const next = JSON.stringify({ ...state.meta, v: state.meta.v + 1 });
      wrote = changed ? next : raw;
      if (changed) ops.push({ op: 'set', key: META, value: next });
      return { result: undefined, checks, ops };
    };
    await attempt(async () => {
      // The meta this process wrote last, if it is the last writer (always, on the embedded
      // store): a stale one only fails the transaction's check, and a decision that writes
      // nothing is checked against a fresh read.
      const cached = tries++ === 0 && known !== undefined;
      const raw = cached ? (known as string | null) : await store.get(META);
      known = undefined;
      const d = await compute(raw);
      if (!cached || (d.ops ?? []).length > 0) return d;
      const current = await store.get(META);
      return current === raw ? d : compute(current);
    }, patience).then(
      () => {
        known = wrote;
        batch.forEach((p, i) => {
        const o = outcomes[i]!;
        if (o.ok) p.resolve(o.value);
        else p.reject(o.err);
        });
      },
      (err: unknown) => batch.forEach((p) => p.reject(err)),
    );
  }

  async function flush(): Promise<void> {
    if (flushing) return;
    flushing = true;
    try {
      while (waiting.length > 0) {
        try {
          await (prepared ??= opts.prepare().catch((err: unknown) => ((prepared = null), Promise.reject(err))));
        } catch (err) {
          for (const p of waiting.splice(0)) p.reject(err);
          return;
        }
        // The longest run of changes of one kind at the head, or the one change that goes alone.
        const kind = waiting[0]!.kind;
        const n = kind === null ? 1 : waiting.findIndex((p) => p.kind !== kind);
        await land(waiting.splice(0, n < 0 ? waiting.length : n));
      }
    } finally {
      flushing = false;
    }
  }

  function submit<R>(kind: string | null, decide: (state: BatchState) => Promise<Decision<R>>, patienceMs = opts.patienceMs): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      waiting.push({ kind, decide, patienceMs, resolve: resolve as (v: unknown) => void, reject });
      void flush();
    });
  }

  return {
    attempt,
    /**
     * A change that may share its transaction with others of its `kind` (it reads only its own
     * entry, `meta` and pack sizes, and edits `meta` in place once it has validated).
     */
    batched: <R>(kind: string, decide: (state: BatchState) => Promise<Decision<R>>, patienceMs?: number) => submit(kind, decide, patienceMs),
    /** A change that moves the indexes: alone in its transaction; edits `meta` in place. */
    alone: <R>(decide: (meta: Meta) => Promise<Decision<R>>, patienceMs?: number) => submit(null, (s) => decide(s.meta), patienceMs),
  };
}

export type Runner = ReturnType<typeof createRunner>;
