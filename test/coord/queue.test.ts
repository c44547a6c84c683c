import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createQueue, eligible, type QueueEntry } from '../../src/services/coord/queue.js';
import { createStateStore, type StateStore } from '../../src/domain/store/index.js';
import { tempDir } from '../helpers/git-repo.js';
import { REDIS_URL } from '../helpers/stores.js';


const entry = (seq: number, packs: string[], state: QueueEntry['state'] = 'waiting'): QueueEntry => ({
  id: `r${seq}`, seq, packs, requester: 'slack:A', summary: packs.join(','), enqueued_at: '2026-01-01T00:00:00.000Z', state,
});

describe('eligible (who may go next)', () => {
  it.each([
    ['one at a time per pack, in arrival order', [entry(1, ['a']), entry(2, ['a'])], 4, ['r1']],
    ['disjoint packs in parallel', [entry(1, ['a']), entry(2, ['b']), entry(3, ['c'])], 4, ['r1', 'r2', 'r3']],
    ['up to the concurrency', [entry(1, ['a']), entry(2, ['b']), entry(3, ['c'])], 2, ['r1', 'r2']],
    ['a running pack blocks its next request', [entry(1, ['a'], 'running'), entry(2, ['a']), entry(3, ['b'])], 4, ['r3']],
    ['a ready (confirming) request holds its packs', [entry(1, ['a'], 'ready'), entry(2, ['a', 'b']), entry(3, ['b'])], 4, []],
    ['a multi-pack request keeps its place: nobody overtakes it on its packs', [entry(1, ['a'], 'running'), entry(2, ['a', 'b']), entry(3, ['b']), entry(4, ['c'])], 4, ['r4']],
    ['running requests use up slots', [entry(1, ['a'], 'running'), entry(2, ['b'], 'running'), entry(3, ['c'])], 2, []],
  ])('%s', (_what, entries, concurrency, expected) => {
    expect(eligible(entries, concurrency).map((e) => e.id)).toEqual(expected);
  });
});

/** How each backend connects a second packbot instance to the same state. */
const backends: Array<[string, () => Promise<() => Promise<StateStore>>]> = [
  ['embedded', async () => {
    const store = await createStateStore({ kind: 'embedded' }, { stateDir: await tempDir('packbot-queue-') });
    return async () => store; // one process: every "instance" shares the one store
  }],
  ['redis', async () => {
    const prefix = `packbot-test:${randomUUID()}:`;
    return () => createStateStore({ kind: 'redis', url: REDIS_URL }, { stateDir: '/nonexistent', prefix });
  }],
];

describe.each(backends)('the deploy queue over the %s store', (_name, backend) => {
  const open: StateStore[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) {
      for (const key of await s.keys('queue').catch(() => [])) await s.delete(key).catch(() => false);
      await s.close().catch(() => undefined);
    }
  });
  const instance = async (connect: () => Promise<StateStore>, concurrency = 4, now?: () => Date) => {
    const store = await connect();
    open.push(store);
    return createQueue(store, { concurrency, ...(now ? { now } : {}) });
  };

  it('promotes in order, starts, finishes, and lets the next one through', async () => {
    const q = await instance(await backend());
    expect((await q.enqueue({ id: 'r1', packs: ['docker'], requester: 'slack:A', summary: 'docker' })).ahead).toBe(0);
    expect((await q.enqueue({ id: 'r2', packs: ['docker', 'sensu'], requester: 'slack:B', summary: 'docker,sensu' })).ahead).toBe(1);
    await q.enqueue({ id: 'r3', packs: ['sensu'], requester: 'slack:C', summary: 'sensu' });
    expect((await q.promote()).map((e) => e.id)).toEqual(['r1']);
    expect(await q.promote()).toEqual([]);
    expect(await q.start('r1')).toMatchObject({ id: 'r1', state: 'running' });
    expect(await q.start('r1')).toBeNull();
    expect(await q.start('r1', true)).toMatchObject({ id: 'r1', state: 'running' });
    await q.finish('r1');
    expect((await q.promote()).map((e) => e.id)).toEqual(['r2']);
    await q.finish('r2');
    expect((await q.promote()).map((e) => e.id)).toEqual(['r3']);
  });

  it('cancels only your own waiting request (admins: any), and expires old ones', async () => {
    let clock = new Date('2026-11-21T10:00:00.000Z');
    const q = await instance(await backend(), 4, () => clock);
    await q.enqueue({ id: 'r1', packs: ['a'], requester: 'slack:A', summary: 'a' });
    await q.enqueue({ id: 'r2', packs: ['a'], requester: 'slack:B', summary: 'a' });
    await expect(q.cancel('r2', 'slack:A', false)).rejects.toThrow("Request r2 is @B's; only they or an admin can cancel it.");
    await q.promote();
    await q.start('r1');
    await expect(q.cancel('r1', 'slack:A', false)).rejects.toThrow(/already running/);
    expect((await q.cancel('r2', 'slack:ADMIN', true)).id).toBe('r2');
    await expect(q.cancel('nope', 'slack:A', true)).rejects.toThrow(/no queued request "nope"/);
    await q.enqueue({ id: 'r3', packs: ['b'], requester: 'slack:C', summary: 'b' });
    clock = new Date('2026-11-22T10:00:00.001Z');
    expect((await q.expire(12 * 3_600_000)).map((e) => e.id)).toEqual(['r3']);
    expect((await q.list()).map((e) => e.id)).toEqual(['r1']);
  });

  it('keeps each payload apart from the index: handed back at promote, start and finish, gone afterwards', async () => {
    const connect = await backend();
    const q = await instance(connect);
    const store = open[0]!;
    await q.enqueue({ id: 'r1', packs: ['a'], requester: 'slack:A', summary: 'a', policy: 'always', payload: { deploy: 'a@main' } });
    expect(await q.list()).toEqual([expect.not.objectContaining({ payload: expect.anything() })]);
    expect(await q.get('r1')).toMatchObject({ policy: 'always', payload: { deploy: 'a@main' } });
    expect(await q.promote((e) => e.policy === 'always')).toEqual([expect.objectContaining({ id: 'r1', awaiting: 'confirmation', payload: { deploy: 'a@main' } })]);
    await q.confirmed('r1');
    expect(await q.start('r1')).toMatchObject({ payload: { deploy: 'a@main' } });
    expect(await q.finish('r1')).toMatchObject({ id: 'r1', payload: { deploy: 'a@main' } });
    expect(await q.finish('r1')).toBeNull();
    expect(await store.keys('queue-item:')).toEqual([]);
    await expect(q.enqueue({ id: 'r2', packs: [], requester: 'slack:A', summary: '' })).rejects.toThrow('at least one pack');
    await q.enqueue({ id: 'r2', packs: ['a'], requester: 'slack:A', summary: 'a' });
    await expect(q.enqueue({ id: 'r2', packs: ['a'], requester: 'slack:A', summary: 'a' })).rejects.toThrow('queue entry r2 exists already');
    expect(await q.get('r2')).toMatchObject({ id: 'r2', payload: null });
  });

  it('tidies payloads left behind by a crash, once they are old enough that no enqueue is still writing them', async () => {
    let clock = new Date('2026-11-21T10:00:00.000Z');
    const q = await instance(await backend(), 4, () => clock);
    const store = open[0]!;
    await store.set('queue-item:ghost', JSON.stringify({ at: clock.toISOString(), payload: {} }));
    await q.enqueue({ id: 'r1', packs: ['a'], requester: 'slack:A', summary: 'a', payload: 1 });
    expect(await q.tidy()).toBe(0);
    clock = new Date('2026-11-21T10:11:00.000Z');
    expect(await q.tidy()).toBe(1);
    expect(await store.keys('queue-item:')).toEqual(['queue-item:r1']);
  });

  it('a burst of 300 requests on two instances at once: every one queued, none refused, arrival order intact', async () => {
    const connect = await backend();
    const a = await instance(connect);
    const b = await instance(connect);
    const outcomes = await Promise.allSettled(Array.from({ length: 300 }, (_, i) => (i % 2 ? a : b).enqueue({
      id: `r${i}`, packs: [`p${i % 5}`], requester: 'slack:A', summary: `r${i}`, payload: { i },
    })));
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const entries = await a.list();
    expect(entries).toHaveLength(300);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    // `ahead` is how many on its pack came before it: 0, 1, 2, ... per pack.
    for (const pack of ['p0', 'p1', 'p2', 'p3', 'p4']) {
      expect(entries.filter((e) => e.packs[0] === pack).map((e) => e.ahead)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    }
  }, 60_000);

  it('two packbot instances working one queue: no pack runs twice at once, nothing lost or run twice', async () => {
    const connect = await backend();
    const a = await instance(connect, 3);
    const b = await instance(connect, 3);
    const packs = Array.from({ length: 10 }, (_, i) => `p${i}`);
    const ids = Array.from({ length: 60 }, (_, i) => `r${i}`);
    await Promise.all(ids.map((id, i) => (i % 2 ? a : b).enqueue({
      id, packs: i % 7 === 0 ? [packs[i % 10] ?? 'p0', packs[(i + 3) % 10] ?? 'p3'] : [packs[i % 10] ?? 'p0'], requester: 'slack:A', summary: id,
    })));
    const running = new Map<string, string>();
    const done: string[] = [];
    let maxParallel = 0;
    const worker = async (q: ReturnType<typeof createQueue>) => {
      for (let spins = 0; done.length < ids.length && spins < 5000; spins++) {
        const ready = await q.promote();
        if (ready.length === 0) await new Promise((r) => setTimeout(r, 2));
        await Promise.all(ready.map(async (e) => {
          expect(await q.start(e.id)).toMatchObject({ id: e.id });
          for (const p of e.packs) {
            expect(running.get(p), `pack ${p} runs twice`).toBeUndefined();
            running.set(p, e.id);
          }
          maxParallel = Math.max(maxParallel, new Set(running.values()).size);
          await new Promise((r) => setTimeout(r, 1));
          for (const p of e.packs) running.delete(p);
          done.push(e.id);
          await q.finish(e.id);
        }));
      }
    };
    await Promise.all([worker(a), worker(b)]);
    expect([...done].sort()).toEqual([...ids].sort());
    expect(new Set(done).size).toBe(ids.length);
    expect(maxParallel).toBeLessThanOrEqual(3);
    expect(await a.list()).toEqual([]);
  }, 60_000);
});
