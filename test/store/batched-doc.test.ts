import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createBatchedDoc } from '../../src/domain/store/batched-doc.js';
import { createStateStore, type StateStore } from '../../src/domain/store/index.js';
import { tempDir } from '../helpers/git-repo.js';
import { REDIS_URL } from '../helpers/stores.js';

interface Doc {
  n: number;
  items: string[];
}

/** Opens a store; a second call opens another connection to the same state (Redis) or the same store (embedded). */
const backends: Array<[string, () => Promise<() => Promise<StateStore>>]> = [
  ['embedded', async () => {
    const store = await createStateStore({ kind: 'embedded' }, { stateDir: await tempDir('packbot-doc-') });
    return async () => store;
  }],
  ['redis', async () => {
    const prefix = `packbot-test:${randomUUID()}:`;
    return () => createStateStore({ kind: 'redis', url: REDIS_URL }, { stateDir: '/nonexistent', prefix });
  }],
];

/** Counts compare-and-set calls on a real store, passing everything through. */
function counting(store: StateStore): StateStore & { writes: number } {
  const counted = Object.create(store) as StateStore & { writes: number };
  counted.writes = 0;
  counted.compareAndSet = (...args) => {
    counted.writes++;
    return store.compareAndSet(...args);
  };
  return counted;
}

const gaveUp = (cause: unknown) => new Error(`gave up: ${String(cause)}`);

describe.each(backends)('a batched document over the %s store', (_name, backend) => {
  const open: StateStore[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) {
      await s.delete('doc').catch(() => false);
      await s.close().catch(() => undefined);
    }
  });
  const connect = async (opener: () => Promise<StateStore>) => {
    const store = await opener();
    open.push(store);
    return store;
  };

  it('lands a burst of 300 changes from one process in a handful of writes, in order', async () => {
    const store = counting(await connect(await backend()));
    const doc = createBatchedDoc<Doc>(store, 'doc', { empty: () => ({ n: 0, items: [] }), gaveUp });
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => doc.update((d) => {
      d.items.push(`i${i}`);
      return ++d.n;
    })));
    expect(results).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect((await doc.read()).items).toEqual(Array.from({ length: 300 }, (_, i) => `i${i}`));
    expect(store.writes).toBeLessThanOrEqual(5);
  });

  it('rejects only the change that threw; the rest of its batch lands', async () => {
    const doc = createBatchedDoc<Doc>(await connect(await backend()), 'doc', { empty: () => ({ n: 0, items: [] }), gaveUp });
    const outcomes = await Promise.allSettled([
      doc.update((d) => d.items.push('a')),
      doc.update(() => {
        throw new Error('no such entry');
      }),
      doc.update((d) => d.items.push('b')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('no such entry'));
    expect((await doc.read()).items).toEqual(['a', 'b']);
  });

  it('two processes changing it at once: every change lands exactly once', async () => {
    const opener = await backend();
    const docs = [await connect(opener), await connect(opener)].map((s) => createBatchedDoc<Doc>(s, 'doc', { empty: () => ({ n: 0, items: [] }), gaveUp }));
    await Promise.all(Array.from({ length: 400 }, (_, i) => docs[i % 2]!.update((d) => {
      d.n++;
      d.items.push(`i${i}`);
    })));
    const final = await docs[0]!.read();
    expect(final.n).toBe(400);
    expect([...final.items].sort()).toEqual(Array.from({ length: 400 }, (_, i) => `i${i}`).sort());
  });

  it('while another writer keeps winning, an impatient change gives up and a patient one lands once it stops', async () => {
    const store = await connect(await backend());
    const doc = createBatchedDoc<Doc>(store, 'doc', { empty: () => ({ n: 0, items: [] }), gaveUp, patienceMs: 150 });
    let contested = true;
    let rivalWrites = 0;
    // Another writer's set, sent on the same connection between our read and our compare-and-set: ours always loses.
    const rival = () => {
      if (contested) void store.set('doc', JSON.stringify({ n: -1, items: [`rival${++rivalWrites}`] }));
    };
    const impatient = doc.update((d) => (rival(), d.items.push('impatient')));
    const patient = doc.update((d) => (rival(), d.items.push('patient')), { patienceMs: Infinity });
    await expect(impatient).rejects.toThrow(/^gave up: Error: doc kept changing under us$/);
    setTimeout(() => (contested = false), 200);
    await patient;
    expect(rivalWrites).toBeGreaterThan(3);
    expect((await doc.read()).items).toEqual([`rival${rivalWrites}`, 'patient']);
  });

  it('rejects at once when the store is closed, instead of retrying forever', async () => {
    const store = await connect(await backend());
    const doc = createBatchedDoc<Doc>(store, 'doc', { empty: () => ({ n: 0, items: [] }), gaveUp });
    await doc.update((d) => d.items.push('a'));
    await store.close();
    await expect(doc.update((d) => d.items.push('b'), { patienceMs: Infinity })).rejects.toThrow('the state store is closed');
  });
});
