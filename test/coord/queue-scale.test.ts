/**
 * The deploy queue at length: each operation touches the same few entries whether 10 or
 * 2,000 requests wait (counted in bytes moved to and from the store, not timed), the
 * scheduling rule holds when applied from the front only (checked against `eligible` over
 * the whole list, through a seeded random run), and a queue kept by an earlier version (one
 * whole-queue document) moves into this layout with nothing lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createQueue, eligible, type QueueEntry } from '../../src/services/coord/queue.js';
import type { StateStore } from '../../src/domain/store/state.js';
import { seededRandom, testSeed } from '../helpers/seed.js';
import { STORE_BACKENDS } from '../helpers/stores.js';

/** The store, counting the characters of every value, key and member that crosses to or from it. */
function metered(store: StateStore): { store: StateStore; moved: () => number } {
  let n = 0;
  const count = (...xs: unknown[]) => {
    for (const x of xs) n += JSON.stringify(x ?? null).length;
  };
  const wrap = <A extends unknown[], R>(f: (...a: A) => Promise<R>) => async (...a: A) => {
    const r = await f(...a);
    count(a, r);
    return r;
  };
  const s = store;
  return {
    moved: () => n,
    store: {
      get: wrap((k) => s.get(k)), getMany: wrap((k) => s.getMany(k)), set: wrap((k, v, o) => s.set(k, v, o)),
      setIfAbsent: wrap((k, v, o) => s.setIfAbsent(k, v, o)), compareAndSet: wrap((k, e, v, o) => s.compareAndSet(k, e, v, o)),
      delete: wrap((k) => s.delete(k)), keys: wrap((p) => s.keys(p)), append: wrap((l, v, m) => s.append(l, v, m)),
      recent: wrap((l, m) => s.recent(l, m)), increment: wrap((k) => s.increment(k)),
      indexRange: wrap((i, o, l) => s.indexRange(i, o, l)), indexSize: wrap((i) => s.indexSize(i)), transact: wrap((c, o) => s.transact(c, o)),
      close: () => s.close(),
    },
  };
}

const input = (id: string, packs: string[]) => ({ id, packs, requester: 'slack:A', summary: packs.join(','), payload: { id } });

describe.each(STORE_BACKENDS)('the deploy queue at length over the %s store', (_name, open) => {
  const stores: StateStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) {
      for (const key of await s.keys('queue').catch(() => [])) await s.delete(key).catch(() => false);
      await s.close().catch(() => undefined);
    }
  });

  /** Bytes one request's whole life moves (queued, promoted, started, finished) behind `waiting` others. */
  async function lifeBehind(waiting: number): Promise<number> {
    const raw = await open();
    stores.push(raw);
    const { store, moved } = metered(raw);
    const q = createQueue(store, { concurrency: 4 });
    // One running on `busy` holds every other request on it back.
    await q.enqueue(input('hold', ['busy']));
    await q.promote();
    await q.start('hold');
    for (let i = 0; i < waiting; i += 100) await Promise.all(Array.from({ length: Math.min(100, waiting - i) }, (_, j) => q.enqueue(input(`w${String(i + j).padStart(5, '0')}`, ['busy']))));
    const before = moved();
    await q.enqueue(input('mine', ['free']));
    expect((await q.promote()).map((e) => e.id)).toEqual(['mine']);
    await q.start('mine');
    await q.finish('mine');
    return moved() - before;
  }

  it('moves as many bytes for a request behind 2,000 others as behind 10', async () => {
    const few = await lifeBehind(10);
    const many = await lifeBehind(2000);
    expect(many).toBeLessThan(few * 1.5);
  }, 120_000);

  it('promotes exactly what the rule says over the whole list, through a seeded random run', async () => {
    const store = await open();
    stores.push(store);
    const seed = testSeed(20261203);
    const random = seededRandom(seed);
    const q = createQueue(store, { concurrency: 3 });
    const packs = ['a', 'b', 'c', 'd', 'e', 'f'];
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    for (let step = 0; step < 400; step++) {
      const r = random();
      const entries = await q.list();
      if (r < 0.4) {
        const mine = [...new Set([pick(packs), ...(random() < 0.3 ? [pick(packs)] : [])])];
        await q.enqueue(input(`r${step}`, mine));
      } else if (r < 0.65) {
        const expected = eligible(entries, 3).map((e) => e.id);
        expect((await q.promote()).map((e) => e.id), `seed ${seed}, step ${step}`).toEqual(expected);
      } else if (r < 0.9) {
        const active = entries.filter((e) => e.state !== 'waiting');
        if (active.length > 0) await q.finish(pick(active).id);
      } else {
        const waiting = entries.filter((e) => e.state === 'waiting');
        if (waiting.length > 0) await q.cancel(pick(waiting).id, 'slack:A', false);
      }
    }
    const all = await q.list();
    expect(await q.size()).toBe(all.length);
    expect(await q.active()).toEqual(all.filter((e) => e.state !== 'waiting'));
    expect((await q.list(2)).length).toBe(Math.min(all.length, all.filter((e) => e.state !== 'waiting').length + 2));
  }, 120_000);

  it('moves a queue kept by an earlier version (one document) into its own keys, nothing lost', async () => {
    const store = await open();
    stores.push(store);
    const at = new Date().toISOString();
    const entry = (seq: number, packs: string[], state: QueueEntry['state']): QueueEntry => ({
      id: `old${seq}`, seq, packs, requester: 'slack:A', summary: packs.join(','), enqueued_at: at, state,
    });
    const entries = [entry(1, ['a'], 'running'), entry(2, ['a'], 'waiting'), entry(3, ['a', 'b'], 'waiting'), entry(4, ['b'], 'waiting'), entry(5, ['c'], 'waiting')];
    await store.set('queue', JSON.stringify({ seq: 5, entries }));
    const q = createQueue(store, { concurrency: 4 });
    // Nobody overtakes on `a`, old3 holds `b` for old4; `c` is free.
    expect((await q.promote()).map((e) => e.id)).toEqual(['old5']);
    expect((await q.list()).map((e) => e.id)).toEqual(['old1', 'old2', 'old3', 'old4', 'old5']);
    expect(await store.get('queue')).toBeNull();
    await q.finish('old1');
    expect((await q.promote()).map((e) => e.id)).toEqual(['old2']);
    expect((await q.enqueue(input('new', ['c']))).entry.seq).toBe(6);
  });
});
