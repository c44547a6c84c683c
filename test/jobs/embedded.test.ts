import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createJobRunner, type JobRunner } from '../../src/domain/jobs/index.js';
import { createStateStore, type StateStore } from '../../src/domain/store/index.js';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/git-repo.js';
import { captureLogger, firstJsonLine, jobRunnerConformance, killHard, recorder, spawnNode, waitFor } from './conformance.js';

const openStore = (stateDir: string) => createStateStore({ kind: 'embedded' }, { stateDir });

jobRunnerConformance('embedded', async (logger) => {
  const stateDir = await tempDir('packbot-jobs-');
  let store = await openStore(stateDir);
  let runner = await createJobRunner({ kind: 'embedded' }, { store, prefix: '', logger });
  return {
    runner,
    async restart() {
      await runner.stop();
      await store.close();
      store = await openStore(stateDir);
      runner = await createJobRunner({ kind: 'embedded' }, { store, prefix: '', logger });
      return runner;
    },
    async dispose() {
      await runner.stop();
      await store.close();
    },
  };
});

interface Started {
  id: string;
  attempt: number;
  data: unknown;
}

/**
 * A packbot process whose `slow` handler announces itself and never returns; with `runJob`
 * it also adds the job, otherwise it only resumes what the store holds.
 */
function packbotChild(stateDir: string, runJob: boolean) {
  const mod = (p: string) => JSON.stringify(path.join(ROOT, 'dist', 'src', 'domain', p));
  return spawnNode(`
    const { createStateStore } = await import(${mod('store/index.js')});
    const { createJobRunner } = await import(${mod('jobs/index.js')});
    const store = await createStateStore({ kind: 'embedded' }, { stateDir: ${JSON.stringify(stateDir)} });
    const runner = await createJobRunner({ kind: 'embedded' }, { store, prefix: '' });
    setInterval(() => {}, 60_000);
    runner.handle('slow', async (data, info) => {
      process.stdout.write(JSON.stringify({ id: info.id, attempt: info.attempt, data }) + '\\n');
      await new Promise(() => {});
    });
    await runner.start();
    if (${runJob}) await runner.run('slow', 'crashy', { n: 7 });
  `);
}

/** Starts a child, waits until its handler runs, and SIGKILLs it mid-job. */
async function crashMidJob(stateDir: string, runJob: boolean): Promise<Started> {
  const child = packbotChild(stateDir, runJob);
  try {
    return await firstJsonLine<Started>(child);
  } finally {
    await killHard(child);
  }
}

describe('embedded job runner', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  const open = async (stateDir: string, logger = captureLogger().logger): Promise<{ store: StateStore; runner: JobRunner }> => {
    const store = await openStore(stateDir);
    const runner = await createJobRunner({ kind: 'embedded' }, { store, prefix: '', logger });
    cleanup.push(async () => {
      await runner.stop();
      await store.close();
    });
    return { store, runner };
  };

  it('runs a job again, as attempt 2, after its process was SIGKILLed mid-run', async () => {
    const stateDir = await tempDir('packbot-jobs-');
    expect(await crashMidJob(stateDir, true)).toEqual({ id: 'crashy', attempt: 1, data: { n: 7 } });

    const { store, runner } = await open(stateDir);
    expect(JSON.parse((await store.get('job:crashy')) ?? 'null')).toMatchObject({ name: 'slow', state: 'running', attempt: 1 });
    const rec = recorder();
    runner.handle('slow', rec.handler);
    runner.onFailed(rec.onFailed);
    await runner.start();
    await waitFor('the re-run', () => rec.calls.length === 1);
    expect(rec.calls[0]?.info).toEqual({ id: 'crashy', name: 'slow', attempt: 2 });
    expect(rec.calls[0]?.data).toEqual({ n: 7 });
    await runner.stop();
    expect(await store.get('job:crashy')).toBeNull();
    expect(rec.failed).toEqual([]);
  });

  it('reports a job cut off maxAttempts times to onFailed, once, without running it', async () => {
    const stateDir = await tempDir('packbot-jobs-');
    expect((await crashMidJob(stateDir, true)).attempt).toBe(1);
    // The second process resumes the job (attempt 2) and dies in it too.
    expect(await crashMidJob(stateDir, false)).toEqual({ id: 'crashy', attempt: 2, data: { n: 7 } });

    const { store, runner } = await open(stateDir);
    const rec = recorder();
    runner.handle('slow', rec.handler);
    runner.onFailed(rec.onFailed);
    await runner.start();
    await waitFor('onFailed', () => rec.failed.length === 1);
    await runner.stop();
    expect(rec.failed).toEqual([{ id: 'crashy', name: 'slow', data: { n: 7 }, reason: expect.stringContaining('2 times') }]);
    expect(rec.calls).toEqual([]);
    expect(await store.get('job:crashy')).toBeNull();

    // Reported once: a later start finds nothing.
    await runner.start();
    await runner.stop();
    expect(rec.failed).toHaveLength(1);
  });

  it('leaves jobs with no handler (and unreadable records) in the store, and logs them', async () => {
    const stateDir = await tempDir('packbot-jobs-');
    const log = captureLogger();
    const { store, runner } = await open(stateDir, log.logger);
    const ghost = JSON.stringify({ name: 'ghost', data: 1, at: Date.now() - 1000, state: 'scheduled', attempt: 1 });
    const crashedGhost = JSON.stringify({ name: 'ghost', data: 2, at: Date.now() - 1000, state: 'running', attempt: 2 });
    await store.set('job:ghost-1', ghost);
    await store.set('job:ghost-2', crashedGhost);
    await store.set('job:garbage', '{not json');
    const rec = recorder();
    runner.handle('known', rec.handler);
    runner.onFailed(rec.onFailed);
    await runner.start();
    await runner.run('known', 'k1', null);
    await waitFor('the known job', () => rec.calls.length === 1);
    await runner.stop();
    expect(await store.getMany(['job:ghost-1', 'job:ghost-2', 'job:garbage'])).toEqual([ghost, crashedGhost, '{not json']);
    expect(rec.failed).toEqual([]);
    const warned = log.lines.filter((l) => l.level === 'warn').map((l) => l.obj);
    expect(warned).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ job: 'ghost-1', name: 'ghost' }),
        expect.objectContaining({ job: 'ghost-2', name: 'ghost' }),
        expect.objectContaining({ job: 'garbage' }),
      ]),
    );
    expect((await runner.pending()).map((j) => j.id)).toEqual(['ghost-1']);
  });
});
