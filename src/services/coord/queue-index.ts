/**
 * How the deploy queue is laid out in the StateStore, so that no operation reads or writes
 * more than a few entries whatever the queue's length:
 *
 * - `queue-entry:<id>`: each entry (no payload), in a key of its own;
 * - `queue-meta`: a small document, the only one every change rewrites: a version, the last
 *   sequence number, and the active (ready or running) entries' packs — at most `concurrency`;
 * - ordered indexes by sequence number: every waiting entry (`queue:waiting`), the waiting
 *   entries of each pack (`queue:pack:<pack>`), and the front (`queue:front`): waiting entries
 *   first on every one of their packs, the only ones that may ever be promoted.
 *
 * Every change that touches the indexes is one transact() checked against `queue-meta`, so
 * two processes never both act on what they read: the loser reads again and retries.
 */
import type { StateStore, TxOp } from '../../domain/store/state.js';
import type { Decision } from './queue-runner.js';
import type { QueueEntry } from './queue.js';

export const META = 'queue-meta';
export const ENTRY = 'queue-entry:';
export const WAITING = 'queue:waiting';
export const FRONT = 'queue:front';
export const PACK = 'queue:pack:';
/** The whole-queue document of earlier versions, moved into this layout when found. */
export const LEGACY = 'queue';

export interface Meta {
  v: number;
  seq: number;
  active: Array<{ id: string; packs: string[] }>;
}

export const parseMeta = (raw: string | null): Meta => (raw ? (JSON.parse(raw) as Meta) : { v: 0, seq: 0, active: [] });
export const parseEntry = (raw: string | null | undefined): QueueEntry | null => (raw ? (JSON.parse(raw) as QueueEntry) : null);

export async function readEntries(store: StateStore, ids: readonly string[]): Promise<QueueEntry[]> {
  if (ids.length === 0) return [];
  const raws = await store.getMany(ids.map((id) => ENTRY + id));
  return raws.flatMap((raw) => parseEntry(raw) ?? []);
}

/** Takes waiting entries out of the indexes (not their keys). */
export function unindex(entries: readonly QueueEntry[]): TxOp[] {
  return entries.flatMap((e) => [
    { op: 'index-remove', index: WAITING, member: e.id },
    { op: 'index-remove', index: FRONT, member: e.id },
    ...e.packs.map((p): TxOp => ({ op: 'index-remove', index: PACK + p, member: e.id })),
  ]);
}

/** Puts a waiting entry in the indexes; `front` when it is first on all its packs. */
export function index(e: QueueEntry, front: boolean): TxOp[] {
  return [
    { op: 'index-add', index: WAITING, member: e.id, score: e.seq },
    ...e.packs.map((p): TxOp => ({ op: 'index-add', index: PACK + p, member: e.id, score: e.seq })),
    ...(front ? [{ op: 'index-add', index: FRONT, member: e.id, score: e.seq } as TxOp] : []),
  ];
}

/**
 * Once `gone` (waiting entries) leave their packs' lines, the entries that come first on
 * every one of their packs for the first time: they join the front. Reads only the first
 * few members of the packs involved.
 */
export async function newFront(store: StateStore, gone: readonly QueueEntry[]): Promise<TxOp[]> {
  if (gone.length === 0) return [];
  const ids = new Set(gone.map((e) => e.id));
  const packs = [...new Set(gone.flatMap((e) => e.packs))];
  const tops = await Promise.all(packs.map((p) => store.indexRange(PACK + p, 0, ids.size + 1)));
  const headAfter = new Map<string, string | null>();
  const candidates = new Set<string>();
  packs.forEach((p, i) => {
    const top = tops[i] ?? [];
    const next = top.find((id) => !ids.has(id)) ?? null;
    headAfter.set(p, next);
    // Only a pack whose first entry left has a new first entry.
    if (next !== null && top[0] !== undefined && ids.has(top[0])) candidates.add(next);
  });
  const entries = await readEntries(store, [...candidates]);
  // The first entry of each of their other packs (untouched by the removal), all in one go.
  const others = [...new Set(entries.flatMap((e) => e.packs.filter((p) => !headAfter.has(p))))];
  const heads = await Promise.all(others.map((p) => store.indexRange(PACK + p, 0, 1)));
  others.forEach((p, i) => headAfter.set(p, heads[i]?.[0] ?? null));
  return entries
    .filter((e) => e.packs.every((p) => headAfter.get(p) === e.id))
    .map((e): TxOp => ({ op: 'index-add', index: FRONT, member: e.id, score: e.seq }));
}

/**
 * The legacy document's entries in this layout: ops that write them, and the meta that
 * follows. They queue behind whatever this layout holds already (numbered after it; first on
 * a pack only where nothing waits on it: `waitedOn`). Entries already here (by id) are left be.
 */
export function migrate(legacy: { seq: number; entries: QueueEntry[] }, meta: Meta, present: ReadonlySet<string>, waitedOn: ReadonlySet<string>): { ops: TxOp[]; meta: Meta } {
  const ops: TxOp[] = [];
  const next: Meta = { v: meta.v + 1, seq: meta.seq + legacy.seq, active: [...meta.active] };
  const claimed = new Set(waitedOn);
  for (const old of [...legacy.entries].sort((a, b) => a.seq - b.seq)) {
    if (present.has(old.id)) continue;
    const e = { ...old, seq: old.seq + meta.seq };
    ops.push({ op: 'set', key: ENTRY + e.id, value: JSON.stringify(e) });
    if (e.state === 'waiting') {
      // First on each of its packs among the waiting ones moved here (this layout held none of them).
      const front = e.packs.every((p) => !claimed.has(p));
      ops.push(...index(e, front));
    } else {
      next.active.push({ id: e.id, packs: e.packs });
    }
    if (e.state === 'waiting') for (const p of e.packs) claimed.add(p);
  }
  return { ops, meta: next };
}

/**
 * An earlier version's whole-queue document, if any, moves into this layout (once, before
 * this process's first change). Written in one transaction, so a crash leaves it where it was.
 */
export async function moveLegacy(store: StateStore, attempt: <R>(decide: () => Promise<Decision<R>>) => Promise<R>): Promise<void> {
  await attempt(async () => {
    const [legacy = null, metaRaw = null] = await store.getMany([LEGACY, META]);
    if (!legacy) return { result: undefined };
    const doc = JSON.parse(legacy) as { seq: number; entries: QueueEntry[] };
    const present = new Set((await readEntries(store, doc.entries.map((e) => e.id))).map((e) => e.id));
    const packs = [...new Set(doc.entries.flatMap((e) => e.packs))];
    const sizes = await Promise.all(packs.map((p) => store.indexSize(PACK + p)));
    const moved = migrate(doc, parseMeta(metaRaw), present, new Set(packs.filter((_, i) => (sizes[i] ?? 0) > 0)));
    return {
      result: undefined,
      checks: [{ key: LEGACY, expected: legacy }, { key: META, expected: metaRaw }],
      ops: [...moved.ops, { op: 'set', key: META, value: JSON.stringify(moved.meta) }, { op: 'del', key: LEGACY }],
    };
  });
}
