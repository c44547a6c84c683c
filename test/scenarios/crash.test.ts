import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startChat, stopAllChats } from '../helpers/chat-process.js';
import { REDIS_URL } from '../helpers/stores.js';
import { scenarioChat } from './setup.js';

const BACKENDS = [
  ['embedded', ''],
  ['redis', `store: {kind: redis, url: ${JSON.stringify(REDIS_URL)}, prefix: "packbot-test:${randomUUID()}:"}\nqueue: {stall_timeout: 2s}`],
] as const;

// The registration hook holds the deploy open long enough to kill the process inside it.
const SLOW_HOOK = 'register: {command: ["node", "-e", "setTimeout(() => {}, 4000)"]}';

describe.each(BACKENDS)('a %s packbot killed in the middle of a deploy', (_name, storeYaml) => {
  afterEach(stopAllChats);

  it('has the deploy picked up again by the next process, which finishes it with the pack store consistent', async () => {
    const { chat: first, config } = await scenarioChat(`${storeYaml}\n${SLOW_HOOK}`);
    first.say('@alice !pack deploy demo alpha feature-x');
    await first.waitFor(/✓ install alpha/);
    await first.kill('SIGKILL');

    // Embedded: the next start resumes it. Redis: the job's lock lapses and a live worker takes it over.
    const second = startChat({ config });
    const summary = await second.waitFor((m) => m.mentions.includes('alice') && m.text.startsWith('Deploy `'), { timeoutMs: 30_000 });
    expect(summary.text).toMatch(/: 1 ok, 0 failed/);
    expect(summary.text).toMatch(/alpha 1\.1\.0 — (deployed|already at)/);
    second.say('!pack status alpha');
    expect((await second.waitFor(/is active/)).text).toMatch(/^alpha 1\.1\.0 is active: release `1\.1\.0-[0-9a-f]{7}-\w+` from demo feature-x/);
    second.say('!pack queue');
    expect((await second.waitFor(/queue/)).text).toBe('The deploy queue is empty.');
    // Alice keeps the branch lock her (finished) deploy earned.
    second.say('!pack locks');
    expect((await second.waitFor(/locked/i)).text).toMatch(/alpha on demo _feature-x_ — @alice/);
    await second.end();
  });
});
