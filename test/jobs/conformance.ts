/**
 * One behaviour for every JobRunner: the coordination layer is written once over the
 * interface, so each runner must pass exactly this suite. Real time throughout, with short
 * delays; assertions are about what ran, in which order and never-early, never about speed.
 */
import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobLogger } from '../../src/domain/jobs/index.js';
import type { FailedJob, JobInfo, JobRunner } from '../../src/domain/jobs/types.js';
import { scaled } from '../helpers/budget.js';

export interface RunnerHarness {
  /** A runner on fresh state, not started. */
  runner: JobRunner;
  /** Stop the runner, close what it stands on, reopen it on the same state: a new runner, not started. */
  restart(): Promise<JobRunner>;
  /** Stop everything and remove what the test left. */
  dispose(): Promise<void>;
}

export { sleep };

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = scaled(15_000)): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export type Call = { data: unknown; info: JobInfo; at: number };

/** Records every handler call, and can hold handlers until released. */
export function recorder() {
  const calls: Call[] = [];
  const failed: FailedJob[] = [];
  let release: () => void = () => undefined;
  let gate: Promise<void> | null = null;
  return {
    calls,
    failed,
    handler: async (data: unknown, info: JobInfo) => {
      calls.push({ data, info, at: Date.now() });
      if (gate) await gate;
    },
    onFailed: async (job: FailedJob) => void failed.push(job),
    hold() {
      gate = new Promise((r) => (release = r));
    },
    release() {
      gate = null;
      release();
    },
    ids: () => calls.map((c) => c.info.id),
  };
}

export function captureLogger() {
  const lines: Array<{ level: 'warn' | 'error'; msg: string; obj: object }> = [];
  const logger: JobLogger = {
    warn: (obj, msg) => void lines.push({ level: 'warn', msg, obj }),
    error: (obj, msg) => void lines.push({ level: 'error', msg, obj }),
  };
  return { lines, logger };
}

// Timers may round a millisecond or two against Date.now(): never-early allows that much.
const SLACK = 20;

export function jobRunnerConformance(name: string, make: (logger: JobLogger) => Promise<RunnerHarness>): void {
  describe(`JobRunner conformance: ${name}`, () => {
    const open: RunnerHarness[] = [];
    const setup = async () => {
      const log = captureLogger();
      const h = await make(log.logger);
      open.push(h);
      return { ...h, log };
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((h) => h.dispose()));
    });

    it('runs a job once, with its data, id, name and attempt 1', async () => {
      const { runner } = await setup();
      const rec = recorder();
      runner.handle('greet', rec.handler);
      runner.onFailed(rec.onFailed);
      await runner.start();
      await runner.run('greet', 'hello-1', { who: 'alice', n: [1, 2] });
      await waitFor('the job', () => rec.calls.length === 1);
      await sleep(300);
      expect(rec.calls).toHaveLength(1);
      expect(rec.calls[0]?.data).toEqual({ who: 'alice', n: [1, 2] });
      expect(rec.calls[0]?.info).toEqual({ id: 'hello-1', name: 'greet', attempt: 1 });
      expect(await runner.pending()).toEqual([]);
      expect(rec.failed).toEqual([]);
    });

    it('ignores a duplicate id while pending or running, and accepts it again once done', async () => {
      const { runner } = await setup();
      const rec = recorder();
      runner.handle('work', rec.handler);
      // Pending: before start nothing runs, so the first run() is still waiting.
      await runner.run('work', 'dup', { v: 1 });
      await runner.run('work', 'dup', { v: 2 });
      expect((await runner.pending()).map((j) => j.id)).toEqual(['dup']);
      rec.hold();
      await runner.start();
      await waitFor('the first run', () => rec.calls.length === 1);
      // Running: neither run() nor schedule() touches it.
      await runner.run('work', 'dup', { v: 3 });
      await runner.schedule('work', 'dup', { v: 4 }, Date.now() + 50);
      expect(await runner.cancel('dup')).toBe(false);
      await sleep(250);
      expect(rec.calls.map((c) => c.data)).toEqual([{ v: 1 }]);
      rec.release();
      const isFive = (c: Call) => (c.data as { v: number }).v === 5;
      // Retried until accepted: the finished job's key is removed just after its handler returns.
      await waitFor('the id to be accepted again', async () => {
        if (rec.calls.some(isFive)) return true;
        await runner.run('work', 'dup', { v: 5 });
        return false;
      });
      expect(rec.calls.filter((c) => !isFive(c)).map((c) => c.data)).toEqual([{ v: 1 }]);
    });

    it('fires scheduled jobs in order and never early; an overdue one at once', async () => {
      const { runner } = await setup();
      const rec = recorder();
      runner.handle('tick', rec.handler);
      await runner.start();
      const base = Date.now();
      await runner.schedule('tick', 'late', 'L', base + 300);
      await runner.schedule('tick', 'soon', 'S', base + 100);
      await runner.schedule('tick', 'overdue', 'O', base - 60_000);
      await waitFor('all three', () => rec.calls.length === 3);
      const byId = new Map(rec.calls.map((c) => [c.info.id, c]));
      expect(rec.ids().indexOf('soon')).toBeLessThan(rec.ids().indexOf('late'));
      expect(byId.get('soon')?.at).toBeGreaterThanOrEqual(base + 100 - SLACK);
      expect(byId.get('late')?.at).toBeGreaterThanOrEqual(base + 300 - SLACK);
      expect(byId.get('overdue')?.data).toBe('O');
      expect(await runner.pending()).toEqual([]);
    });

    it('replaces a pending job scheduled again with the same id', async () => {
      const { runner } = await setup();
      const rec = recorder();
      runner.handle('remind', rec.handler);
      await runner.start();
      const base = Date.now();
      await runner.schedule('remind', 'later', { v: 1 }, base + 100);
      await runner.schedule('remind', 'later', { v: 2 }, base + 400);
      await runner.schedule('remind', 'sooner', { v: 1 }, base + 3_600_000);
      await runner.schedule('remind', 'sooner', { v: 2 }, base + 150);
      await waitFor('both', () => rec.calls.length === 2);
      await sleep(300);
      expect(rec.calls.map((c) => [c.info.id, c.data])).toEqual([
        ['sooner', { v: 2 }],
        ['later', { v: 2 }],
      ]);
      expect(rec.calls[1]?.at).toBeGreaterThanOrEqual(base + 400 - SLACK);
    });

    it('cancels a job that has not started, and says whether there was one', async () => {
      const { runner } = await setup();
      const rec = recorder();
      runner.handle('ping', rec.handler);
      await runner.start();
      await runner.schedule('ping', 'c1', null, Date.now() + 150);
      await runner.schedule('ping', 'c2', null, Date.now() + 150);
      expect(await runner.cancel('c1')).toBe(true);
      expect(await runner.cancel('c1')).toBe(false);
      expect(await runner.cancel('never-there')).toBe(false);
      expect(await runner.cancel('not a valid id')).toBe(false);
      await waitFor('c2', () => rec.calls.length === 1);
      await sleep(300);
      expect(rec.ids()).toEqual(['c2']);
      expect(await runner.cancel('c2')).toBe(false);
      expect(await runner.pending()).toEqual([]);
    });

    it('lists pending jobs soonest first, waiting ones (due now) before delayed ones', async () => {
      const { runner } = await setup();
      const base = Date.now();
      await runner.schedule('a', 'in-60s', 1, base + 60_000);
      await runner.schedule('b', 'in-30s', 2, base + 30_000);
      await runner.schedule('c', 'in-90s', 3, base + 90_000);
      await runner.run('d', 'now', 4);
      await runner.run('a', 'in-60s', 5); // already scheduled: a no-op
      const pending = await runner.pending();
      expect(pending.map((j) => [j.id, j.name])).toEqual([
        ['now', 'd'],
        ['in-30s', 'b'],
        ['in-60s', 'a'],
        ['in-90s', 'c'],
      ]);
      expect(pending.slice(1).map((j) => j.at)).toEqual([base + 30_000, base + 60_000, base + 90_000]);
      expect(pending[0]?.at).toBeLessThanOrEqual(Date.now());
    });

    it('does not fire a job beyond the 2^31-1 ms setTimeout limit early', async () => {
      const { runner } = await setup();
      const rec = recorder();
      runner.handle('far', rec.handler);
      await runner.start();
      const at = Date.now() + 2 ** 31 + 60_000;
      await runner.schedule('far', 'far-away', null, at);
      await sleep(300);
      expect(rec.calls).toEqual([]);
      expect(await runner.pending()).toEqual([{ id: 'far-away', name: 'far', at }]);
      expect(await runner.cancel('far-away')).toBe(true);
    });

    it('logs a throwing handler and does not retry it (nor report it as failed)', async () => {
      const { runner, log } = await setup();
      let calls = 0;
      const failed: FailedJob[] = [];
      runner.handle('boom', async () => {
        calls++;
        throw new Error('handler exploded');
      });
      runner.onFailed(async (job) => void failed.push(job));
      await runner.start();
      await runner.run('boom', 'b1', null);
      const logged = () => log.lines.filter((l) => l.level === 'error' && (l.obj as { err?: Error }).err?.message === 'handler exploded');
      await waitFor('the error to be logged', () => logged().length === 1);
      await sleep(500);
      expect(calls).toBe(1);
      expect(failed).toEqual([]);
      expect(logged()[0]?.obj).toMatchObject({ job: 'b1', name: 'boom' });
      // Finished, so the id is free again.
      await runner.run('boom', 'b1', null);
      await waitFor('the second run', () => calls === 2);
    });

    it('rejects ids outside JOB_ID_PATTERN, and takes digits-only ones (BullMQ itself refuses them)', async () => {
      const { runner } = await setup();
      for (const bad of ['has space', 'a:b', '']) await expect(runner.run('x', bad, null)).rejects.toThrow(/invalid job id/);
      await expect(runner.schedule('x', 'a:b', null, Date.now())).rejects.toThrow(/invalid job id/);
      await runner.run('x', '12345', null);
      expect((await runner.pending()).map((j) => j.id)).toEqual(['12345']);
    });

    it('stop() waits for a running handler', async () => {
      const { runner } = await setup();
      const rec = recorder();
      let finished = false;
      runner.handle('slow', async (data, info) => {
        await rec.handler(data, info);
        finished = true;
      });
      rec.hold();
      await runner.start();
      await runner.run('slow', 's1', null);
      await waitFor('the handler to start', () => rec.calls.length === 1);
      let stopped = false;
      const stopping = runner.stop().then(() => (stopped = true));
      await sleep(200); // long enough for a stop() that did not wait to have returned
      expect(stopped).toBe(false);
      rec.release();
      await stopping;
      expect(finished).toBe(true);
      await runner.stop(); // idempotent
    });

    it('keeps timers through a restart: one due while down runs at start, a later one on time', async () => {
      const h = await setup();
      const first = recorder();
      h.runner.handle('t', first.handler);
      await h.runner.start();
      const base = Date.now();
      await h.runner.schedule('t', 'while-down', 'D', base + 200);
      await h.runner.schedule('t', 'after-up', 'U', base + 1_500);
      const runner = await h.restart();
      await sleep(Math.max(0, base + 400 - Date.now()));
      const rec = recorder();
      runner.handle('t', rec.handler);
      await runner.start();
      await waitFor('both jobs', () => rec.calls.length === 2);
      expect(rec.ids()).toEqual(['while-down', 'after-up']);
      expect(rec.calls[1]?.at).toBeGreaterThanOrEqual(base + 1_500 - SLACK);
      expect(first.calls).toEqual([]);
    });
  });
}

/** A `node` child running an ES module script (tests run against the built dist/). */
export function spawnNode(script: string): ChildProcessByStdio<null, Readable, null> {
  return spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** Resolves with the child's first stdout line that parses as JSON. */
export function firstJsonLine<T>(child: ChildProcessByStdio<null, Readable, null>): Promise<T> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (d: Buffer) => {
      const lines = (buffer += d.toString()).split('\n');
      buffer = lines.pop() ?? '';
      const line = lines.find((l) => l.startsWith('{'));
      if (line === undefined) return;
      child.stdout.off('data', onData);
      resolve(JSON.parse(line) as T);
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the child exited (${code}) before printing`)));
  });
}

/** SIGKILL, as a crash would: no cleanup runs. Resolves once the process is gone (and reaped). */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}
