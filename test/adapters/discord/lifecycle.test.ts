/** Starting and stopping the DiscordAdapter on its own, against the fake Discord. */
import { afterEach, describe, expect, it } from 'vitest';
import { DiscordAdapter } from '../../../adapters/discord/adapter.js';
import { FakeDiscord } from '../../helpers/fake-discord.js';
import { BOT_TOKEN } from './setup.js';

let fake: FakeDiscord | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('DiscordAdapter lifecycle', () => {
  it('logs in over the gateway with the intents it needs, learns its own id, and stops cleanly', async () => {
    fake = await FakeDiscord.start(BOT_TOKEN);
    const adapter = new DiscordAdapter({ token: BOT_TOKEN, rest: { api: fake.apiUrl } });
    expect(adapter.mentionTokens()).toEqual([]);
    await adapter.start(async () => undefined);
    expect(adapter.mentionTokens()).toEqual([`<@${fake.bot.id}>`, `<@!${fake.bot.id}>`]);
    const identify = fake.frames.find((f) => f.op === 2);
    // Guilds, GuildMessages, DirectMessages, MessageContent: 1 | 512 | 4096 | 32768.
    expect(identify.d.intents).toBe(1 | 512 | 4096 | 32768);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /gateway/bot']);
    await adapter.stop();
    await expect(adapter.send({ channel: fake.channel.id, text: 'hi', mentions: [] })).rejects.toThrow(/not started/);
  });

  it('fails to start with a clear message when the Message Content intent is not enabled', async () => {
    fake = await FakeDiscord.start(BOT_TOKEN);
    fake.refuseIdentify = 4014;
    const adapter = new DiscordAdapter({ token: BOT_TOKEN, rest: { api: fake.apiUrl } });
    await expect(adapter.start(async () => undefined)).rejects.toThrow(/Message Content intent.*Privileged Gateway Intents/);
  });

  it('fails to start on a token Discord does not accept', async () => {
    fake = await FakeDiscord.start(BOT_TOKEN);
    const adapter = new DiscordAdapter({ token: 'not.the.token', rest: { api: fake.apiUrl } });
    await expect(adapter.start(async () => undefined)).rejects.toThrow(/Discord refused adapters\.discord\.token/);
    expect(fake.frames).toEqual([]);
  });
});
