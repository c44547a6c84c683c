/**
 * Issue 20 (2): Redis goes away after a deploy's register hook started and stays away past the
 * queue's patience, so the fence check before the history record cannot be answered. The
 * deploy has finished by then: it must be recorded (kept on disk until Redis is back) and
 * reported as finished, with StackStorm's counts, not as cut off.
 */
import { randomUUID } from 'node:crypto';
import { watch } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMasker } from '../../src/core/masking/masker.js';
import { createStoreHistory } from '../../src/domain/store/history.js';
import { createStateStore } from '../../src/domain/store/index.js';
import { scaled } from '../helpers/budget.js';
import { startChat, stopAllChats } from '../helpers/chat-process.js';
import { tempDir, writeConfig } from '../helpers/config.js';
import { startFakeSt2, type FakeSt2 } from '../helpers/fake-st2.js';
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server.js';
import { scenarioConfig, scenarioRepo } from './setup.js';

// The command hook (after register.st2, which gives the counts) holds the deploy until `release` exists.
const HOLD = "const f = process.argv[1]; (function w() { require('fs').existsSync(f) ? process.exit(0) : setTimeout(w, 50); })()";
const KEY = 'st2-key-outage-record-5b1e';

/** Resolves with the names in `dir` once one ends in `suffix`: on each change, not on a timer. */
function fileEnding(dir: string, suffix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const watcher = watch(dir);
    const timer = setTimeout(() => finish(new Error(`no *${suffix} in ${dir} within the hang guard`)), scaled(150_000));
    const finish = (r: string | Error) => {
      clearTimeout(timer);
      watcher.close();
      if (r instanceof Error) reject(r);
      else resolve(r);
    };
    const look = () => void readdir(dir).then((names) => {
      const found = names.find((n) => n.endsWith(suffix));
      if (found) finish(found);
    }, finish);
    watcher.on('change', look);
    look();
  });
}

describe('a Redis outage between the register hook and the history record', () => {
  let redis: OwnRedis | null = null;
  let st2: FakeSt2 | null = null;
  afterEach(async () => {
    await stopAllChats();
    await redis?.stop();
    await st2?.close();
    redis = null;
    st2 = null;
  });

  it('records the deploy once and reports it finished, with its registration counts', { timeout: scaled(300_000) }, async () => {
    redis = await startOwnRedis();
    const repo = await scenarioRepo();
    const dir = await tempDir('packbot-outage-record-');
    const packsDir = await tempDir('packbot-outage-record-packs-');
    st2 = await startFakeSt2({ packsDir, apiKeys: [KEY] });
    const release = path.join(dir, 'release-hook');
    const prefix = `packbot-test:${randomUUID()}:`;
    const config = await writeConfig(scenarioConfig(repo.url, [
      `packs_dir: ${JSON.stringify(packsDir)}`,
      `store: {kind: redis, url: ${JSON.stringify(redis.url)}, prefix: ${JSON.stringify(prefix)}}`,
      // Long: the job keeps its BullMQ lock through the outage (one worker, one turn).
      'queue: {stall_timeout: 300s}',
      'register:',
      `  st2: {url: ${JSON.stringify(st2.url)}, api_key: "\${ST2_API_KEY}"}`,
      `  command: ["node", "-e", ${JSON.stringify(HOLD)}, ${JSON.stringify(release)}]`,
    ].join('\n')), dir);
    // Where a history record the store could not take is kept (pending-records.ts); watched below.
    const outcomes = path.join(dir, 'var', 'outcomes');
    await mkdir(outcomes, { recursive: true });
    const chat = startChat({ config, env: { ST2_API_KEY: KEY } });

    chat.say('@alice !pack deploy demo alpha feature-x');
    await chat.waitFor(/✓ install alpha/);
    // Live, registered with StackStorm, the command hook waiting: now the store goes away.
    await redis.kill();
    await writeFile(release, '');
    // The fence check before the record waits out the queue's patience; the record is kept on disk.
    const kept = await fileEnding(outcomes, '.history.json');
    const id = kept.replace('.history.json', '');
    await redis.restart();

    const summary = await chat.waitFor((m) => m.mentions.includes('alice') && m.text.startsWith(`Deploy \`${id}\``), { timeoutMs: scaled(120_000) });
    expect(summary.text).not.toMatch(/cut off/);
    expect(summary.text).toMatch(/: 1 ok, 0 failed/);
    expect(summary.text).toMatch(/StackStorm registered/);
    // The end of a scripted chat lets the turn finish: its record appended (settleOutcome), its lock moved.
    await chat.end();
    expect(chat.messages().some((m) => /state store is unavailable/.test(m.text))).toBe(false);

    expect(chat.stderr()).toMatch(/could not confirm this worker still holds the deploy turn/);
    expect((await readdir(outcomes)).filter((n) => n.endsWith('.json'))).toEqual([]);
    const store = await createStateStore({ kind: 'redis', url: redis.url }, { stateDir: dir, prefix });
    try {
      const records = (await createStoreHistory(store, createMasker()).list()).filter((r) => r.id === id);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ result: 'success', packs: [expect.objectContaining({ pack: 'alpha', status: 'deployed' })] });
    } finally {
      await store.close();
    }
  });
});
