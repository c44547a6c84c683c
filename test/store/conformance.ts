/**
 * One behaviour for every StateStore backend: the coordination layer is written once over the
 * interface, so each backend must pass exactly this suite.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StateStore } from '../../src/domain/store/state.js';

export interface StoreHarness {
  store: StateStore;
  /** Move time: embedded through its injected clock, Redis by really waiting. */
  advance(ms: number): Promise<void>;
  /** The same state through a fresh instance (embedded: close + reopen from disk; Redis: a new client). */
  reopen?(): Promise<StateStore>;
}

const TTL = 150;

export function storeConformance(name: string, make: () => Promise<StoreHarness>): void {
  describe(`StateStore conformance: ${name}`, () => {
    const open: StateStore[] = [];
    const setup = async () => {
      const h = await make();
      open.push(h.store);
      const reopen = h.reopen;
      return {
        ...h,
        async reopen() {
          expect(reopen, 'the harness must support reopen').toBeDefined();
          const store = await reopen!();
          open.push(store);
          return store;
        },
      };
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    it('gets, sets, overwrites and deletes', async () => {
      const { store } = await setup();
      expect(await store.get('a')).toBeNull();
      await store.set('a', '1');
      expect(await store.get('a')).toBe('1');
      await store.set('a', 'two words ✓');
      expect(await store.get('a')).toBe('two words ✓');
      expect(await store.delete('a')).toBe(true);
      expect(await store.delete('a')).toBe(false);
      expect(await store.get('a')).toBeNull();
    });

    it('reads several keys at once, in order', async () => {
      const { store } = await setup();
      await store.set('x', '1');
      await store.set('z', '3');
      expect(await store.getMany([])).toEqual([]);
      expect(await store.getMany(['x', 'y', 'z', 'x'])).toEqual(['1', null, '3', '1']);
    });

    it('lets exactly one of 50 concurrent setIfAbsent callers win', async () => {
      const { store } = await setup();
      const wins = await Promise.all(Array.from({ length: 50 }, (_, i) => store.setIfAbsent('lock', `owner-${i}`)));
      const winners = wins.flatMap((won, i) => (won ? [i] : []));
      expect(winners).toHaveLength(1);
      expect(await store.get('lock')).toBe(`owner-${winners[0]}`);
      expect(await store.setIfAbsent('lock', 'late')).toBe(false);
    });

    it('compares and sets: create, swap, wrong expected, delete, expected-null on expired', async () => {
      const { store, advance } = await setup();
      expect(await store.compareAndSet('k', 'nope', 'v')).toBe(false);
      expect(await store.get('k')).toBeNull();
      expect(await store.compareAndSet('k', null, 'v1')).toBe(true);
      expect(await store.compareAndSet('k', null, 'again')).toBe(false);
      expect(await store.compareAndSet('k', 'v1', 'v2')).toBe(true);
      expect(await store.compareAndSet('k', 'v1', 'v3')).toBe(false);
      expect(await store.get('k')).toBe('v2');
      expect(await store.compareAndSet('k', 'v2', null)).toBe(true);
      expect(await store.get('k')).toBeNull();
      expect(await store.compareAndSet('k', null, null)).toBe(true);
      expect(await store.compareAndSet('gone', null, 'short', { ttlMs: TTL })).toBe(true);
      expect(await store.get('gone')).toBe('short');
      await advance(TTL * 2);
      expect(await store.compareAndSet('gone', 'short', 'x')).toBe(false);
      expect(await store.compareAndSet('gone', null, 'fresh')).toBe(true);
      expect(await store.get('gone')).toBe('fresh');
    });

    it('counts to exactly 50 with 50 concurrent compare-and-set retry loops', async () => {
      const { store } = await setup();
      const bump = async () => {
        for (;;) {
          const current = await store.get('counter');
          const n = current === null ? 0 : (JSON.parse(current) as { n: number }).n;
          if (await store.compareAndSet('counter', current, JSON.stringify({ n: n + 1 }))) return;
        }
      };
      await Promise.all(Array.from({ length: 50 }, bump));
      expect(JSON.parse((await store.get('counter')) ?? 'null')).toEqual({ n: 50 });
    });

    it('hides expired keys from get, getMany, keys and setIfAbsent', async () => {
      const { store, advance } = await setup();
      await store.set('t:short', 'a', { ttlMs: TTL });
      expect(await store.setIfAbsent('t:lease', 'first', { ttlMs: TTL })).toBe(true);
      await store.set('t:long', 'b', { ttlMs: 60_000 });
      await store.set('t:plain', 'c');
      expect(await store.get('t:short')).toBe('a');
      expect(await store.setIfAbsent('t:lease', 'second', { ttlMs: TTL })).toBe(false);
      await advance(TTL * 2);
      expect(await store.get('t:short')).toBeNull();
      expect(await store.getMany(['t:short', 't:long'])).toEqual([null, 'b']);
      expect(await store.keys('t:')).toEqual(['t:long', 't:plain']);
      expect(await store.delete('t:short')).toBe(false);
      expect(await store.setIfAbsent('t:lease', 'second')).toBe(true);
      expect(await store.get('t:lease')).toBe('second');
    });

    it('lists keys by literal prefix, sorted, and never lists', async () => {
      const { store } = await setup();
      for (const key of ['a*b[2', 'a*b[1', 'axb[3', 'a*bc', 'a*b[\\', 'b', 'a?b[4']) await store.set(key, '1');
      await store.append('a*b[list', 'x');
      expect(await store.keys('a*b[')).toEqual(['a*b[1', 'a*b[2', 'a*b[\\']);
      expect(await store.keys('a')).toEqual(['a*b[1', 'a*b[2', 'a*b[\\', 'a*bc', 'a?b[4', 'axb[3']);
      expect(await store.keys('nothing')).toEqual([]);
    });

    it('appends to a capped list and reads newest first', async () => {
      const { store } = await setup();
      expect(await store.recent('log', 10)).toEqual([]);
      for (const v of ['1', '2', '3', '4', '5']) await store.append('log', v, 3);
      expect(await store.recent('log', 10)).toEqual(['5', '4', '3']);
      expect(await store.recent('log', 2)).toEqual(['5', '4']);
      expect(await store.recent('log', 0)).toEqual([]);
      await store.append('other', 'x');
      expect(await store.recent('other', 5)).toEqual(['x']);
    });

    it('increments atomically: 100 parallel callers get 1..100', async () => {
      const { store } = await setup();
      const ids = await Promise.all(Array.from({ length: 100 }, () => store.increment('seq')));
      expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(await store.get('seq')).toBe('100');
    });

    it('keeps everything not expired through a reopen', async () => {
      const h = await setup();
      const { store } = h;
      await store.set('d:plain', 'p');
      await store.set('d:long', 'l', { ttlMs: 60_000 });
      await store.set('d:short', 's', { ttlMs: TTL });
      await store.set('d:deleted', 'x');
      await store.delete('d:deleted');
      await store.compareAndSet('d:cas', null, 'c1');
      await store.compareAndSet('d:cas', 'c1', 'c2');
      for (const v of ['1', '2', '3']) await store.append('d:list', v, 2);
      await store.increment('d:seq');
      await store.increment('d:seq');
      await h.advance(TTL * 2);
      const again = await h.reopen();
      expect(await again.keys('d:')).toEqual(['d:cas', 'd:long', 'd:plain', 'd:seq']);
      expect(await again.getMany(['d:plain', 'd:long', 'd:short', 'd:cas', 'd:seq'])).toEqual(['p', 'l', null, 'c2', '2']);
      expect(await again.recent('d:list', 10)).toEqual(['3', '2']);
      expect(await again.increment('d:seq')).toBe(3);
      expect(await again.setIfAbsent('d:long', 'taken')).toBe(false);
    });
  });
}
