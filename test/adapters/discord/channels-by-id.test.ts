/**
 * Finding 10: on Discord, `allowed_channels: ["#deploys"]` was met by a channel named
 * `deploys` in any server the bot is in (anyone can invite it to theirs), and a notify target
 * went to the first cached channel of that name. Channels are now resolved to ids at start:
 * a bare name must be unique across the bot's servers (else start is refused, naming the
 * matches), or written `<server id or name>/#name`, or as an id.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app/app.js';
import { createAdapters } from '../../../adapters/index.js';
import type { DiscordAdapter } from '../../../adapters/discord/adapter.js';
import { isPackbotError } from '../../../src/core/errors.js';
import { tempDir } from '../../helpers/git-repo.js';
import { testRuntime } from '../../helpers/runtime.js';
import { FakeDiscord, snowflake, type FakeUser, type RecordedRequest } from '../../helpers/fake-discord.js';
import { scenarioRepo } from '../../scenarios/setup.js';
import { BOT_TOKEN } from './setup.js';

interface Bot { fake: FakeDiscord; app: App; adapter: DiscordAdapter }

let running: { fake: FakeDiscord; app?: App } | undefined;
afterEach(async () => {
  await running?.app?.stop();
  await running?.fake.close();
  running = undefined;
});

/** The fake Discord, with `before` run on it ahead of login (another server, say), and the app on `repoLine`. */
async function start(repoLine: (url: string, fake: FakeDiscord) => string, before: (fake: FakeDiscord) => void = () => undefined): Promise<Bot> {
  const repo = await scenarioRepo();
  const fake = await FakeDiscord.start(BOT_TOKEN);
  running = { fake };
  before(fake);
  const yaml = ['state_dir: ./var', 'adapters:', '  discord: {token: "${DISCORD_TOKEN}"}', 'repositories:', `  demo: ${repoLine(repo.url, fake)}`].join('\n');
  const rt = await testRuntime(yaml, await tempDir('packbot-discord-ch-'), { DISCORD_TOKEN: BOT_TOKEN });
  const adapters = createAdapters(rt.config, { logger: rt.logger, discord: { rest: { api: fake.apiUrl } } });
  const app = await createApp(rt.config, { ...rt, adapters });
  running.app = app;
  await app.start();
  return { fake, app, adapter: adapters[0] as DiscordAdapter };
}

const postsTo = (fake: FakeDiscord, channel: string): RecordedRequest[] =>
  fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${channel}/messages`);

/** `user` says `text` in `channel` (the fake's own guild channel when absent); resolves with the first answer posted there. */
async function ask(fake: FakeDiscord, user: FakeUser, text: string, answer: RegExp, channel?: string): Promise<string> {
  const where = channel ?? fake.channel.id;
  const before = postsTo(fake, where).length;
  fake.say(user, text, channel ? { channel } : {});
  const got = await fake.waitFor((r) => postsTo(fake, where).indexOf(r) >= before && answer.test(String(r.body?.content ?? '')), `an answer to ${text}`);
  return String(got.body.content);
}

const alice: FakeUser = { id: snowflake(), username: 'alice' };
const mallory: FakeUser = { id: snowflake(), username: 'mallory' };
const quoted = (url: string) => JSON.stringify(url);

describe('Discord channels by id', () => {
  it('a bare name is pinned at start: #deploys in a server the bot joins later is refused, and notices still go to the first', async () => {
    const b = await start((url) => `{repo: ${quoted(url)}, branch: main, allowed_channels: ["#deploys"], notify_channel: "#deploys"}`);
    const intruders = b.fake.addGuild('Intruders', ['deploys']);
    const theirs = intruders.channels[0]!.id;
    // Help runs anywhere: its answer there says the bot has seen the new server's channel.
    await ask(b.fake, mallory, '!help', /Commands/, theirs);

    const refusal = await ask(b.fake, mallory, '!pack deploy demo alpha', /runs only in/, theirs);
    expect(refusal).toMatch(/^Deploying demo runs only in #deploys/);
    expect(await b.app.services.store.active('alpha')).toBeNull();

    await ask(b.fake, alice, '!pack deploy demo alpha', /^Deploying alpha/);
    await b.app.services.coordinator.settled();
    expect((await b.app.services.store.active('alpha'))?.meta.version).toBe('1.0.0');

    const ref = await b.adapter.send({ channel: '#deploys', text: 'a notice', mentions: [] });
    expect(ref.channel).toBe(b.fake.channel.id);
    expect(postsTo(b.fake, theirs).map((r) => String(r.body.content)).filter((t) => !t.startsWith('Commands'))).toEqual([refusal]);
  }, 60_000);

  it('a bare name two servers share is refused at start, naming both and asking for the id', async () => {
    let other = '';
    const failure = await start(
      (url) => `{repo: ${quoted(url)}, branch: main, allowed_channels: ["#deploys"]}`,
      (fake) => void (other = fake.addGuild('Other Server', ['deploys']).channels[0]!.id),
    ).then(() => null, (err: unknown) => err);
    expect(isPackbotError(failure) && failure.code).toBe('chat_channel_ambiguous');
    const message = (failure as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toContain(`Fake Guild/#deploys (${running!.fake.channel.id})`);
    expect(message).toContain(`Other Server/#deploys (${other})`);
    expect(message).toMatch(/write its id/);
  }, 60_000);

  it('guild-qualified entries name one server\'s channel; an unqualified target shared by two servers is refused', async () => {
    let theirs = '';
    const b = await start(
      (url, fake) => `{repo: ${quoted(url)}, branch: main, allowed_channels: ["Fake Guild/#deploys"], notify_channel: "${fake.guildId}/#deploys"}`,
      (fake) => void (theirs = fake.addGuild('Other Server', ['deploys']).channels[0]!.id),
    );
    expect(await ask(b.fake, mallory, '!pack deploy demo alpha', /runs only in/, theirs)).toMatch(/runs only in Fake Guild\/#deploys/);
    await ask(b.fake, alice, '!pack deploy demo alpha', /^Deploying alpha/);
    await b.app.services.coordinator.settled();
    expect((await b.app.services.store.active('alpha'))?.meta.version).toBe('1.0.0');

    expect((await b.adapter.send({ channel: `${b.fake.guildId}/#deploys`, text: 'a notice', mentions: [] })).channel).toBe(b.fake.channel.id);
    await expect(b.adapter.send({ channel: 'deploys', text: 'a notice', mentions: [] })).rejects.toMatchObject({ code: 'chat_channel_ambiguous' });
  }, 60_000);
});
