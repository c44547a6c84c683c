import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { deadline, raceTimeout } from '../../src/core/timeout.js';

describe('raceTimeout', () => {
  it('gives the work its answer when it is in time', async () => {
    await expect(raceTimeout(Promise.resolve(7), 1000, () => 'late')).resolves.toBe(7);
    await expect(raceTimeout(Promise.reject(new Error('boom')), 1000, () => 'late')).rejects.toThrow('boom');
  });

  it('answers with onTimeout after the limit, or rejects with what it throws', async () => {
    const never = new Promise<number>(() => undefined);
    await expect(raceTimeout(never, 10, () => 'late' as const)).resolves.toBe('late');
    await expect(raceTimeout(never, 10, () => {
      throw new Error('too slow');
    })).rejects.toThrow('too slow');
  });

  it('leaves no unhandled rejection when the work fails after the limit', async () => {
    const work = sleep(30).then(() => {
      throw new Error('late failure');
    });
    await expect(raceTimeout(work, 5, () => 'late')).resolves.toBe('late');
    await sleep(50);
  });
});

describe('deadline', () => {
  it('aborts after the time and says it timed out', async () => {
    const limit = deadline(5);
    await sleep(30);
    expect(limit.signal.aborted).toBe(true);
    expect(limit.timedOut()).toBe(true);
  });

  it('tells an abort by hand from a timeout, and a cleared one never fires', async () => {
    const byHand = deadline(5);
    byHand.abort();
    byHand.clear();
    const cleared = deadline(5);
    cleared.clear();
    await sleep(30);
    expect([byHand.signal.aborted, byHand.timedOut()]).toEqual([true, false]);
    expect([cleared.signal.aborted, cleared.timedOut()]).toEqual([false, false]);
  });
});
