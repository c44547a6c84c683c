import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app/app.js';
import { createAdapters } from '../../../adapters/index.js';
import { tempDir } from '../../helpers/config.js';
import { startFakeSlack } from '../../helpers/fake-slack.js';
import { testRuntime } from '../../helpers/runtime.js';
import { scenarioRepo } from '../../scenarios/setup.js';
import { FAKE_BOT, type RecordedCall } from '../../helpers/fake-slack.js';
import { messageEvent, startSlackBot, type SlackBot } from './setup.js';

const bots: SlackBot[] = [];
afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.close();
});

async function socketBot(): Promise<SlackBot> {
  const repo = await scenarioRepo();
  const bot = await startSlackBot({ mode: 'socket', repositories: [`demo: {repo: ${JSON.stringify(repo.url)}, branch: main}`] });
  bots.push(bot);
  await bot.fake.connected();
  return bot;
}

const textOf = (c: RecordedCall) => c.params['text'] ?? '';
const blocksOf = (c: RecordedCall) => JSON.parse(c.params['blocks'] ?? '[]') as Array<Record<string, unknown>>;

/** Sends `!pack queue` and waits for its answer: everything delivered before it has been seen. */
async function marker(bot: SlackBot, channel = 'C0MARK'): Promise<void> {
  await bot.fake.sendEvent(messageEvent('!pack queue', { channel }));
  await bot.fake.waitForCall('chat.postMessage', (c) => c.params['channel'] === channel && textOf(c).includes('queue is empty'));
  await bot.app.idle();
}

describe('Slack adapter, Socket Mode, end to end', () => {
  it('acks the envelope, posts one message, and edits it in place with progress into a summary with its card', async () => {
    const bot = await socketBot();
    const { fake } = bot;
    // The adapter asked Slack who it is, over the bot token, before anything else.
    expect(fake.callsOf('auth.test')).toHaveLength(1);
    expect(fake.callsOf('apps.connections.open')[0]?.headers.authorization).toMatch(/^Bearer xapp-/);
    // Socket Mode needs no port: packbot's HTTP server is not started.
    expect(bot.app.httpUrl()).toBeUndefined();

    const event = messageEvent('!pack deploy demo alpha');
    const ack = await fake.sendEvent(event, { envelopeId: 'env-deploy-1' });
    expect(ack.envelope_id).toBe('env-deploy-1');

    const summary = await fake.waitForCall('chat.update', (c) => /Deploy `\w+` from `demo` main at `[0-9a-f]+`: 1 ok, 0 failed/.test(textOf(c)));
    await bot.app.idle();
    const posts = fake.callsOf('chat.postMessage').filter((c) => c.status === 200);
    const ackPost = posts.find((c) => textOf(c).startsWith('Deploying alpha from `demo` (main)'));
    expect(ackPost).toBeDefined();
    expect(ackPost?.params['channel']).toBe('C0OPS');
    // The ack carries the working card: status line and fields.
    expect(JSON.stringify(blocksOf(ackPost!))).toContain(':hourglass_flowing_sand: *Deploying alpha*');

    // Progress: chat.update of that very message (its ts), never a new message per stage.
    const ackTs = [...fake.messages.values()].find((m) => m.channel === 'C0OPS')?.ts;
    expect(ackTs).toBeDefined();
    const updates = fake.callsOf('chat.update');
    expect(updates.length).toBeGreaterThan(1);
    for (const u of updates) expect(u.params['ts']).toBe(ackTs);
    expect(updates.some((u) => /^Deploying alpha from `demo` \(main\)…\n.+/.test(textOf(u)))).toBe(true);

    // The summary is the same message, edited: it names the requester and carries the success card with its fields.
    expect(summary.params['ts']).toBe(ackTs);
    expect(fake.messages.get(ackTs!)?.text).toMatch(/^<@UALICE01> Deploy `\w+`/);
    expect(textOf(summary)).toMatch(/^<@UALICE01> /);
    expect(textOf(summary)).toContain('alpha 1.0.0 — deployed');
    const summaryBlocks = blocksOf(summary);
    expect(summaryBlocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
    expect(JSON.stringify(summaryBlocks[0])).toMatch(/:white_check_mark: \*Deploy \w+ succeeded\*/);
    const fields = (summaryBlocks[1] as { fields: Array<{ text: string }> }).fields.map((f) => f.text);
    expect(fields).toEqual([
      '*Repository*\ndemo', '*Branch*\nmain', expect.stringMatching(/^\*Commit\*\n[0-9a-f]{7,}$/), '*Packs*\n✓ alpha 1.0.0',
    ]);
    // One message for the whole deploy.
    expect(posts).toHaveLength(1);
  });

  it('runs a retried event (same event, retry_attempt/retry_reason) once, and the message + app_mention pair once', async () => {
    const bot = await socketBot();
    const { fake } = bot;
    const event = messageEvent('!pack deploy demo alpha');
    await fake.sendEvent(event, { eventId: 'EvSAME' });
    await fake.waitForCall('chat.update', (c) => textOf(c).includes('1 ok, 0 failed'));
    const retry = await fake.sendEvent(event, { eventId: 'EvSAME', envelopeId: 'env-retry', retryAttempt: 1, retryReason: 'timeout' });
    expect(retry.envelope_id).toBe('env-retry');

    // One mention arrives twice (message.channels and app_mention), with the same channel and ts.
    const mention = messageEvent(`<@${FAKE_BOT.userId}> pack deploy demo beta`);
    await fake.sendEvent(mention);
    await fake.sendEvent({ ...mention, type: 'app_mention' });
    await fake.waitForCall('chat.update', (c) => textOf(c).includes('beta 1.0.0 — deployed'));
    await marker(bot);

    const posted = fake.callsOf('chat.postMessage').filter((c) => c.status === 200).map(textOf);
    expect(posted.filter((t) => t.startsWith('Deploying alpha'))).toHaveLength(1);
    expect(posted.filter((t) => t.startsWith('Deploying beta'))).toHaveLength(1);
    // Each deploy's message ends as its summary, once.
    const shown = [...fake.messages.values()].map((m) => m.text);
    expect(shown.filter((t) => t.includes('alpha 1.0.0 — deployed'))).toHaveLength(1);
    expect(shown.filter((t) => t.includes('beta 1.0.0 — deployed'))).toHaveLength(1);
    const history = await bot.app.services.history.list({});
    expect(history.filter((r) => r.kind === 'deploy')).toHaveLength(2);
  });

  it('answers in threads and DMs, and ignores bots, edits and chatter', async () => {
    const bot = await socketBot();
    const { fake } = bot;
    await fake.sendEvent(messageEvent('!pack queue', { ts: '1710000100.000001', thread_ts: '1710000099.000001' }));
    const threaded = await fake.waitForCall('chat.postMessage', (c) => c.params['thread_ts'] === '1710000099.000001');
    expect(textOf(threaded)).toContain('queue is empty');

    // A DM needs neither prefix nor mention.
    await fake.sendEvent(messageEvent('pack queue', { channel: 'D0DIRECT', channel_type: 'im' }));
    const dm = await fake.waitForCall('chat.postMessage', (c) => c.params['channel'] === 'D0DIRECT');
    expect(textOf(dm)).toContain('queue is empty');
    expect(dm.params['thread_ts']).toBeUndefined();

    await fake.sendEvent(messageEvent('!pack queue', { channel: 'C0IGNORE', bot_id: 'B0OTHER' }));
    await fake.sendEvent(messageEvent('!pack queue', { channel: 'C0IGNORE', subtype: 'message_changed' }));
    await fake.sendEvent(messageEvent('good morning', { channel: 'C0IGNORE' }));
    await marker(bot);
    expect(fake.callsOf('chat.postMessage').filter((c) => c.params['channel'] === 'C0IGNORE')).toEqual([]);
  });

  it('refuses to start with a bot token Slack rejects, saying which setting to fix', async () => {
    const fake = await startFakeSlack();
    fake.failAuth('invalid_auth');
    try {
      const dir = await tempDir('packbot-slack-');
      const rt = await testRuntime('state_dir: ./var\nadapters:\n  slack: {bot_token: xoxb-revoked, app_token: xapp-1-A0TEST-socket, mode: socket}\n', dir);
      const app = await createApp(rt.config, { ...rt, adapters: createAdapters(rt.config, { logger: rt.logger, slack: { apiUrl: fake.apiUrl } }) });
      await expect(app.start()).rejects.toThrow(/Slack refused adapters\.slack\.bot_token .*invalid_auth/);
      await app.stop();
      // It never went on to open a socket with a bot it could not identify.
      expect(fake.callsOf('apps.connections.open')).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});
