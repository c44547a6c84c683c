/**
 * No secret reaches Discord: the bot token travels only in the Authorization header of the
 * bot's own REST calls (and in IDENTIFY, which is how the gateway protocol logs in), and a
 * repository token never at all — even when a user pastes one into a command that echoes it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BOT_TOKEN, REPO_TOKEN, startDiscordBot, type DiscordBot } from './setup.js';

let bot: DiscordBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

/** The part of the token discord.js prints in its "Provided token" debug line. */
const CENSORED_PREFIX = BOT_TOKEN.split('.').slice(0, 2).join('.');

describe('Discord: secrets', () => {
  it('never sends the bot token or a repository token in any body, however a reply comes about', async () => {
    bot = await startDiscordBot();
    const { fake, alice } = bot;
    // A fetch that fails for a repository with a token, and both tokens pasted into commands.
    fake.say(alice, '!pack deploy private');
    await bot.posted(/private/);
    fake.say(alice, `!pack deploy demo alpha ${REPO_TOKEN}`);
    fake.say(alice, `!pack deploy demo beta ${BOT_TOKEN}`);
    // Both are refused without being repeated.
    await bot.fake.until(() => bot!.posts().filter((p) => /I did not run it/.test(p.body.content)).length >= 2, 'both refusals');
    // A confirmation with buttons: interaction callbacks and webhook bodies too.
    fake.say(alice, '!pack deploy strict alpha');
    const prompt = await bot.posted(/to complete your deployment/);
    const click = fake.click(alice, prompt.response.id, prompt.body.components[0].components[0].custom_id);
    await fake.waitFor((r) => r.path.endsWith(`itoken-${click}/messages/@original`), 'the prompt edit');
    await bot.edited(/^Deploy \w+ succeeded$/);
    await bot.app.idle();

    // The replies did happen, with the secrets masked out of them.
    // Posted and edited: a deploy's one message is edited through its stages into the summary.
    const sent = bot.fake.requests.filter((r) => r.method !== 'GET' && /^\/channels\/\d+\/messages/.test(r.path));
    const texts = sent.map((p) => p.raw).join('\n');
    expect(texts).toMatch(/failed for repository \\"private\\"/);
    expect(sent.length).toBeGreaterThanOrEqual(6);

    for (const r of fake.requests) {
      for (const secret of [BOT_TOKEN, REPO_TOKEN, CENSORED_PREFIX]) {
        expect(r.raw).not.toContain(secret);
        expect(r.path + r.query).not.toContain(secret);
      }
      // Bot calls authenticate with the token; interaction and webhook calls carry none (their token is in the path).
      const viaInteraction = /^\/(interactions|webhooks)\//.test(r.path);
      expect(r.authorization).toBe(viaInteraction ? undefined : `Bot ${BOT_TOKEN}`);
    }
    // On the gateway, only IDENTIFY holds the token.
    const withToken = fake.frames.filter((f) => JSON.stringify(f).includes(BOT_TOKEN));
    expect(withToken.map((f) => f.op)).toEqual([2]);
    expect(fake.frames.filter((f) => JSON.stringify(f).includes(REPO_TOKEN))).toEqual([]);

    // The log got discord.js's diagnostics, masked, and without the token's readable prefix.
    const logs = bot.logs();
    expect(logs).toContain('discord.js');
    for (const secret of [BOT_TOKEN, REPO_TOKEN, CENSORED_PREFIX]) expect(logs).not.toContain(secret);
  });
});
