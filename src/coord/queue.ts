/**
 * The deploy queue. Requests that share a pack run one at a time in arrival order; requests
 * on disjoint packs run side by side up to `concurrency`; a multi-pack request keeps its place
 * until every one of its packs is free (nobody behind it on one of those packs overtakes it).
 *
 * `eligible` is that rule, pure. `createQueue` keeps the queue as one document in the
 * StateStore and changes it only by compare-and-set, so several packbot processes sharing a
 * Redis never start one request twice or lose one.
 */
import { PackbotError } from '../errors.js';
import type { StateStore } from '../store/state.js';
import { displayName } from './types.js';

export type EntryState = 'waiting' | 'ready' | 'running';

export interface QueueEntry {
  id: string;
  seq: number;
  packs: string[];
  requester: string;
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
  /** Whatever the caller needs to run it later (the deploy request). */
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
const MAX_ATTEMPTS = 100;

export interface QueueOptions {
  concurrency: number;
  now?: () => Date;
}

export function createQueue(store: StateStore, opts: QueueOptions) {
  const now = opts.now ?? (() => new Date());

  async function read(): Promise<{ raw: string | null; doc: QueueDoc }> {
    const raw = await store.get(KEY);
    return { raw, doc: raw ? (JSON.parse(raw) as QueueDoc) : { seq: 0, entries: [] } };
  }

  /** Read, change, write back only if nobody else wrote in between; else try again. */
  async function update<T>(change: (doc: QueueDoc) => T): Promise<T> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { raw, doc } = await read();
      const result = change(doc);
      const next = JSON.stringify(doc);
      if (next === raw || (await store.compareAndSet(KEY, raw, next))) return result;
    }
    throw new PackbotError('internal', 'The deploy queue kept changing under us; try again.');
  }

  return {
    async list(): Promise<QueueEntry[]> {
      return (await read()).doc.entries.sort((a, b) => a.seq - b.seq);
    },

    enqueue(input: { id: string; packs: string[]; requester: string; channel?: string; summary: string; payload?: unknown }): Promise<{ entry: QueueEntry; ahead: number }> {
      const packs = [...new Set(input.packs)].sort();
      if (packs.length === 0) throw new PackbotError('usage', 'A queued request needs at least one pack.');
      return update((doc) => {
        if (doc.entries.some((e) => e.id === input.id)) throw new PackbotError('internal', `queue entry ${input.id} exists already`);
        doc.seq += 1;
        const ahead = doc.entries.filter((e) => e.packs.some((p) => packs.includes(p))).length;
        const entry: QueueEntry = { ...input, packs, seq: doc.seq, enqueued_at: now().toISOString(), state: 'waiting', ahead };
        doc.entries.push(entry);
        return { entry, ahead };
      });
    },

    async get(id: string): Promise<QueueEntry | null> {
      return (await read()).doc.entries.find((e) => e.id === id) ?? null;
    },

    /**
     * Moves every entry whose turn has come to `ready` and returns them (each exactly once,
     * whichever process asks). `confirm` says which must wait for their requester.
     */
    promote(confirm: (entry: QueueEntry) => boolean = () => false): Promise<QueueEntry[]> {
      return update((doc) => {
        const at = now().toISOString();
        const moved = eligible(doc.entries, opts.concurrency);
        for (const e of moved) {
          e.state = 'ready';
          e.ready_at = at;
          e.awaiting = confirm(e) ? 'confirmation' : 'worker';
        }
        return moved.map((e) => ({ ...e }));
      });
    },

    /** The requester confirmed: a worker may run it now. False if it is gone. */
    confirmed(id: string): Promise<boolean> {
      return update((doc) => {
        const entry = doc.entries.find((e) => e.id === id);
        if (!entry || entry.state !== 'ready') return false;
        entry.awaiting = 'worker';
        return true;
      });
    },

    /** ready → running; false if it is gone (cancelled, expired) or already running. */
    start(id: string): Promise<boolean> {
      return update((doc) => {
        const entry = doc.entries.find((e) => e.id === id);
        if (!entry || entry.state !== 'ready') return false;
        entry.state = 'running';
        delete entry.awaiting;
        entry.started_at = now().toISOString();
        return true;
      });
    },

    /** Done (or failed, or its confirmation timed out): its packs are free for the next. */
    finish(id: string): Promise<QueueEntry | null> {
      return update((doc) => {
        const i = doc.entries.findIndex((e) => e.id === id);
        return i < 0 ? null : (doc.entries.splice(i, 1)[0] ?? null);
      });
    },

    /** The requester (or an admin) withdraws a request that is not running yet. */
    cancel(id: string, by: string, admin: boolean): Promise<QueueEntry> {
      return update((doc) => {
        const i = doc.entries.findIndex((e) => e.id === id);
        const entry = doc.entries[i];
        if (!entry) throw new PackbotError('usage', `There is no queued request ${id}; see \`pack queue\`.`);
        if (entry.requester !== by && !admin) throw new PackbotError('not_permitted', `Request ${id} is ${displayName(entry.requester)}'s; only they or an admin can cancel it.`);
        if (entry.state === 'running') throw new PackbotError('usage', `Request ${id} is already running; it can no longer be cancelled.`);
        doc.entries.splice(i, 1);
        return entry;
      });
    },

    /** Drops waiting entries older than maxWaitMs and returns them, so their requesters can be told. */
    expire(maxWaitMs: number): Promise<QueueEntry[]> {
      return update((doc) => {
        const cutoff = now().getTime() - maxWaitMs;
        const old = doc.entries.filter((e) => e.state === 'waiting' && new Date(e.enqueued_at).getTime() < cutoff);
        doc.entries = doc.entries.filter((e) => !old.includes(e));
        return old;
      });
    },
  };
}

export type Queue = ReturnType<typeof createQueue>;
