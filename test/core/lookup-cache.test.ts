import { describe, expect, it } from 'vitest';
import { LookupCache, LookupTimeoutError } from '../../src/core/lookup-cache.js';

function setup(load: (key: string) => Promise<string | null>, opts: { maxEntries?: number; timeoutMs?: number } = {}) {
  let t = 1_000;
  const loads: string[] = [];
  const failures: unknown[] = [];
  const cache = new LookupCache<string>({
    load: (key) => {
      loads.push(key);
      return load(key);
    },
    ttlMs: 10_000, failureTtlMs: 1_000, maxEntries: opts.maxEntries ?? 100, timeoutMs: opts.timeoutMs ?? 60_000,
    now: () => t, onFailure: (_key, err) => failures.push(err),
  });
  return { cache, loads, failures, advance: (ms: number) => void (t += ms) };
}

describe('LookupCache', () => {
  it('shares one lookup among concurrent callers, and keeps its answer for the TTL', async () => {
    let release: (v: string) => void = () => undefined;
    const { cache, loads, advance } = setup(() => new Promise((resolve) => (release = resolve)));
    const many = Promise.all([cache.get('U1'), cache.get('U1'), cache.get('U1')]);
    release('Alice');
    expect(await many).toEqual(['Alice', 'Alice', 'Alice']);
    expect(await cache.get('U1')).toBe('Alice');
    expect(loads).toEqual(['U1']);
    advance(10_001);
    const again = cache.get('U1');
    release('Alice L');
    expect(await again).toBe('Alice L');
    expect(loads).toEqual(['U1', 'U1']);
  });

  it('remembers a failure as null for the shorter failure TTL, and never throws', async () => {
    const { cache, loads, failures, advance } = setup(async () => {
      throw new Error('missing_scope');
    });
    expect(await cache.get('U1')).toBeNull();
    expect(await cache.get('U1')).toBeNull();
    expect(loads).toHaveLength(1);
    expect(failures).toHaveLength(1);
    advance(1_001);
    expect(await cache.get('U1')).toBeNull();
    expect(loads).toHaveLength(2);
  });

  it('holds at most maxEntries, dropping the least recently used', async () => {
    const { cache, loads } = setup(async (key) => key.toLowerCase(), { maxEntries: 2 });
    await cache.get('A');
    await cache.get('B');
    await cache.get('A'); // A is now the most recently used
    await cache.get('C'); // pushes B out
    expect(cache.size).toBe(2);
    await cache.get('A');
    await cache.get('B');
    expect(loads).toEqual(['A', 'B', 'C', 'B']);
  });

  it('counts a lookup with no answer in time as failed', async () => {
    const { cache, failures } = setup(() => new Promise(() => undefined), { timeoutMs: 1 });
    expect(await cache.get('U1')).toBeNull();
    expect(failures[0]).toBeInstanceOf(LookupTimeoutError);
  });
});
