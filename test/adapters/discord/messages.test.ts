/**
 * The real app on Discord: the discord.js client connected to the fake gateway, messages
 * arriving as MESSAGE_CREATE dispatches, replies landing on the fake's REST routes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LIMITS, TONE_COLORS } from '../../../adapters/discord/embeds.js';
import { snowflake, type RecordedRequest } from '../../helpers/fake-discord.js';
import { pack } from '../../helpers/deploy.js';
import { startDiscordBot, type DiscordBot } from './setup.js';

let bot: DiscordBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const isEdit = (r: RecordedRequest) => r.method === 'PATCH' && /^\/channels\/\d+\/messages\/\d+$/.test(r.path);

describe('Discord: a deploy from chat', () => {
  it('acks, then edits that one message with progress into a summary with an embed', async () => {
    bot = await startDiscordBot();
    const { fake, alice } = bot;
    fake.say(alice, '!pack deploy demo alpha');
    const summary = await bot.edited(/^Deploy \w+ succeeded$/);
    await bot.app.idle();

    // One message for the whole deploy.
    const [ack, ...rest] = bot.posts();
    expect(rest).toEqual([]);
    expect(ack!.path).toBe(`/channels/${fake.channel.id}/messages`);
    expect(ack!.body.content).toMatch(/^Deploying alpha from `demo`/);
    expect(ack!.body.embeds[0]).toMatchObject({ title: 'Deploying alpha', color: TONE_COLORS.working });

    // Progress: edits of the ack and of nothing else, each a longer version of it.
    const ackId: string = ack!.response.id;
    const edits = fake.requests.filter(isEdit);
    expect(edits.length).toBeGreaterThan(1);
    expect(new Set(edits.map((e) => e.path))).toEqual(new Set([`/channels/${fake.channel.id}/messages/${ackId}`]));
    expect(edits.some((e) => String(e.body.content).includes('✓ install alpha'))).toBe(true);
    expect(edits.some((e) => String(e.body.content).includes('✓ fetch'))).toBe(true);

    // The summary is the last edit of that message; an edit pings nobody.
    expect(edits.at(-1)).toBe(summary);
    expect(fake.messages.get(ackId)!.content).toMatch(/^Deploy `\w+` from `demo` main/);
    expect(summary.body.allowed_mentions).toEqual({ parse: [], users: [] });
    const [embed] = summary.body.embeds;
    expect(embed.color).toBe(TONE_COLORS.success);
    expect(embed.fields.map((f: { name: string }) => f.name)).toEqual(['Repository', 'Branch', 'Commit', 'Packs']);
    expect(embed.fields[0]).toEqual({ name: 'Repository', value: 'demo', inline: true });
    expect(embed.fields[3].value).toBe('✓ alpha 1.0.0');
  });

  it('colours a failed deploy red', async () => {
    // A pack whose pack.yaml is not YAML: found, queued and run, then refused by validation.
    bot = await startDiscordBot({ big: { 'packs/broken/pack.yaml': 'ref: broken\nname: [unclosed\n' } });
    bot.fake.say(bot.alice, '!pack deploy big broken');
    const summary = await bot.edited(/failed$/);
    await bot.app.idle();
    const embeds = summary.body.embeds as Array<{ color: number; title: string }>;
    expect(embeds.some((e) => e.color === TONE_COLORS.failure && /failed$/.test(e.title))).toBe(true);
    expect(summary.body.content.length).toBeGreaterThan(0);
  });
});

describe('Discord: who and what the bot answers', () => {
  it('answers the prefix, both mention forms and DMs; ignores other bots and itself', async () => {
    bot = await startDiscordBot();
    const { fake, alice } = bot;
    const answered = async (n: number) => fake.until(() => bot!.posts().length >= n && bot!.posts()[n - 1], `reply ${n}`);

    fake.say(alice, `<@${fake.bot.id}> help`);
    expect((await answered(1)).body.content).toMatch(/^Commands/);
    fake.say(alice, `<@!${fake.bot.id}> help`);
    expect((await answered(2)).body.content).toMatch(/^Commands/);

    const dm = snowflake();
    fake.say(alice, 'help', { direct: dm });
    const inDm = await answered(3);
    expect(inDm.path).toBe(`/channels/${dm}/messages`);
    expect(inDm.body.content).toMatch(/^Commands/);

    // Bots first, then a person: by the time the person is answered, the bots were read and dropped.
    fake.say({ id: snowflake(), username: 'otherbot', bot: true }, '!help');
    fake.say(fake.bot, '!help');
    fake.say(alice, 'no prefix, no mention: not for the bot');
    fake.say(alice, '!help');
    await answered(4);
    await bot.app.idle();
    expect(bot.posts()).toHaveLength(4);
  });

  it('splits a long reply into messages of at most 2,000 characters; a big deploy\'s summary shows 10 packs and lists every pack in one reply', async () => {
    // 24 packs with long names: a list of them is well over 2,000 characters.
    const names = Array.from({ length: 24 }, (_, i) => `pack_with_a_rather_long_name_for_splitting_${String(i).padStart(2, '0')}`);
    bot = await startDiscordBot({ big: Object.assign({}, ...names.map((n) => pack(n))) });
    bot.fake.say(bot.alice, '!pack deploy big');
    const summary = await bot.edited(/^Deploy \w+ succeeded$/);
    expect(summary.body.content).toMatch(/… and 14 more/);
    expect(summary.body.content.length).toBeLessThanOrEqual(LIMITS.content);
    // Every pack in one more message (Discord has no thread here: it follows in the channel), cut to fit.
    const details = await bot.posted(/^Every pack of deploy/);
    expect(details.body.content.length).toBeLessThanOrEqual(LIMITS.content);
    expect(details.body.content).toContain(names[0]);
    await bot.app.idle();
    expect(bot.posts().filter((p) => /^Every pack of deploy/.test(p.body.content))).toHaveLength(1);

    bot.fake.say(bot.alice, '!pack list');
    await bot.posted(new RegExp(`^\\(continued\\)[\\s\\S]*${names.at(-1)}`));
    const parts = bot.posts().filter((p) => /^Installed packs|^\(continued\)/.test(p.body.content));
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.body.content.length).toBeLessThanOrEqual(LIMITS.content);
    const all = parts.map((p) => p.body.content).join('\n');
    for (const n of names) expect(all).toContain(n);
  });
});
