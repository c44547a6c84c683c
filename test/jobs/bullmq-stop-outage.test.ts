/**
 * A graceful stop of the BullMQ job runner while Redis is restarting, or gone for good, must
 * return (a supervisor should never need SIGKILL), after a running job got its chance to
 * finish, and without losing a queued job: that one stays in Redis for the next process.
 * Each test has a Redis of its own, killed and started again on the same port.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createBullJobRunner } from '../../src/domain/jobs/bullmq.js';
import type { JobRunner } from '../../src/domain/jobs/types.js';
import { scaled, within } from '../helpers/budget.js';
import { startOwnRedis, stopOwnRedises } from '../helpers/redis-server.js';
import { captureLogger, recorder, waitFor } from './conformance.js';

const PREFIX = 'packbot-test:';
// Failure bounds only (a hang), well above what a stop through an outage may take (a few
// reconnect delays and BullMQ's block watchdog); nothing here asserts on speed.
const STOP_BUDGET = scaled(60_000);
const TEST_BUDGET = scaled(120_000);
const UNAVAILABLE = /Redis is unavailable while stopping/;

const runners: JobRunner[] = [];
const clients: Redis[] = [];
afterEach(async () => {
  // A runner whose stop() hung is still stopping: don't wait for it again.
  await Promise.all(runners.splice(0).map((r) => within(scaled(5_000), 'cleanup stop', r.stop()).catch(() => undefined)));
  for (const client of clients.splice(0)) client.disconnect();
  await stopOwnRedises();
});

async function open(url: string) {
  const log = captureLogger();
  const runner = await createBullJobRunner({ url, prefix: PREFIX, logger: log.logger, connectTimeoutMs: 1_000 });
  runners.push(runner);
  return { runner, log };
}

/** Whether BullMQ still holds job `id` (waiting, active or delayed): finished jobs are removed. */
async function jobInRedis(url: string, id: string): Promise<boolean> {
  const admin = new Redis(url, { maxRetriesPerRequest: 1 });
  clients.push(admin);
  return (await admin.exists(`${PREFIX}bull:jobs:j-${id}`)) === 1;
}

/** Reconnect attempts the runner has logged as refused (Redis is down). */
const refusedCount = (log: ReturnType<typeof captureLogger>) => log.lines.filter((l) => /ECONNREFUSED/.test(String((l.obj as { err?: unknown }).err))).length;

describe('bullmq job runner stop() through a Redis outage', () => {
  it('returns when called while the worker reconnects after a Redis restart: the running job is recorded, a queued one kept', async () => {
    const redis = await startOwnRedis();
    const { runner, log } = await open(redis.url);
    const rec = recorder();
    rec.hold();
    runner.handle('work', rec.handler);
    await runner.start();
    await runner.run('work', 'busy', null);
    await waitFor('the job to start', () => rec.calls.length === 1);
    // Queued for later: a stop must leave it in Redis, not run or drop it.
    await runner.schedule('work', 'later', { n: 1 }, Date.now() + 3_600_000);

    await redis.restart();
    // Redis accepts connections again; the runner's clients are still in their retry delay.
    const stopping = runner.stop();
    rec.release();
    await within(STOP_BUDGET, 'stop() during the reconnect', stopping);

    // Redis was back: the running job's outcome was recorded, nothing was cut off.
    expect(log.lines.filter((l) => UNAVAILABLE.test(l.msg))).toEqual([]);
    expect(await jobInRedis(redis.url, 'busy')).toBe(false);
    const { runner: next } = await open(redis.url);
    expect((await next.pending()).map((j) => j.id)).toEqual(['later']);
    expect(rec.ids()).toEqual(['busy']);
  }, TEST_BUDGET);

  it('returns when Redis is gone for good, after the running job finished', async () => {
    const redis = await startOwnRedis();
    const { runner, log } = await open(redis.url);
    const order: string[] = [];
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    runner.handle('work', async () => {
      order.push('started');
      await held;
      order.push('handler done');
    });
    await runner.start();
    await runner.run('work', 'busy', null);
    await waitFor('the job to start', () => order.length === 1);

    await redis.kill();
    const stopping = runner.stop().then(() => void order.push('stopped'));
    // Released only once stop() has been at it through a few refused reconnects.
    const before = refusedCount(log);
    await waitFor('refused reconnects during stop()', () => refusedCount(log) >= before + 3, STOP_BUDGET);
    expect(order).toEqual(['started']);
    release();
    await within(STOP_BUDGET, 'stop() with Redis down', stopping);
    expect(order).toEqual(['started', 'handler done', 'stopped']);
  }, TEST_BUDGET);

  it('returns when Redis is gone for good and the runner is already reconnecting, with no job running', async () => {
    const redis = await startOwnRedis();
    const { runner, log } = await open(redis.url);
    await runner.start();
    await redis.kill();
    // Between reconnect attempts, the state BullMQ's own close() hangs in.
    await waitFor('a refused reconnect', () => refusedCount(log) > 0, STOP_BUDGET);
    await within(STOP_BUDGET, 'stop() with Redis down', runner.stop());
  }, TEST_BUDGET);
});
