import { randomUUID } from 'node:crypto';
import { watch } from 'node:fs';
import { readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startChat, stopAllChats, type ChatProcess } from '../helpers/chat-process.js';
import { scaled } from '../helpers/budget.js';
import { tempDir, writeConfig } from '../helpers/config.js';
import { dropRedisPrefix, REDIS_URL } from '../helpers/stores.js';
import { createStateStore } from '../../src/domain/store/index.js';
import { createStoreHistory } from '../../src/domain/store/history.js';
import { createMasker } from '../../src/core/masking/masker.js';
import { scenarioConfig, scenarioRepo } from './setup.js';

/**
 * The register hook: says it started (`hook-<pid>.started`, holding its parent's pid: the
 * packbot that runs it), waits for the test's `go` file, then says it finished (`.done`); a
 * SIGTERM (its packbot lost the turn) leaves `.stopped` instead.
 */
const HOOK = `
const fs = require('fs'), path = require('path');
const dir = process.argv[1], me = path.join(dir, 'hook-' + process.pid);
const say = (what, text) => { fs.writeFileSync(me + '.tmp', text); fs.renameSync(me + '.tmp', me + what); };
process.on('SIGTERM', () => { say('.stopped', ''); process.exit(143); });
say('.started', String(process.ppid));
(function wait() { fs.existsSync(path.join(dir, 'go')) ? (say('.done', ''), process.exit(0)) : setTimeout(wait, 50); })();
`;

/** Resolves with the names in `dir` once `enough` says they are enough: on each change, not on a timer. */
function filesIn(dir: string, enough: (names: string[]) => boolean, what: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const watcher = watch(dir);
    const timer = setTimeout(() => finish(new Error(`no ${what} in ${dir} within the hang guard`)), scaled(90_000));
    const finish = (r: string[] | Error) => {
      clearTimeout(timer);
      watcher.close();
      if (r instanceof Error) reject(r);
      else resolve(r);
    };
    const look = () => void readdir(dir).then((names) => enough(names) && finish(names), finish);
    watcher.on('change', look);
    look();
  });
}

const started = (names: string[]) => names.filter((n) => n.endsWith('.started'));
const summaries = (chat: ChatProcess) => chat.messages().filter((m) => /^Deploy `[0-9a-f]{8}`/.test(m.text));

describe('two packbot processes on one Redis, the deploying one paused past stall_timeout', () => {
  afterEach(stopAllChats);

  it('deploy once: the other takes the turn over, the paused one stops when it wakes', { timeout: scaled(240_000) }, async () => {
    const repo = await scenarioRepo();
    const dir = await tempDir('packbot-pause-');
    const hooks = await tempDir('packbot-pause-hooks-');
    const prefix = `packbot-test:${randomUUID()}:`;
    const config = await writeConfig(scenarioConfig(repo.url, [
      `store: {kind: redis, url: ${JSON.stringify(REDIS_URL)}, prefix: ${JSON.stringify(prefix)}}`,
      'queue: {stall_timeout: 3s}',
      `register: {command: ["node", "-e", ${JSON.stringify(HOOK)}, ${JSON.stringify(hooks)}]}`,
    ].join('\n')), dir);
    const a = startChat({ config });
    const b = startChat({ config });
    try {
      const line = JSON.stringify({ id: 'pause-1', user: 'alice', channel: 'general', text: '!pack deploy demo alpha feature-x' });
      a.say(line);
      b.say(line);

      // Its release is live and its hook running: freeze the packbot running it.
      const [firstHook] = started(await filesIn(hooks, (n) => started(n).length >= 1, 'register hook start'));
      const pausedPid = Number(await readFile(path.join(hooks, firstHook!), 'utf8'));
      expect([a.pid, b.pid]).toContain(pausedPid);
      const [paused, other] = pausedPid === a.pid ? [a, b] : [b, a];
      process.kill(pausedPid, 'SIGSTOP');

      // The other notices, waits the lease out, deploys again and gets to its own hook.
      const both = started(await filesIn(hooks, (n) => started(n).length >= 2, 'second register hook start'));
      const secondHook = both.find((n) => n !== firstHook)!;
      expect(Number(await readFile(path.join(hooks, secondHook), 'utf8'))).toBe(other.pid);

      // Woken, the first finds its turn taken: it kills its hook and does nothing more.
      process.kill(pausedPid, 'SIGCONT');
      const stopped = firstHook!.replace('.started', '.stopped');
      await filesIn(hooks, (n) => n.includes(stopped), 'the first hook stopped');
      await writeFile(path.join(hooks, 'go'), '');

      const summary = await other.waitFor((m) => m.mentions.includes('alice') && m.text.startsWith('Deploy `'), { timeoutMs: scaled(60_000) });
      expect(summary.text).toMatch(/: 1 ok, 0 failed/);
      await Promise.all([a.end(), b.end()]);

      expect(paused.stderr()).toMatch(/lost the deploy turn/);
      expect((await readdir(hooks)).filter((n) => n.endsWith('.done'))).toEqual([secondHook.replace('.started', '.done')]);
      expect([...summaries(a), ...summaries(b)]).toHaveLength(1);
      expect(summaries(paused)).toEqual([]);

      const store = await createStateStore({ kind: 'redis', url: REDIS_URL }, { stateDir: dir, prefix });
      try {
        const records = (await createStoreHistory(store, createMasker()).list()).filter((r) => r.kind === 'deploy');
        expect(records).toHaveLength(1);
        // The one release live is the one history names.
        const active = path.basename(await readlink(path.join(dir, 'var', 'packs', 'alpha')));
        expect(records[0]!.packs).toEqual([expect.objectContaining({ pack: 'alpha', to: active })]);
        expect(active).toMatch(/^1\.1\.0-/);
      } finally {
        await store.close();
      }
    } finally {
      await stopAllChats();
      // Lets any hook a failed run left waiting exit.
      await writeFile(path.join(hooks, 'go'), '');
      await dropRedisPrefix(prefix);
    }
  });
});
