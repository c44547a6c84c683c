import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyedMutex } from '../../src/core/keyed-mutex.js';

describe('KeyedMutex', () => {
  it('runs work on one key one at a time, in arrival order', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const job = (name: string, ms: number) => mutex.run(['a'], async () => {
      log.push(`${name} start`);
      await sleep(ms);
      log.push(`${name} end`);
      return name;
    });
    await expect(Promise.all([job('one', 20), job('two', 1)])).resolves.toEqual(['one', 'two']);
    expect(log).toEqual(['one start', 'one end', 'two start', 'two end']);
  });

  it('lets different keys run together', async () => {
    const mutex = new KeyedMutex();
    let running = 0;
    let most = 0;
    const job = (key: string) => mutex.run([key], async () => {
      most = Math.max(most, ++running);
      await sleep(10);
      running--;
    });
    await Promise.all([job('a'), job('b')]);
    expect(most).toBe(2);
  });

  it('never deadlocks runs over the same keys in different orders, and frees a key after a failure', async () => {
    const mutex = new KeyedMutex();
    const runs = [['a', 'b'], ['b', 'a'], ['b', 'a', 'a']].map((keys) => mutex.run(keys, () => sleep(5).then(() => keys.join())));
    await expect(Promise.all(runs)).resolves.toEqual(['a,b', 'b,a', 'b,a,a']);
    await expect(mutex.run(['a'], () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(mutex.run(['a'], async () => 'free')).resolves.toBe('free');
  });
});
