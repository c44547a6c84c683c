import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmbeddedJobRunner } from '../../src/domain/jobs/embedded.js';
import { lockTimes } from '../../src/domain/jobs/bullmq.js';
import type { StateStore } from '../../src/domain/store/index.js';
import { holdTurn, isTurnLost, turnLeaseMs } from '../../src/services/coord/fence.js';
import { createQueue, type Queue, type QueueEntry } from '../../src/services/coord/queue.js';
import { scaled } from '../helpers/budget.js';
import { STORE_BACKENDS } from '../helpers/stores.js';

/** Collects the warnings a fence logs. */
function warnings() {
  const seen: string[] = [];
  return { seen, warn: (_obj: object, msg: string) => void seen.push(msg) };
}

/** A request promoted to ready, as the coordinator leaves it for a worker. */
async function readyEntry(queue: Queue, id: string): Promise<void> {
  await queue.enqueue({ id, packs: ['alpha'], requester: 'console:alice', summary: 'alpha' });
  expect((await queue.promote()).map((e) => e.id)).toEqual([id]);
}

describe.each(STORE_BACKENDS)('deploy turn fences over the %s store', (_name, open) => {
  const stores: StateStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) {
      for (const key of await s.keys('')) await s.delete(key);
      await s.close();
    }
  });
  const opened = async () => {
    const store = await open();
    stores.push(store);
    return store;
  };

  it('numbers each start, and a takeover after the lease stops the worker that had it at its next check', async () => {
    // Two workers' views of one queue: the first never beats (frozen), the second takes over.
    const queue = createQueue(await opened(), { concurrency: 2, leaseMs: 50 });
    await readyEntry(queue, 'r1');
    const first = await queue.start('r1');
    expect(first).toMatchObject({ state: 'running', fence: 1 });
    const log = warnings();
    const frozen = holdTurn(first!, { queue, logger: log, leaseMs: 0, deployId: 'r1' });
    await frozen.check('before anything');
    expect(await queue.start('r1')).toBeNull(); // no resume: a running entry is not started twice

    const taken = await queue.start('r1', true);
    expect(taken).toMatchObject({ state: 'running', fence: 2 });
    const second = holdTurn(taken!, { queue, logger: warnings(), leaseMs: 0 });
    expect(second.takenOver).toBe(true);

    const err = await frozen.check('the register hook').then(() => null, (e: unknown) => e);
    expect(isTurnLost(err)).toBe(true);
    expect(frozen.lost).toBe(true);
    expect(frozen.signal.aborted).toBe(true);
    expect(log.seen).toEqual([expect.stringMatching(/lost the deploy turn/)]);
    await expect(frozen.check('the summary')).rejects.toThrow(/taken over/);

    // The old worker's finish leaves the entry (and its packs) to the new one.
    expect(await queue.finish('r1', frozen.fence)).toBeNull();
    expect(await queue.get('r1')).toMatchObject({ state: 'running', fence: 2 });
    await second.check('the history record');
    expect(await queue.finish('r1', second.fence)).toMatchObject({ id: 'r1' });
    expect(await queue.get('r1')).toBeNull();
  });

  it('waits out a worker that keeps beating, and takes nothing once it has finished', async () => {
    const store = await opened();
    // Long enough for one store write on a loaded machine: the live worker beats right after
    // each look (below), so the takeover's next look, a lease later, sees the beat moved.
    const leaseMs = scaled(1_000);
    const queue = createQueue(store, { concurrency: 2, leaseMs });
    await readyEntry(queue, 'r2');
    const entry = (await queue.start('r2')) as QueueEntry;
    const alive = holdTurn(entry, { queue, logger: warnings(), leaseMs });
    // The retrying worker's view of the store tells each time it looks at the entry again.
    const looks = new EventEmitter();
    const watched = new Proxy(store, {
      get(target, key, receiver) {
        if (key !== 'get') return Reflect.get(target, key, receiver) as unknown;
        return async (k: string) => {
          const value = await target.get(k);
          if (k === 'queue-entry:r2') looks.emit('look');
          return value;
        };
      },
    });
    const takeover = createQueue(watched, { concurrency: 2, leaseMs }).start('r2', true);
    // Four looks are three whole leases: only its beats kept the turn its own.
    const beats: Promise<void>[] = [];
    await new Promise<void>((resolve) => {
      let n = 0;
      looks.on('look', () => {
        beats.push(alive.check(`a beat after look ${n + 1}`));
        if (++n < 4) return;
        // Its turn ends here: later looks (the takeover finding it gone) get no beat.
        looks.removeAllListeners('look');
        resolve();
      });
    });
    await Promise.all(beats);
    await alive.check('after three leases');
    alive.end();
    expect(await queue.finish('r2', alive.fence)).toMatchObject({ id: 'r2' });
    expect(await takeover).toBeNull();
    expect(alive.lost).toBe(false);
  });

  it('on the embedded job runner, a turn left running by a dead process is resumed as attempt 2 under a new fence', async () => {
    const store = await opened();
    const queue = createQueue(store, { concurrency: 2 });
    await readyEntry(queue, 'r3');
    // The process that died had started it: fence 1, and its job marked running.
    const dead = holdTurn((await queue.start('r3'))!, { queue, logger: warnings(), leaseMs: 0 });
    await store.set('job:turn-r3', JSON.stringify({ name: 'deploy-turn', data: { id: 'r3' }, at: Date.now(), state: 'running', attempt: 1 }));

    const runner = createEmbeddedJobRunner({ store, logger: { warn: () => undefined, error: () => undefined } });
    const ran = new Promise<{ attempt: number; entry: QueueEntry | null }>((resolve) => {
      runner.handle('deploy-turn', async (data, info) => {
        const entry = await queue.start((data as { id: string }).id, info.attempt > 1);
        if (entry) {
          const turn = holdTurn(entry, { queue, logger: warnings(), leaseMs: 0 });
          await turn.check('the deploy');
          await queue.finish(entry.id, turn.fence);
        }
        resolve({ attempt: info.attempt, entry });
      });
    });
    await runner.start();
    const { attempt, entry } = await ran;
    await runner.stop();
    expect(attempt).toBe(2);
    expect(entry).toMatchObject({ fence: 2 });
    await expect(dead.check('anything')).rejects.toThrow(/taken over/);
  });
});

describe('how long a dead worker goes unnoticed', () => {
  it.each([2_000, 3_000, 30_000, 600_000])('BullMQ lock + stalled check + the turn lease stay within stall_timeout %i ms', (stall) => {
    const { lockDuration, stalledInterval } = lockTimes(stall);
    const lease = turnLeaseMs({ store: { kind: 'redis', url: 'redis://x', prefix: 'p:' }, queue: { stall_timeout: stall } } as Parameters<typeof turnLeaseMs>[0]);
    // Configuration arithmetic, not a measured time: the bound the README promises follows from these settings.
    expect(lockDuration + stalledInterval + lease).toBeLessThanOrEqual(stall);
    expect(Math.min(lockDuration, stalledInterval, lease)).toBeGreaterThan(0);
  });
});
