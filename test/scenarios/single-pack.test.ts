/**
 * A single-pack repository through `packbot chat`: requests naming its pack by different words
 * are one pack to the queue. The register hook records its start and end in a log and holds
 * each deploy at that point until the test lets it go (a FIFO), so two deploys of the pack at
 * once would show as two starts in a row.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, watch, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scaled } from '../helpers/budget.js';
import { startChat, stopAllChats } from '../helpers/chat-process.js';
import { runCli } from '../helpers/cli.js';
import { tempDir, writeConfig } from '../helpers/config.js';
import { createSinglePackRepo } from '../helpers/git-repo.js';

/** Appends `start <pid>`, waits for a line on the FIFO, appends `end <pid>` (no `${}`: packbot.yaml would read it as a variable). */
const HOOK = "const fs = require('fs'); const [log, fifo] = process.argv.slice(1); fs.appendFileSync(log, 'start ' + process.pid + '\\n'); fs.readFileSync(fifo); fs.appendFileSync(log, 'end ' + process.pid + '\\n');";

const lines = (log: string) => readFileSync(log, 'utf8').split('\n').filter((l) => l !== '');

/**
 * Resolves with the log once `n` hooks have started (told by the file changing, not by
 * polling); rejects, with what the chat said, if it exits first.
 */
function started(log: string, n: number, exited: Promise<Error>): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const now = lines(log);
      if (now.filter((l) => l.startsWith('start')).length < n) return;
      watcher.close();
      resolve(now);
    };
    const watcher = watch(log, check);
    watcher.on('error', reject);
    void exited.then((err) => {
      watcher.close();
      reject(err);
    });
    check();
  });
}

let hookLog: string | null = null;

describe('a single-pack repository, scripted through packbot chat', () => {
  afterEach(async () => {
    await stopAllChats();
    // A hook left waiting by a failed test: ended by its own pid.
    const log = hookLog;
    hookLog = null;
    if (!log) return;
    const ended = new Set(lines(log).filter((l) => l.startsWith('end')).map((l) => l.split(' ')[1]));
    for (const l of lines(log)) {
      const pid = l.split(' ')[1];
      if (l.startsWith('start') && pid && !ended.has(pid)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });

  it('queues requests naming the pack by different words behind each other: never two deploys of it at once', async () => {
    const repo = await createSinglePackRepo('solo');
    const dir = await tempDir('packbot-single-pack-');
    const log = path.join(dir, 'hook.log');
    const fifo = path.join(dir, 'hook.fifo');
    writeFileSync(log, '');
    execFileSync('mkfifo', [fifo]);
    hookLog = log;
    const config = await writeConfig([
      'state_dir: ./var',
      'log: {level: warn}',
      'repositories:',
      `  brdel: {repo: ${JSON.stringify(repo.url)}, branch: main, subtree: false, confirm: {policy: never}}`,
      `register: {command: [${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(HOOK)}, ${JSON.stringify(log)}, ${JSON.stringify(fifo)}]}`,
    ].join('\n'), dir);
    // --no-wait: each line is read while the deploys before it still run.
    const chat = startChat({ config, args: ['--no-wait'] });
    // Settles only when the process exits (nothing matches): then waiting for a hook is over.
    const exited = chat.waitFor(() => false, { timeoutMs: scaled(600_000) }).then(() => new Error('unreachable'), (err: unknown) => err as Error);

    chat.say('@bob !pack deploy brdel solo');
    await started(log, 1, exited);
    chat.say('@alice !pack deploy brdel brdel force=true');
    expect((await chat.waitFor(/^Queued/)).text).toMatch(/^Queued: brdel from brdel main — 1 request ahead of you/);
    chat.say('@carol !pack deploy brdel all force=true');
    expect((await chat.waitFor(/^Queued/)).text).toMatch(/^Queued: brdel from brdel main — 2 requests ahead of you/);

    // Each deploy is let go only once it has started; the next one starts only after it ended.
    for (const n of [2, 3]) {
      await writeFile(fifo, 'go\n');
      await started(log, n, exited);
    }
    await writeFile(fifo, 'go\n');
    for (const who of ['bob', 'alice', 'carol']) {
      const summary = await chat.waitFor((m) => m.mentions.includes(who) && /^Deploy `[0-9a-f]{8}`/.test(m.text), { from: 0 });
      expect(summary.text).toMatch(/: 1 ok, 0 failed/);
    }
    expect(lines(log).map((l) => l.split(' ')[0])).toEqual(['start', 'end', 'start', 'end', 'start', 'end']);
    expect((await chat.end()).code).toBe(0);
  });

  it('packbot deploy reads the words as chat does: a branch in the packs slot is the branch, a name that is not the pack fails naming it', async () => {
    const repo = await createSinglePackRepo('solo');
    await repo.branch('feat-x');
    await repo.checkout('feat-x');
    const head = await repo.commit('solo 1.1', { 'pack.yaml': '---\nref: solo\nname: solo\ndescription: The solo pack.\nversion: 1.1.0\nauthor: Ada\n' });
    const dir = await tempDir('packbot-single-pack-cli-');
    const config = await writeConfig(['state_dir: ./var', 'log: {level: warn}', 'repositories:', `  brdel: {repo: ${JSON.stringify(repo.url)}, branch: main, subtree: false}`].join('\n'), dir);
    const ok = await runCli(['--config', config, 'deploy', 'brdel', 'feat-x', '--json'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ repo: 'brdel', branch: 'feat-x', commit: head, packs: [{ pack: 'solo', source: 'brdel', status: 'deployed', version: '1.1.0' }] });
    const wrong = await runCli(['--config', config, 'deploy', 'brdel', 'anything', 'main', '--json'], { cwd: dir });
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ packs: [], error: expect.stringMatching(/^brdel is a single-pack repository whose pack is `solo`, not `anything`/) });
  });
});
