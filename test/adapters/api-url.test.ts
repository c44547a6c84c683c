/**
 * adapters.<platform>.api_url reaches the platform client with nothing else set: the adapters
 * are built from packbot.yaml alone (no test seam) and talk only to fakes on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapters } from '../../adapters/index.js';
import type { ChatAdapter } from '../../src/interfaces/chat/types.js';
import { tempDir } from '../helpers/config.js';
import { FakeDiscord } from '../helpers/fake-discord.js';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.js';
import { testRuntime } from '../helpers/runtime.js';
import { BOT_TOKEN } from './discord/setup.js';
import { SECRETS } from './slack/setup.js';

const running: ChatAdapter[] = [];
const fakes: Array<FakeSlack | FakeDiscord> = [];
afterEach(async () => {
  for (const a of running.splice(0)) await a.stop();
  for (const f of fakes.splice(0)) await f.close();
});

describe('adapters.*.api_url from packbot.yaml', () => {
  it('Slack: auth.test, apps.connections.open and the Socket Mode link all go to the configured base', async () => {
    const fake = await startFakeSlack();
    fakes.push(fake);
    const yaml = `adapters:\n  slack: {bot_token: "\${BOT}", app_token: "\${APP}", mode: socket, api_url: ${JSON.stringify(fake.apiUrl)}}\n`;
    const rt = await testRuntime(yaml, await tempDir('packbot-apiurl-'), { BOT: SECRETS.bot, APP: SECRETS.app });
    const [slack] = createAdapters(rt.config, { logger: rt.logger });
    if (!slack) throw new Error('no Slack adapter built');
    running.push(slack);
    await slack.start(async () => undefined);
    await fake.connected();
    expect(fake.callsOf('auth.test')).toHaveLength(1);
    expect(fake.callsOf('apps.connections.open')).toHaveLength(1);
    expect(slack.connected?.()).toBe(true);
    // The base URL is not a secret, but the tokens around it stay out of the logs.
    expect(rt.logs()).not.toContain(SECRETS.bot);
    expect(rt.logs()).not.toContain(SECRETS.app);
  });

  it('Discord: REST goes to the configured base (a trailing slash is fine) and the gateway to what its /gateway/bot says', async () => {
    const fake = await FakeDiscord.start(BOT_TOKEN);
    fakes.push(fake);
    const yaml = `adapters:\n  discord: {token: "\${TOKEN}", api_url: ${JSON.stringify(`${fake.apiUrl}/`)}}\n`;
    const rt = await testRuntime(yaml, await tempDir('packbot-apiurl-'), { TOKEN: BOT_TOKEN });
    const [discord] = createAdapters(rt.config, { logger: rt.logger });
    if (!discord) throw new Error('no Discord adapter built');
    running.push(discord);
    await discord.start(async () => undefined);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /gateway/bot']);
    expect(fake.frames.some((f) => f.op === 2)).toBe(true);
    expect(discord.connected?.()).toBe(true);
    expect(rt.logs()).not.toContain(BOT_TOKEN);
  });
});
