/**
 * Redis restarts empty under a running bot: the deploy queue is gone with it. The requests
 * the bot had queued and not started are reported lost to their requesters, who ask again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startChat, stopAllChats } from '../helpers/chat-process.js';
import { tempDir, writeConfig } from '../helpers/config.js';
import { startOwnRedis, stopOwnRedises } from '../helpers/redis-server.js';
import { scenarioConfig, scenarioRepo } from './setup.js';

afterEach(async () => {
  await stopAllChats();
  await stopOwnRedises();
});

const idOf = (text: string) => /`([0-9a-f]{8})`/.exec(text)?.[1];

describe('a state store that restarts empty', () => {
  it('has the requests it lost reported to their requesters, who can ask again', async () => {
    const redis = await startOwnRedis({ persist: false });
    const repo = await scenarioRepo();
    // `strict` asks for confirmation (here for 10 minutes): alice's request waits for her, bob's behind it.
    const config = await writeConfig(`${scenarioConfig(repo.url, '', '10m')}\nstore: {kind: redis, url: ${JSON.stringify(redis.url)}}`, await tempDir('packbot-epoch-'));
    const chat = startChat({ config, args: ['--no-wait'] });
    chat.say('@alice !pack deploy strict alpha feature-x');
    await chat.waitFor((m) => m.mentions.includes('alice') && /to complete your deployment/.test(m.text));
    chat.say('@bob !pack deploy strict alpha');
    await chat.waitFor(/^Queued: .*alpha/);
    chat.say('!pack queue');
    const queue = (await chat.waitFor(/^Deploy queue:/)).text;
    const ids = [...queue.matchAll(/`([0-9a-f]{8})`/g)].map((m) => m[1]);
    expect(ids, queue).toHaveLength(2);

    await redis.restartEmpty();
    const lost = [
      await chat.waitFor((m) => m.mentions.includes('alice') && /was lost/.test(m.text), { from: 0 }),
      await chat.waitFor((m) => m.mentions.includes('bob') && /was lost/.test(m.text), { from: 0 }),
    ];
    expect(lost.map((m) => idOf(m.text)).sort()).toEqual([...ids].sort());
    expect(lost[0]!.text).toMatch(/the state store restarted empty while it waited in the queue\. Ask again/);

    // Told once each, and asking again works.
    chat.say('@bob !pack deploy demo beta');
    await chat.waitFor(/beta 1\.0\.0 — (deployed|already at)/);
    await chat.end();
    expect(chat.messages().filter((m) => /was lost/.test(m.text))).toHaveLength(2);
  });
});
