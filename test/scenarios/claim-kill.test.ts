import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startChat, stopAllChats, type ChatMsg, type ChatProcess } from '../helpers/chat-process.js';
import { scaled, runsFromEnv } from '../helpers/budget.js';
import { tempDir, writeConfig } from '../helpers/config.js';
import { repoWithBumpedBranch } from '../helpers/deploy.js';
import { seededRandom, testSeed } from '../helpers/seed.js';
import { dropRedisPrefix, REDIS_URL } from '../helpers/stores.js';
import { createStateStore } from '../../src/domain/store/index.js';
import { createStoreHistory } from '../../src/domain/store/history.js';
import { createMasker } from '../../src/core/masking/masker.js';

const TRIALS = runsFromEnv('PACKBOT_CLAIM_KILLS', 20);
// Killed replicas started at once: each trial is its own event on its own pack.
const AT_ONCE = 5;
const SEED = testSeed(20_261_203);

// The register hook holds every deploy while `hold` exists, so no killed replica can finish
// (and announce) a deploy before its kill: whatever it started, the survivor finishes.
const HOLD = "const f = process.argv[1]; (function w() { require('fs').existsSync(f) ? setTimeout(w, 50) : process.exit(0); })()";

const packName = (i: number) => `p${i}`;
const summaryOf = (i: number) => (m: ChatMsg) => m.text.startsWith('Deploy `') && new RegExp(`\\b${packName(i)} 2\\.0\\.0 — `).test(m.text);

/** Started and answering (its adapter reads lines only once the app is up). */
async function ready(chat: ChatProcess): Promise<ChatProcess> {
  chat.say('!pack queue');
  await chat.waitFor(/queue/);
  return chat;
}

describe('a replica killed right after it receives a chat event', () => {
  afterEach(stopAllChats);

  it(`leaves the event to the other replica, and every event is answered once (${TRIALS} kills, PACKBOT_TEST_SEED=${SEED})`, { timeout: scaled(600_000) }, async () => {
    console.log(`claim-kill: PACKBOT_TEST_SEED=${SEED}`);
    const random = seededRandom(SEED);
    const names = Array.from({ length: TRIALS }, (_, i) => packName(i));
    const repo = await repoWithBumpedBranch(names);
    const prefix = `packbot-test:${randomUUID()}:`;
    const dir = await tempDir('packbot-claim-kill-');
    const hold = path.join(dir, 'hold');
    const config = await writeConfig([
      'state_dir: ./var',
      'log: {level: warn}',
      `store: {kind: redis, url: ${JSON.stringify(REDIS_URL)}, prefix: ${JSON.stringify(prefix)}}`,
      `repositories:\n  demo: {repo: ${JSON.stringify(repo.url)}, branch: main}`,
      'confirm: {policy: never}',
      `queue: {concurrency: ${AT_ONCE * 2}, stall_timeout: 2s}`,
      `register: {command: ["node", "-e", ${JSON.stringify(HOLD)}, ${JSON.stringify(hold)}]}`,
    ].join('\n'), dir);
    const survivor = await ready(startChat({ config, args: ['--no-wait'] }));
    const killed: ChatProcess[] = [];
    const kills: string[] = [];

    try {
      for (let first = 0; first < TRIALS; first += AT_ONCE) {
        const batch = names.slice(first, first + AT_ONCE).map((_, j) => first + j);
        await writeFile(hold, '');
        const replicas = await Promise.all(batch.map(() => ready(startChat({ config, args: ['--no-wait'] }))));
        killed.push(...replicas);
        await Promise.all(batch.map(async (i, j) => {
          const replica = replicas[j]!;
          const event = JSON.stringify({ id: `kill-${i}`, user: 'alice', channel: 'deploys', text: `!pack deploy demo ${packName(i)} feature-x` });
          // The fault: a kill at a random point of the event's first 300 ms on that replica.
          const afterMs = Math.floor(random() * 300);
          replica.say(event);
          await new Promise((r) => setTimeout(r, afterMs));
          await replica.kill('SIGKILL');
          kills.push(`${packName(i)} after ${afterMs} ms`);
          // Its platform delivers it again, to the replica that is left.
          survivor.say(event);
        }));
        await rm(hold);
      }
      for (let i = 0; i < TRIALS; i++) {
        await survivor.waitFor(summaryOf(i), { from: 0, timeoutMs: scaled(120_000) }).catch((err: Error) => {
          throw new Error(`PACKBOT_TEST_SEED=${SEED}: ${packName(i)} was never answered (kills: ${kills.join(', ')})\n${err.message}`);
        });
      }
      // Everything queued runs before it exits: a request queued twice would be summarised twice.
      await survivor.end({ timeoutMs: scaled(120_000) });
      const said = [...survivor.messages(), ...killed.flatMap((k) => k.messages())];
      for (let i = 0; i < TRIALS; i++) {
        expect(said.filter(summaryOf(i)).map((m) => m.text), `${packName(i)} (PACKBOT_TEST_SEED=${SEED})`).toHaveLength(1);
      }
      const store = await createStateStore({ kind: 'redis', url: REDIS_URL }, { stateDir: dir, prefix });
      try {
        const deploys = (await createStoreHistory(store, createMasker()).list()).filter((r) => r.kind === 'deploy');
        expect(deploys.map((r) => r.packs.map((p) => p.pack).join(',')).sort()).toEqual([...names].sort());
      } finally {
        await store.close();
      }
    } finally {
      await stopAllChats();
      await rm(hold, { force: true });
      await dropRedisPrefix(prefix);
    }
  });
});
