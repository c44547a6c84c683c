/**
 * The state store (Redis) goes down under a running bot: whoever speaks to it, on every
 * platform, is told the store is unavailable and to try again, rather than hearing nothing;
 * chatter that isn't addressed to the bot is not answered; once Redis is back, so is the bot.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app/app.js';
import { createAdapters } from '../../adapters/index.js';
import { STORE_OUTAGE_MESSAGE } from '../../src/interfaces/chat/outage.js';
import { startChat, stopAllChats } from '../helpers/chat-process.js';
import { tempDir, writeConfig } from '../helpers/config.js';
import { FakeDiscord, snowflake, type RecordedRequest } from '../helpers/fake-discord.js';
import { FAKE_BOT, startFakeSlack, type FakeSlack, type RecordedCall } from '../helpers/fake-slack.js';
import { testRuntime } from '../helpers/runtime.js';
import { startOwnRedis, stopOwnRedises } from '../helpers/redis-server.js';
import { messageEvent } from '../adapters/slack/setup.js';
import { BOT_TOKEN } from '../adapters/discord/setup.js';
import { scenarioConfig, scenarioRepo } from './setup.js';

const SLACK = { SLACK_BOT_TOKEN: 'xoxb-1111-2222-BotTokenSecretValue', SLACK_APP_TOKEN: 'xapp-1-A0000001-3333-AppTokenSecretValue', SLACK_SIGNING_SECRET: 'signing-secret-0123456789abcdef0123' };
const textOf = (c: RecordedCall) => c.params['text'] ?? '';
const contentOf = (r: RecordedRequest) => String(r.body?.content ?? '') + JSON.stringify(r.body?.embeds ?? []);
const isPost = (r: RecordedRequest) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path);

let stopApp: (() => Promise<void>) | null = null;
afterEach(async () => {
  await stopApp?.();
  stopApp = null;
  await stopAllChats();
  await stopOwnRedises();
});

/** Slack (Socket Mode) and Discord, each on its fake, in one app on `url`'s Redis. */
async function startBot(url: string): Promise<{ app: App; slack: FakeSlack; discord: FakeDiscord }> {
  const repo = await scenarioRepo();
  const dir = await tempDir('packbot-outage-');
  const yaml = [
    scenarioConfig(repo.url),
    `store: {kind: redis, url: ${JSON.stringify(url)}}`,
    'adapters:',
    '  slack: {bot_token: "${SLACK_BOT_TOKEN}", app_token: "${SLACK_APP_TOKEN}", signing_secret: "${SLACK_SIGNING_SECRET}", mode: socket}',
    '  discord: {token: "${DISCORD_TOKEN}", application_id: "1187654321012345678"}',
  ].join('\n');
  const rt = await testRuntime(yaml, dir, { ...SLACK, DISCORD_TOKEN: BOT_TOKEN });
  const slack = await startFakeSlack();
  const discord = await FakeDiscord.start(BOT_TOKEN);
  const adapters = createAdapters(rt.config, { logger: rt.logger, slack: { apiUrl: slack.apiUrl }, discord: { rest: { api: discord.apiUrl } } });
  const app = await createApp(rt.config, { ...rt, adapters });
  stopApp = async () => {
    await app.stop();
    await slack.close();
    await discord.close();
  };
  await app.start();
  await slack.connected();
  return { app, slack, discord };
}

describe('a state store outage', () => {
  it('is answered on Slack and Discord (messages and buttons), chatter is not, and the bot works again once Redis is back', async () => {
    const redis = await startOwnRedis({ persist: false });
    const { app, slack, discord } = await startBot(redis.url);
    const alice = { id: snowflake(), username: 'alice' };
    await slack.sendEvent(messageEvent('!pack queue', { channel: 'C0UP' }));
    expect(textOf(await slack.waitForCall('chat.postMessage', (c) => c.params['channel'] === 'C0UP'))).toContain('queue is empty');

    await redis.kill();
    await slack.sendEvent(messageEvent('!pack deploy demo alpha feature-x', { channel: 'C0DOWN' }));
    await slack.sendEvent(messageEvent('just chatting, not to the bot', { channel: 'C0CHAT' }));
    await slack.sendInteractive({
      type: 'block_actions', trigger_id: 'trig-1', user: { id: 'UALICE01', username: 'ualice01' }, team: { id: FAKE_BOT.team },
      api_app_id: FAKE_BOT.appId, channel: { id: 'C0DOWN', name: 'down' },
      container: { type: 'message', channel_id: 'C0DOWN', message_ts: '1710000000.999999', is_ephemeral: false },
      message: { type: 'message', ts: '1710000000.999999', text: 'Say it to complete', blocks: [] },
      actions: [{ type: 'button', action_id: 'packbot_confirm', block_id: 'packbot_actions', value: 'abcd1234', action_ts: '1710000001.0' }],
    });
    discord.say(alice, '!pack locks');

    const slackReply = await slack.waitForCall('chat.postMessage', (c) => c.params['channel'] === 'C0DOWN');
    expect(textOf(slackReply)).toContain(STORE_OUTAGE_MESSAGE);
    expect(textOf(await slack.waitForCall('chat.postEphemeral'))).toContain(STORE_OUTAGE_MESSAGE);
    const discordReply = await discord.waitFor((r) => isPost(r), 'a reply on Discord');
    expect(contentOf(discordReply)).toContain(STORE_OUTAGE_MESSAGE);
    // Everything that came in has been answered (or not): chatter got nothing, and nothing leaks the address.
    await app.idle();
    expect(slack.callsOf('chat.postMessage').filter((c) => c.params['channel'] === 'C0CHAT')).toEqual([]);
    for (const said of [...slack.callsOf('chat.postMessage').map(textOf), ...discord.requests.filter(isPost).map(contentOf)]) {
      expect(said).not.toContain(redis.url.replace('redis://', ''));
    }

    // Back (empty): a deploy goes through, its job run by a worker that reconnected.
    await redis.restartEmpty();
    await slack.sendEvent(messageEvent('!pack deploy demo alpha feature-x', { channel: 'C0BACK' }));
    await slack.waitForCall('chat.update', (c) => c.params['channel'] === 'C0BACK' && /alpha 1\.1\.0 — deployed/.test(textOf(c)));
  });

  it('is answered in `packbot chat`', async () => {
    const redis = await startOwnRedis({ persist: false });
    const repo = await scenarioRepo();
    const config = await writeConfig(`${scenarioConfig(repo.url)}\nstore: {kind: redis, url: ${JSON.stringify(redis.url)}}`, await tempDir('packbot-outage-chat-'));
    const chat = startChat({ config });
    chat.say('!pack queue');
    await chat.waitFor(/queue is empty/);
    await redis.kill();
    chat.say('!pack deploy demo alpha feature-x');
    expect((await chat.waitFor(/./)).text).toContain(STORE_OUTAGE_MESSAGE);
    await redis.restartEmpty();
    chat.say('!pack deploy demo alpha feature-x');
    await chat.waitFor(/alpha 1\.1\.0 — deployed/);
    expect((await chat.end()).code).toBe(0);
  });
});
