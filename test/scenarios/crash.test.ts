import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startChat, stopAllChats } from '../helpers/chat-process.js';
import { scaled } from '../helpers/budget.js';
import { REDIS_URL } from '../helpers/stores.js';
import { scenarioChat } from './setup.js';

const BACKENDS = [
  ['embedded', ''],
  ['redis', `store: {kind: redis, url: ${JSON.stringify(REDIS_URL)}, prefix: "packbot-test:${randomUUID()}:"}\nqueue: {stall_timeout: 2s}`],
] as const;

// The registration hook holds the deploy open until the test creates `release` (after the
// kill), not for a fixed time that a slow machine could outlast before the kill lands.
const HOLD = "const f = process.argv[1]; (function w() { require('fs').existsSync(f) ? process.exit(0) : setTimeout(w, 50); })()";
const holdingHook = (release: string) => `register: {command: ["node", "-e", ${JSON.stringify(HOLD)}, ${JSON.stringify(release)}]}`;

describe.each(BACKENDS)('a %s packbot killed in the middle of a deploy', (_name, storeYaml) => {
  afterEach(stopAllChats);

  // Two process start-ups, a deploy and a lock lapse: waits on events, with a hang guard.
  it('has the deploy picked up again by the next process, which finishes it with the pack store consistent', { timeout: scaled(180_000) }, async () => {
    const release = path.join(tmpdir(), `packbot-crash-hook-${randomUUID()}`);
    const { chat: first, config } = await scenarioChat(`${storeYaml}\n${holdingHook(release)}`);
    first.say('@alice !pack deploy demo alpha feature-x');
    await first.waitFor(/✓ install alpha/);
    await first.kill('SIGKILL');
    await writeFile(release, '');

    // Embedded: the next start resumes it. Redis: the job's lock lapses and a live worker takes it over.
    const second = startChat({ config });
    const summary = await second.waitFor((m) => m.mentions.includes('alice') && m.text.startsWith('Deploy `'), { timeoutMs: scaled(60_000) });
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
