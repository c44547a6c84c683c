/**
 * The deploy queue. Requests that share a pack run one at a time in arrival order; requests
 * on disjoint packs run side by side up to `concurrency`; a multi-pack request keeps its place
 * until every one of its packs is free (nobody behind it on one of those packs overtakes it).
 *
 * `eligible` is that rule, pure, over a whole list. `createQueue` applies the same rule from
 * the front only (queue-index.ts: entries in keys of their own, ordered indexes, one small
 * document checked by every change), so each operation costs the same at 10,000 queued
 * requests as at 10, and several packbot processes sharing a Redis never start one request
 * twice or lose one. What each request carries (the deploy to run) lives in a key of its own:
 * written once, read at its turn, never rewritten with the index.
 */
import { PackbotError } from '../../core/errors.js';
import type { StateStore, TxOp } from '../../domain/store/state.js';
import { ENTRY, FRONT, index, META, moveLegacy, newFront, PACK, parseEntry, parseMeta, readEntries, unindex, WAITING, type Meta } from './queue-index.js';
import { createRunner, type Decision, type Runner } from './queue-runner.js';
import { turnStarts } from './queue-start.js';
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
  /**
   * Running entries: which start this is (1, then one more per takeover). The turn's fencing
   * token: only the worker that started it with this number may act for it (fence.ts).
   */
  fence?: number;
  /** Running entries: counted up by their worker while it is alive; a takeover waits for it to stand still. */
  beat?: number;
}

export { eligible } from './queue-rule.js';

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
  /**
   * How long a running entry's beat must stand still before another worker may take it over
   * (start with resume). 0: at once — the embedded store, whose one process owns the state_dir,
   * so a running entry found there was left by a dead process.
   */
  leaseMs?: number;
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
  const leaseMs = opts.leaseMs ?? 0;
  const patience = opts.patienceMs ?? 30_000;
  const gaveUp = (cause: unknown) => new PackbotError('internal', 'The deploy queue is too busy or the state store is unreachable; try again in a moment.', { cause });
  // Declared before the runner, which moves an earlier layout's queue in before its first change.
  const attempt: Runner['attempt'] = (decide, patienceMs) => runner.attempt(decide, patienceMs);
  const runner = createRunner(store, {
    patienceMs: patience, gaveUp, ...(opts.onRetry ? { onRetry: opts.onRetry } : {}),
    prepare: () => moveLegacy(store, attempt), packSize: (pack) => store.indexSize(PACK + pack),
  });

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

  /** The ops that take `e` out of the queue (from the meta's active list, or the indexes). */
  async function removal(meta: Meta, e: QueueEntry, raw: string): Promise<Decision<QueueEntry>> {
    const ops: TxOp[] = [{ op: 'del', key: ENTRY + e.id }, ...(e.state === 'waiting' ? [...unindex([e]), ...(await newFront(store, [e]))] : [])];
    meta.active = meta.active.filter((a) => a.id !== e.id);
    return { result: e, checks: [{ key: ENTRY + e.id, expected: raw }], ops };
  }

  /** Changes one entry's key alone (ready ↔ confirmed ↔ running): no index moves. */
  function update<R>(id: string, edit: (e: QueueEntry | null) => { result: R; entry?: QueueEntry }): Promise<R> {
    return attempt(async () => {
      const raw = await store.get(ENTRY + id);
      const { result, entry } = edit(parseEntry(raw));
      return entry ? { result, checks: [{ key: ENTRY + id, expected: raw }], ops: [{ op: 'set', key: ENTRY + id, value: JSON.stringify(entry) }] } : { result };
    });
  }

  async function get(id: string): Promise<QueueEntry | null> {
    const entry = parseEntry(await store.get(ENTRY + id));
    return entry ? ((await withPayloads([entry]))[0] ?? null) : null;
  }

  return {
    withPayloads,
    get,

    /**
     * The index in arrival order (no payloads): the active entries, then the first `limit`
     * waiting ones (all by default; `pack queue` of 10,000 asks for a page).
     */
    async list(limit = Infinity): Promise<QueueEntry[]> {
      const meta = parseMeta(await store.get(META));
      const waiting = await store.indexRange(WAITING, 0, limit);
      const entries = await readEntries(store, [...meta.active.map((a) => a.id), ...waiting]);
      return entries.sort((a, b) => a.seq - b.seq);
    },

    /** The ready and running entries (at most `concurrency`), without the waiting ones. */
    async active(): Promise<QueueEntry[]> {
      const meta = parseMeta(await store.get(META));
      return (await readEntries(store, meta.active.map((a) => a.id))).sort((a, b) => a.seq - b.seq);
    },

    /** How many requests are queued (waiting, ready or running), without reading them. */
    async size(): Promise<number> {
      const [raw, waiting] = await Promise.all([store.get(META), store.indexSize(WAITING)]);
      return parseMeta(raw).active.length + waiting;
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
        const queued = await runner.batched('enqueue', async (state) => {
          const { meta } = state;
          const [sizes, existing] = await Promise.all([Promise.all(packs.map((p) => state.size(p))), store.get(ENTRY + input.id)]);
          if (existing) throw new PackbotError('internal', `queue entry ${input.id} exists already`);
          // On each pack: those waiting plus the active one; the busiest of its packs says how long it waits.
          const ahead = Math.max(...packs.map((p, i) => (sizes[i] ?? 0) + meta.active.filter((a) => a.packs.includes(p)).length));
          meta.seq += 1;
          for (const p of packs) state.grow(p);
          const entry: QueueEntry = { ...fields, packs, seq: meta.seq, enqueued_at: now().toISOString(), state: 'waiting', ahead };
          return {
            result: { entry, ahead },
            checks: [{ key: ENTRY + input.id, expected: null }],
            ops: [{ op: 'set', key: ENTRY + input.id, value: JSON.stringify(entry) }, ...index(entry, sizes.every((n) => n === 0))],
          };
        });
        return { entry: { ...queued.entry, payload }, ahead: queued.ahead };
      } catch (err) {
        await store.delete(ITEM + input.id).catch(() => false);
        throw err;
      }
    },

    /**
     * Moves every entry whose turn has come to `ready` and returns them (each exactly once,
     * whichever process asks). `confirm` says which must wait for their requester.
     */
    async promote(confirm: (entry: QueueEntry) => boolean = () => false): Promise<QueueEntry[]> {
      const moved = await runner.alone(async (meta) => {
        const blocked = new Set(meta.active.flatMap((a) => a.packs));
        let slots = opts.concurrency - meta.active.length;
        if (slots <= 0) return { result: [] as QueueEntry[] };
        // Front entries share no pack, so at most one is blocked per blocked pack: this many suffice.
        const front = await readEntries(store, await store.indexRange(FRONT, 0, slots + blocked.size));
        const at = now().toISOString();
        const next: QueueEntry[] = [];
        for (const e of front.sort((a, b) => a.seq - b.seq)) {
          if (slots === 0) break;
          if (e.packs.some((p) => blocked.has(p))) continue;
          next.push({ ...e, state: 'ready', ready_at: at, awaiting: confirm(e) ? 'confirmation' : 'worker' });
          slots--;
        }
        if (next.length === 0) return { result: next };
        const ops: TxOp[] = [
          ...next.map((e): TxOp => ({ op: 'set', key: ENTRY + e.id, value: JSON.stringify(e) })), ...unindex(next), ...(await newFront(store, next)),
        ];
        meta.active = [...meta.active, ...next.map((e) => ({ id: e.id, packs: e.packs }))];
        return { result: next, ops };
      });
      return withPayloads(moved);
    },

    /** The requester confirmed: a worker may run it now. False if it is gone. */
    confirmed(id: string): Promise<boolean> {
      return update(id, (e) => (e?.state === 'ready' ? { result: true, entry: { ...e, awaiting: 'worker' } } : { result: false }));
    },

    ...turnStarts({ store, attempt, update, withPayloads, now, leaseMs }),

    /**
     * Done (or failed, or its confirmation timed out): its packs are free for the next. Keeps
     * trying until it lands (a stuck entry would hold its packs forever); resolves with the
     * entry, or null if it was already gone (or, given `fence`, taken over by another start).
     */
    async finish(id: string, fence?: number): Promise<QueueEntry | null> {
      // An active entry leaves only the meta document, so its finish shares a transaction with
      // other finishes; a waiting one moves the indexes and goes alone (an entry never goes back to waiting).
      const seen = parseEntry(await store.get(ENTRY + id));
      const decide = async (meta: Meta): Promise<Decision<QueueEntry | null>> => {
        const raw = await store.get(ENTRY + id);
        const e = parseEntry(raw);
        // A worker that lost its turn leaves the entry to the one that took it over.
        if (e && fence !== undefined && e.state === 'running' && (e.fence ?? 0) !== fence) return { result: null };
        if (e) return removal(meta, e, raw!);
        // An active slot whose entry key is gone holds packs nobody can free otherwise.
        meta.active = meta.active.filter((a) => a.id !== id);
        return { result: null, checks: [{ key: ENTRY + id, expected: null }] };
      };
      const gone = seen?.state === 'waiting' ? await runner.alone(decide, Infinity) : await runner.batched('finish', (s) => decide(s.meta), Infinity);
      if (!gone) return null;
      const [entry] = await withPayloads([gone]);
      await dropPayloads([gone]);
      return entry ?? gone;
    },

    /** The requester (or an admin) withdraws a request that is not running yet. */
    async cancel(id: string, by: string, admin: boolean): Promise<QueueEntry> {
      const gone = await runner.alone(async (meta) => {
        const raw = await store.get(ENTRY + id);
        const entry = parseEntry(raw);
        if (!entry) throw new PackbotError('usage', `There is no queued request ${JSON.stringify(id.slice(0, 40))}; see \`pack queue\`.`);
        if (entry.requester !== by && !admin) throw new PackbotError('not_permitted', `Request ${id} is ${displayIdentity(entry.requester)}'s; only they or an admin can cancel it.`);
        if (entry.state === 'running') throw new PackbotError('usage', `Request ${id} is already running; it can no longer be cancelled.`);
        return removal(meta, entry, raw!);
      });
      const [entry] = await withPayloads([gone]);
      await dropPayloads([gone]);
      return entry ?? gone;
    },

    /**
     * Drops waiting entries older than maxWaitMs and returns them, so their requesters can be
     * told. Oldest first, stopping at the first that is young enough (arrival order is age order).
     */
    async expire(maxWaitMs: number): Promise<QueueEntry[]> {
      const cutoff = now().getTime() - maxWaitMs;
      const old: QueueEntry[] = [];
      for (;;) {
        const gone = await runner.alone(async (meta) => {
          const [id] = await store.indexRange(WAITING, 0, 1);
          const raw = id === undefined ? null : await store.get(ENTRY + id);
          const first = parseEntry(raw);
          if (!first || Date.parse(first.enqueued_at) >= cutoff) return { result: null };
          return removal(meta, first, raw!);
        });
        if (!gone) break;
        old.push(gone);
      }
      const entries = await withPayloads(old);
      await dropPayloads(old);
      return entries;
    },

    /** Deletes payloads no entry names (a crash between the two writes of enqueue or finish). */
    async tidy(): Promise<number> {
      const keys = await store.keys(ITEM);
      const named = await store.getMany(keys.map((k) => ENTRY + k.slice(ITEM.length)));
      const orphans = keys.filter((_, i) => named[i] === null);
      const raws = await store.getMany(orphans);
      const cutoff = now().getTime() - ORPHAN_AFTER_MS;
      let dropped = 0;
      for (const [i, key] of orphans.entries()) {
        const at = raws[i] ? Date.parse((JSON.parse(raws[i]!) as { at: string }).at) : 0;
        if (at < cutoff && (await store.delete(key))) dropped++;
      }
      return dropped;
    },
  };
}

export type Queue = ReturnType<typeof createQueue>;
