import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startChat, stopAllChats } from '../helpers/chat-process.js';
import { REDIS_URL } from '../helpers/stores.js';
import { phraseOf, scenarioChat } from './setup.js';

const BACKENDS = [
  ['embedded', ''],
  ['redis', `store: {kind: redis, url: ${JSON.stringify(REDIS_URL)}, prefix: "packbot-test:${randomUUID()}:"}\nqueue: {stall_timeout: 2s}`],
] as const;

describe.each(BACKENDS)('a %s packbot killed and restarted', (_name, storeYaml) => {
  afterEach(stopAllChats);

  it('keeps its locks, queued requests, pending confirmations and timers', async () => {
    const { chat: first, config } = await scenarioChat(`${storeYaml}\nlocks: {revert_after: 12s, warn_before: 0s}`, '1m');
    first.say('@alice !pack deploy demo alpha feature-x');
    await first.waitFor((m) => m.mentions.includes('alice') && /✓ alpha 1\.1\.0 — deployed/.test(m.text));
    first.say('@bob !pack deploy strict beta');
    const phrase = phraseOf((await first.waitFor((m) => m.mentions.includes('bob') && m.text.startsWith('Say _'))).text);
    // force=true: after bob's deploy hers would change nothing, and such a request is told so, not asked.
    first.say('@carol !pack deploy strict beta force=true');
    await first.waitFor(/^Queued/);
    // No goodbye: the process dies as a crash would take it.
    await first.kill('SIGKILL');

    const second = startChat({ config });
    second.say('!pack locks');
    expect((await second.waitFor(/locked/i)).text).toMatch(/• alpha on demo _feature-x_ — @alice since \d+s, reverts in \d+s/);
    second.say('!pack queue');
    const queue = (await second.waitFor(/^Deploy queue/)).text.split('\n').slice(1);
    expect(queue).toEqual([
      expect.stringMatching(/^1\. `[0-9a-f]{8}` waiting for confirmation — beta from strict main, by @bob/),
      expect.stringMatching(/^2\. `[0-9a-f]{8}` waiting — beta from strict main, by @carol/),
    ]);
    // The phrase asked for before the crash still confirms.
    second.say(`@bob ${phrase}`);
    expect((await second.waitFor((m) => m.mentions.includes('bob') && m.text.startsWith('Deploy `'))).text).toMatch(/✓ beta 1\.0\.0 — (deployed|already at)/);
    const carol = await second.waitFor((m) => m.mentions.includes('carol') && m.text.startsWith('Say _'));
    second.say(`@carol ${phraseOf(carol.text)}`);
    await second.waitFor((m) => m.mentions.includes('carol') && m.text.startsWith('Deploy `'));
    // The revert timer set by the first process fires in the second.
    expect((await second.waitFor(/is back on/, { timeoutMs: 20_000 })).text).toMatch(/^↩ \*alpha\* is back on demo _main_: @alice's lock on _feature-x_ expired/);
    await second.end();
  });
});
