import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPackbotError } from '../../src/core/errors.js';
import { openEmbeddedStore } from '../../src/domain/store/embedded.js';
import { decodeSnapshot } from '../../src/domain/store/journal-format.js';
import { createStateStore } from '../../src/domain/store/index.js';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/git-repo.js';
import { seededRandom, testSeed } from '../helpers/seed.js';
import { storeConformance } from './conformance.js';

storeConformance('embedded', async () => {
  const stateDir = await tempDir('packbot-store-');
  let clock = Date.now();
  const now = () => clock;
  let current = await createStateStore({ kind: 'embedded' }, { stateDir, now });
  return {
    store: current,
    advance: async (ms) => {
      clock += ms;
    },
    async reopen() {
      await current.close();
      current = await createStateStore({ kind: 'embedded' }, { stateDir, now });
      return current;
    },
  };
});

const journal = (stateDir: string) => path.join(stateDir, 'state', 'journal.jsonl');
const lineCount = async (file: string) => (await readFile(file, 'utf8')).split('\n').filter(Boolean).length;

/**
 * A child process writing keys as fast as it can, printing each one only after its promise
 * resolved (stdout to a pipe is synchronous, so a printed key reached us before any kill).
 */
function writer(stateDir: string, module: 'index' | 'embedded') {
  const open =
    module === 'index'
      ? `(await import(${JSON.stringify(path.join(ROOT, 'dist/src/domain/store/index.js'))})).createStateStore({ kind: 'embedded' }, { stateDir: ${JSON.stringify(stateDir)} })`
      : `(await import(${JSON.stringify(path.join(ROOT, 'dist/src/domain/store/embedded.js'))})).openEmbeddedStore({ stateDir: ${JSON.stringify(stateDir)}, compactAt: { entries: 40 } })`;
  return spawn(process.execPath, ['--input-type=module', '-e', `
    const store = await ${open};
    let i = 0;
    const one = async () => {
      const n = i++;
      await store.set('k' + n, 'v' + n);
      await store.append('log', 'k' + n, 100000);
      process.stdout.write('k' + n + '\\n');
    };
    for (;;) await Promise.all(Array.from({ length: 1 + (i % 17) }, one));
  `], { stdio: ['ignore', 'pipe', 'inherit'] });
}

describe('embedded store', () => {
  it('ignores a torn last journal line and keeps appending after it', async () => {
    const stateDir = await tempDir('packbot-store-');
    const store = await openEmbeddedStore({ stateDir });
    await store.set('a', '1');
    await store.set('b', '2');
    await store.close();
    await appendFile(journal(stateDir), '{"s":3,"o":"set","k":"c","v":"torn');
    const again = await openEmbeddedStore({ stateDir });
    expect(await again.getMany(['a', 'b', 'c'])).toEqual(['1', '2', null]);
    await again.set('d', '4');
    await again.close();
    const third = await openEmbeddedStore({ stateDir });
    expect(await third.keys('')).toEqual(['a', 'b', 'd']);
    await third.close();
  });

  it('compacts into a snapshot, drops expired keys, and loses nothing', async () => {
    const stateDir = await tempDir('packbot-store-');
    let clock = 1_000_000;
    const opts = { stateDir, now: () => clock, compactAt: { entries: 10 } };
    const store = await openEmbeddedStore(opts);
    await store.set('expiring', 'x', { ttlMs: 100 });
    clock += 200;
    for (let i = 0; i < 25; i++) await store.set(`k${String(i).padStart(2, '0')}`, String(i));
    for (let i = 0; i < 5; i++) await store.append('log', String(i), 3);
    await Promise.all(Array.from({ length: 7 }, () => store.increment('seq')));
    await store.delete('k00');
    const snapshot = decodeSnapshot(await readFile(path.join(stateDir, 'state', 'snapshot.json'), 'utf8'));
    expect(snapshot.ok && snapshot.state.kv.map(([k]) => k)).not.toContain('expiring');
    expect(await lineCount(journal(stateDir))).toBeLessThan(10);
    await store.close();

    const again = await openEmbeddedStore(opts);
    const keys = await again.keys('k');
    expect(keys).toHaveLength(24);
    expect(keys[0]).toBe('k01');
    expect(await again.get('k24')).toBe('24');
    expect(await again.recent('log', 10)).toEqual(['4', '3', '2']);
    expect(await again.get('seq')).toBe('7');
    expect(await again.get('expiring')).toBeNull();
    await again.close();
  });

  it('refuses a second opener of the same state dir with store_locked', async () => {
    const stateDir = await tempDir('packbot-store-');
    const first = await createStateStore({ kind: 'embedded' }, { stateDir });
    const err = await createStateStore({ kind: 'embedded' }, { stateDir }).then(() => null, (e: unknown) => e);
    expect(isPackbotError(err) && err.code).toBe('store_locked');
    expect((err as Error).message).toContain('another packbot');
    await first.set('still', 'works');
    await first.close();
    const second = await createStateStore({ kind: 'embedded' }, { stateDir });
    expect(await second.get('still')).toBe('works');
    await second.close();
  });

  // Where the writer is killed comes from this seed (see test/helpers/seed.ts to replay one).
  const seed = testSeed(20_250_602);
  it.each(['index', 'embedded'] as const)(`keeps every acknowledged write when the process is SIGKILLed (%s, PACKBOT_TEST_SEED=${seed})`, async (module) => {
    const stateDir = await tempDir('packbot-store-');
    const child = writer(stateDir, module);
    const acked: string[] = [];
    let partial = '';
    // One sequence per case, so a case run alone (-t) replays the same kill point.
    const killAfter = 200 + Math.floor(seededRandom(seed + (module === 'index' ? 0 : 1))() * 800);
    const exited = new Promise((r) => child.once('exit', r));
    child.stdout.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      acked.push(...lines);
      if (acked.length >= killAfter) child.kill('SIGKILL');
    });
    await exited;
    expect(acked.length).toBeGreaterThanOrEqual(killAfter);
    expect(existsSync(path.join(stateDir, 'state', '.lock'))).toBe(true);

    // The dead writer's lock is taken over at once; every key it printed is there.
    const store = await openEmbeddedStore({ stateDir });
    const values = await store.getMany(acked);
    expect(values.filter((v) => v === null)).toEqual([]);
    expect(values).toEqual(acked.map((k) => `v${k.slice(1)}`));
    const log = new Set(await store.recent('log', 100_000));
    expect(acked.filter((k) => !log.has(k))).toEqual([]);
    // Never double-applied: each key at most once in the list.
    expect(log.size).toBe((await store.recent('log', 100_000)).length);
    await store.close();
  });
});
