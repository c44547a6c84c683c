/**
 * The deploy queue. Requests that share a pack run one at a time in arrival order; requests
 * on disjoint packs run side by side up to `concurrency`; a multi-pack request keeps its place
 * until every one of its packs is free (nobody behind it on one of those packs overtakes it).
 *
 * `eligible` is that rule, pure. `createQueue` keeps the queue's index (who, which packs,
 * what state) as one small document changed only by batched compare-and-set
 * (store/batched-doc.ts), so several packbot processes sharing a Redis never start one
 * request twice or lose one, and a burst of requests costs one write, not a race. What each
 * request carries (the deploy to run) lives in a key of its own: written once, read at its
 * turn, never rewritten with the index.
 */
import { PackbotError } from '../../core/errors.js';
import { createBatchedDoc } from '../../domain/store/batched-doc.js';
import type { StateStore } from '../../domain/store/state.js';
import { type ConfirmPolicy } from './types.js';
import { displayIdentity, type Identity } from '../../core/identity.js';

export type EntryState = 'waiting' | 'ready' | 'running';

export interface QueueEntry {
  id: string;
  seq: number;
  packs: string[];
  requester: Identity;
  channel?: string;
  /** What is being done, for `pack queue` ("docker,sensu from st2contrib feature-x"). */
  summary: string;
  enqueued_at: string;
  state: EntryState;
  /** Ready entries: waiting for the requester's confirmation, or for a worker to run it. */
  awaiting?: 'confirmation' | 'worker';
  /** How many requests on its packs were ahead of it when it arrived. */
  ahead?: number;
  /** When it reached the front (ready) and when it started running. */
  ready_at?: string;
  started_at?: string;
  /** Whether its turn waits for the requester to confirm (see the coordinator's rule). */
  policy?: ConfirmPolicy;
  /** Whatever the caller needs to run it later (the deploy request); absent from list(). */
  payload?: unknown;
}

interface QueueDoc {
  seq: number;
  entries: QueueEntry[];
}

/** Waiting entries that may move to the front now, in arrival order. */
export function eligible(entries: readonly QueueEntry[], concurrency: number): QueueEntry[] {
  const ordered = [...entries].sort((a, b) => a.seq - b.seq);
  const active = ordered.filter((e) => e.state !== 'waiting');
  const blocked = new Set(active.flatMap((e) => e.packs));
  let slots = concurrency - active.length;
  const out: QueueEntry[] = [];
  for (const entry of ordered) {
    if (entry.state !== 'waiting') continue;
    const free = entry.packs.every((p) => !blocked.has(p));
    if (free && slots > 0) {
      out.push(entry);
      slots--;
    }
    // Free or not, its packs are spoken for: later requests on them wait behind it.
    for (const p of entry.packs) blocked.add(p);
  }
  return out;
}

const KEY = 'queue';
/** Where an entry's payload lives, apart from the index. */
const ITEM = 'queue-item:';
/** A payload with no index entry this old is left over from a crash between the two writes. */
const ORPHAN_AFTER_MS = 10 * 60_000;

export interface QueueOptions {
  concurrency: number;
  now?: () => Date;
  /** How long a request waits on other processes before it is refused (default 30 s). */
  patienceMs?: number;
  /** Told when freeing a finished entry's packs has to be retried (the store is unreachable). */
  onRetry?: (err: unknown) => void;
}

export interface EnqueueInput {
  id: string;
  packs: string[];
  requester: Identity;
  channel?: string;
  summary: string;
  policy?: ConfirmPolicy;
  payload?: unknown;
}

export function createQueue(store: StateStore, opts: QueueOptions) {
  const now = opts.now ?? (() => new Date());
  const doc = createBatchedDoc<QueueDoc>(store, KEY, {
    empty: () => ({ seq: 0, entries: [] }),
    ...(opts.patienceMs !== undefined ? { patienceMs: opts.patienceMs } : {}),
    gaveUp: (cause) => new PackbotError('internal', 'The deploy queue is too busy or the state store is unreachable; try again in a moment.', { cause }),
    ...(opts.onRetry ? { onRetry: opts.onRetry } : {}),
  });
  const update = doc.update;

  /** Entries with their payloads, read in one round trip. */
  async function withPayloads(entries: QueueEntry[]): Promise<QueueEntry[]> {
    if (entries.length === 0) return [];
    const raws = await store.getMany(entries.map((e) => ITEM + e.id));
    return entries.map((e, i) => {
      const raw = raws[i];
      return raw ? { ...e, payload: (JSON.parse(raw) as { payload: unknown }).payload } : { ...e };
    });
  }

  async function dropPayloads(entries: readonly QueueEntry[]): Promise<void> {
    for (const e of entries) await store.delete(ITEM + e.id);
  }

  return {
    withPayloads,

    /** The index, in arrival order (no payloads). */
    async list(): Promise<QueueEntry[]> {
      return (await doc.read()).entries.sort((a, b) => a.seq - b.seq);
    },

    async enqueue(input: EnqueueInput): Promise<{ entry: QueueEntry; ahead: number }> {
      const packs = [...new Set(input.packs)].sort();
      if (packs.length === 0) throw new PackbotError('usage', 'A queued request needs at least one pack.');
      const { payload, ...fields } = input;
      // The payload first: once the index names the entry, any process may run it.
      if (!(await store.setIfAbsent(ITEM + input.id, JSON.stringify({ at: now().toISOString(), payload: payload ?? null })))) {
        throw new PackbotError('internal', `queue entry ${input.id} exists already`);
      }
      try {
        const queued = await update((d) => {
          if (d.entries.some((e) => e.id === input.id)) throw new PackbotError('internal', `queue entry ${input.id} exists already`);
          d.seq += 1;
          const ahead = d.entries.filter((e) => e.packs.some((p) => packs.includes(p))).length;
          const entry: QueueEntry = { ...fields, packs, seq: d.seq, enqueued_at: now().toISOString(), state: 'waiting', ahead };
          d.entries.push(entry);
          return { entry: { ...entry }, ahead };
        });
        return { entry: { ...queued.entry, payload }, ahead: queued.ahead };
      } catch (err) {
        await store.delete(ITEM + input.id).catch(() => false);
        throw err;
      }
    },

    async get(id: string): Promise<QueueEntry | null> {
      const entry = (await doc.read()).entries.find((e) => e.id === id);
      return entry ? ((await withPayloads([entry]))[0] ?? null) : null;
    },

    /**
     * Moves every entry whose turn has come to `ready` and returns them (each exactly once,
     * whichever process asks). `confirm` says which must wait for their requester.
     */
    async promote(confirm: (entry: QueueEntry) => boolean = () => false): Promise<QueueEntry[]> {
      const moved = await update((d) => {
        const at = now().toISOString();
        const next = eligible(d.entries, opts.concurrency);
        for (const e of next) {
          e.state = 'ready';
          e.ready_at = at;
          e.awaiting = confirm(e) ? 'confirmation' : 'worker';
        }
        return next.map((e) => ({ ...e }));
      });
      return withPayloads(moved);
    },

    /** The requester confirmed: a worker may run it now. False if it is gone. */
    confirmed(id: string): Promise<boolean> {
      return update((d) => {
        const entry = d.entries.find((e) => e.id === id);
        if (!entry || entry.state !== 'ready') return false;
        entry.awaiting = 'worker';
        return true;
      });
    },

    /**
     * ready → running, returning the entry; null if it is gone (cancelled, expired) or already
     * running. With `resume` (a retry after its worker died) a running entry is handed back too.
     */
    async start(id: string, resume = false): Promise<QueueEntry | null> {
      const started = await update((d) => {
        const entry = d.entries.find((e) => e.id === id);
        if (entry?.state === 'running' && resume) return { ...entry };
        if (!entry || entry.state !== 'ready') return null;
        entry.state = 'running';
        delete entry.awaiting;
        entry.started_at = now().toISOString();
        return { ...entry };
      });
      return started ? ((await withPayloads([started]))[0] ?? null) : null;
    },

    /**
     * Done (or failed, or its confirmation timed out): its packs are free for the next. Keeps
     * trying until it lands (a stuck entry would hold its packs forever); resolves with the
     * entry, or null if it was already gone.
     */
    async finish(id: string): Promise<QueueEntry | null> {
      const gone = await update((d) => {
        const i = d.entries.findIndex((e) => e.id === id);
        return i < 0 ? null : (d.entries.splice(i, 1)[0] ?? null);
      }, { patienceMs: Infinity });
      if (!gone) return null;
      const [entry] = await withPayloads([gone]);
      await dropPayloads([gone]);
      return entry ?? gone;
    },

    /** The requester (or an admin) withdraws a request that is not running yet. */
    async cancel(id: string, by: string, admin: boolean): Promise<QueueEntry> {
      const gone = await update((d) => {
        const i = d.entries.findIndex((e) => e.id === id);
        const entry = d.entries[i];
        if (!entry) throw new PackbotError('usage', `There is no queued request ${JSON.stringify(id.slice(0, 40))}; see \`pack queue\`.`);
        if (entry.requester !== by && !admin) throw new PackbotError('not_permitted', `Request ${id} is ${displayIdentity(entry.requester)}'s; only they or an admin can cancel it.`);
        if (entry.state === 'running') throw new PackbotError('usage', `Request ${id} is already running; it can no longer be cancelled.`);
        d.entries.splice(i, 1);
        return entry;
      });
      const [entry] = await withPayloads([gone]);
      await dropPayloads([gone]);
      return entry ?? gone;
    },

    /** Drops waiting entries older than maxWaitMs and returns them, so their requesters can be told. */
    async expire(maxWaitMs: number): Promise<QueueEntry[]> {
      const old = await update((d) => {
        const cutoff = now().getTime() - maxWaitMs;
        const out = d.entries.filter((e) => e.state === 'waiting' && new Date(e.enqueued_at).getTime() < cutoff);
        if (out.length > 0) d.entries = d.entries.filter((e) => !out.includes(e));
        return out;
      });
      const entries = await withPayloads(old);
      await dropPayloads(old);
      return entries;
    },

    /** Deletes payloads no entry names (a crash between the two writes of enqueue or finish). */
    async tidy(): Promise<number> {
      const listed = new Set((await doc.read()).entries.map((e) => ITEM + e.id));
      const keys = (await store.keys(ITEM)).filter((k) => !listed.has(k));
      const raws = await store.getMany(keys);
      const cutoff = now().getTime() - ORPHAN_AFTER_MS;
      let dropped = 0;
      for (const [i, key] of keys.entries()) {
        const at = raws[i] ? Date.parse((JSON.parse(raws[i]!) as { at: string }).at) : 0;
        if (at < cutoff && (await store.delete(key))) dropped++;
      }
      return dropped;
    },
  };
}

export type Queue = ReturnType<typeof createQueue>;
