import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createBullJobRunner } from '../../src/domain/jobs/bullmq.js';
import { createJobRunner, type FailedJob, type JobRunner } from '../../src/domain/jobs/index.js';
import { createStateStore } from '../../src/domain/store/index.js';
import { escapeGlob } from '../../src/domain/store/redis.js';
import { ROOT } from '../helpers/cli.js';
import { dropRedisPrefix, expectUnreachableRedis, REDIS_URL } from '../helpers/stores.js';
import { captureLogger, firstJsonLine, jobRunnerConformance, killHard, recorder, sleep, spawnNode, waitFor } from './conformance.js';

// Never skipped: without a Redis these tests fail (CI starts one).
const prefixes: string[] = [];
function freshPrefix(): string {
  const prefix = `packbot-test:${randomUUID()}:`;
  prefixes.push(prefix);
  return prefix;
}

let admin: Redis | null = null;
afterAll(async () => {
  for (const prefix of prefixes) await dropRedisPrefix(prefix);
  await admin?.quit();
});

/**
 * The Redis keys under `prefix` that belong to one of the jobs `ids` (BullMQ names a job's
 * hash, lock and logs after its id). Finished jobs are removed (removeOnComplete, removeOnFail),
 * so once none is left the job is over for good: nothing can run, stall or fail it again, and
 * the test can check what happened without sleeping on it.
 */
async function jobKeys(prefix: string, ids: readonly string[]): Promise<string[]> {
  admin ??= new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000);
    cursor = next;
    found.push(...keys.filter((key) => key.slice(prefix.length).split(':').some((part) => ids.some((id) => part.endsWith(id)))));
  } while (cursor !== '0');
  return found;
}
const gone = (prefix: string, ids: readonly string[]) => async () => (await jobKeys(prefix, ids)).length === 0;

jobRunnerConformance('bullmq', async (logger) => {
  const prefix = freshPrefix();
  // The store is what createJobRunner is handed in the app; BullMQ keeps its own keys.
  const store = await createStateStore({ kind: 'redis', url: REDIS_URL }, { stateDir: '/nonexistent', prefix });
  const open = () => createJobRunner({ kind: 'redis', url: REDIS_URL }, { store, prefix, logger });
  let runner = await open();
  return {
    runner,
    async restart() {
      await runner.stop();
      runner = await open();
      return runner;
    },
    async dispose() {
      await runner.stop();
      await store.close();
    },
  };
});

const STALL_MS = 1_000;

interface Started {
  id: string;
  attempt: number;
}

/** Another packbot process on the same Redis prefix; its `slow` handler announces itself and hangs. */
function packbotChild(prefix: string) {
  const mod = (p: string) => JSON.stringify(path.join(ROOT, 'dist', 'src', 'domain', p));
  return spawnNode(`
    const { createStateStore } = await import(${mod('store/index.js')});
    const { createJobRunner } = await import(${mod('jobs/index.js')});
    const config = { kind: 'redis', url: ${JSON.stringify(REDIS_URL)} };
    const prefix = ${JSON.stringify(prefix)};
    const store = await createStateStore(config, { stateDir: '/nonexistent', prefix });
    const runner = await createJobRunner(config, { store, prefix, stallMs: ${STALL_MS} });
    runner.handle('slow', async (data, info) => {
      process.stdout.write(JSON.stringify({ id: info.id, attempt: info.attempt }) + '\\n');
      await new Promise(() => {});
    });
    await runner.start();
  `);
}

async function crashMidJob(child: ReturnType<typeof packbotChild>): Promise<Started> {
  try {
    return await firstJsonLine<Started>(child);
  } finally {
    await killHard(child);
  }
}

describe('bullmq job runner', () => {
  const runners: JobRunner[] = [];
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
  });
  const open = async (prefix: string, opts: { stallMs?: number; concurrency?: number } = {}) => {
    const runner = await createBullJobRunner({ url: REDIS_URL, prefix, logger: captureLogger().logger, ...opts });
    runners.push(runner);
    return runner;
  };

  it('runs each of 50 jobs exactly once across two runners on one prefix', async () => {
    const prefix = freshPrefix();
    const a = await open(prefix, { concurrency: 5 });
    const b = await open(prefix, { concurrency: 5 });
    const ranOn = new Map<string, string[]>();
    for (const [label, runner] of [['a', a], ['b', b]] as const) {
      runner.handle('work', async (_data, info) => {
        ranOn.set(info.id, [...(ranOn.get(info.id) ?? []), label]);
        await sleep(10);
      });
    }
    await Promise.all([a.start(), b.start()]);
    const ids = Array.from({ length: 50 }, (_, i) => `job-${i}`);
    // Each id added twice, once through each runner: the second add is a no-op.
    await Promise.all(ids.flatMap((id) => [a.run('work', id, null), b.run('work', id, null)]));
    await waitFor('all 50', () => ranOn.size === 50);
    // Every add has returned; once every job is done and removed, none can run again.
    await waitFor('all 50 done and removed', gone(prefix, ids));
    expect([...ranOn.keys()].sort()).toEqual([...ids].sort());
    expect([...ranOn.values()].filter((labels) => labels.length !== 1)).toEqual([]);
    expect(await a.pending()).toEqual([]);
  });

  it('runs a job again, as attempt 2, on the surviving runner after its process was SIGKILLed', async () => {
    const prefix = freshPrefix();
    const survivor = await open(prefix, { stallMs: STALL_MS });
    const rec = recorder();
    survivor.handle('slow', rec.handler);
    survivor.onFailed(rec.onFailed);
    const child = packbotChild(prefix);
    // Added before the survivor starts, so the child is the one that takes it.
    await survivor.run('slow', 'crashy', { n: 7 });
    expect(await crashMidJob(child)).toEqual({ id: 'crashy', attempt: 1 });
    expect(await survivor.pending()).toEqual([]);
    expect(await survivor.cancel('crashy')).toBe(false);
    expect(await jobKeys(prefix, ['crashy'])).not.toEqual([]);

    await survivor.start();
    await waitFor('the re-run', () => rec.calls.length === 1);
    expect(rec.calls[0]?.info).toEqual({ id: 'crashy', name: 'slow', attempt: 2 });
    expect(rec.calls[0]?.data).toEqual({ n: 7 });
    // Done and removed: no stalled check can put it back. stop() waits for any onFailed report.
    await waitFor('the re-run done and removed', gone(prefix, ['crashy']));
    await survivor.stop();
    expect(rec.calls).toHaveLength(1);
    expect(rec.failed).toEqual([]);
  });

  it('reports a job that stalled twice to onFailed exactly once across processes, without running it', async () => {
    const prefix = freshPrefix();
    const producer = await open(prefix, { stallMs: STALL_MS });
    await producer.run('slow', 'doomed', { n: 9 });
    expect(await crashMidJob(packbotChild(prefix))).toEqual({ id: 'doomed', attempt: 1 });
    // The second process finds it stalled, runs it again and dies in it too.
    expect(await crashMidJob(packbotChild(prefix))).toEqual({ id: 'doomed', attempt: 2 });
    expect(await jobKeys(prefix, ['doomed'])).not.toEqual([]);

    const failed: Array<[string, FailedJob]> = [];
    const rec = recorder();
    const survivors = [await open(prefix, { stallMs: STALL_MS }), await open(prefix, { stallMs: STALL_MS })];
    survivors.forEach((runner, i) => {
      runner.handle('slow', rec.handler);
      runner.onFailed(async (job) => void failed.push([`survivor-${i}`, job]));
    });
    await Promise.all(survivors.map((r) => r.start()));
    await waitFor('onFailed', () => failed.length > 0);
    // Failed and removed (removeOnFail): no process can find it to run or fail it again.
    await waitFor('the failed job removed', gone(prefix, ['doomed']));
    expect(failed).toHaveLength(1);
    expect(failed[0]?.[1]).toEqual({ id: 'doomed', name: 'slow', data: { n: 9 }, reason: expect.stringContaining('2 times') });
    expect(rec.calls).toEqual([]);
    // Gone from Redis: the id can be used again.
    await producer.run('slow', 'doomed', { n: 10 });
    await waitFor('the reused id', () => rec.calls.length === 1);
    expect(rec.calls[0]?.info).toEqual({ id: 'doomed', name: 'slow', attempt: 1 });
    // Stopped, both survivors have delivered every onFailed report they ever will.
    await Promise.all(survivors.map((r) => r.stop()));
    expect(failed).toHaveLength(1);
  });

  it('fails with store_unavailable, without the password, when Redis cannot be reached', async () => {
    const message = await expectUnreachableRedis(createBullJobRunner({ url: 'redis://packbot:s3cret-pass@127.0.0.1:1/0', prefix: 'packbot:' }), 's3cret-pass');
    expect(message).toContain('check store.url');
  });

  it('keeps runners with different prefixes apart', async () => {
    const a = await open(freshPrefix());
    const b = await open(freshPrefix());
    const rec = recorder();
    b.handle('x', rec.handler);
    await b.start();
    await a.schedule('x', 'only-in-a', null, Date.now() + 60_000);
    await a.run('x', 'run-in-a', null);
    expect(await b.pending()).toEqual([]);
    expect((await a.pending()).map((j) => j.id)).toEqual(['run-in-a', 'only-in-a']);
    // b's worker is live (it runs its own job) and never took a's, queued before it.
    await b.run('x', 'run-in-b', null);
    await waitFor('b to run its own job', () => rec.calls.length > 0);
    expect(rec.ids()).toEqual(['run-in-b']);
    expect((await a.pending()).map((j) => j.id)).toEqual(['run-in-a', 'only-in-a']);
  });
});
