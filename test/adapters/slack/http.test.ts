import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { scenarioRepo } from '../../scenarios/setup.js';
import { FAKE_BOT, type RecordedCall } from '../../helpers/fake-slack.js';
import { messageEvent, SECRETS, startSlackBot, type SlackBot } from './setup.js';

const bots: SlackBot[] = [];
afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.close();
});

async function httpBot(): Promise<SlackBot> {
  const repo = await scenarioRepo();
  const bot = await startSlackBot({
    mode: 'http',
    repositories: [`demo: {repo: ${JSON.stringify(repo.url)}, branch: main}`, `strict: {repo: ${JSON.stringify(repo.url)}, branch: main, confirm: {policy: always}}`],
  });
  bots.push(bot);
  return bot;
}

const textOf = (c: RecordedCall) => c.params['text'] ?? '';
const nowSec = () => Math.floor(Date.now() / 1000);

function sign(body: string, timestamp: number, secret = SECRETS.signing): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

interface PostOptions {
  timestamp?: number;
  secret?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

async function post(bot: SlackBot, body: string, opts: PostOptions = {}): Promise<{ status: number; text: string }> {
  const timestamp = opts.timestamp ?? nowSec();
  const res = await fetch(`${bot.app.httpUrl()}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': opts.contentType ?? 'application/json',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': sign(body, timestamp, opts.secret),
      ...opts.headers,
    },
    body,
  });
  return { status: res.status, text: await res.text() };
}

function callback(event: Record<string, unknown>, eventId = `Ev${Math.random().toString(36).slice(2)}`): string {
  return JSON.stringify({
    token: 'legacy-verification-token', team_id: FAKE_BOT.team, api_app_id: FAKE_BOT.appId, event, type: 'event_callback',
    event_id: eventId, event_time: nowSec(), authorizations: [{ team_id: FAKE_BOT.team, user_id: FAKE_BOT.userId, is_bot: true }],
  });
}

/** A signed `!pack queue` and its answer: everything posted before it has been handled. */
async function marker(bot: SlackBot): Promise<void> {
  expect((await post(bot, callback(messageEvent('!pack queue', { channel: 'C0MARK' })))).status).toBe(200);
  await bot.fake.waitForCall('chat.postMessage', (c) => c.params['channel'] === 'C0MARK');
  await bot.app.idle();
}

describe('Slack adapter, HTTP Events mode (signed requests on packbot\'s HTTP server)', () => {
  it('serves /healthz and answers url_verification on 127.0.0.1, and closes with the app', async () => {
    const bot = await httpBot();
    const health = await fetch(`${bot.app.httpUrl()}/healthz`);
    expect(await health.json()).toEqual({ ok: true });
    const challenge = await post(bot, JSON.stringify({ type: 'url_verification', token: 't', challenge: 'chal-123' }));
    expect(challenge.status).toBe(200);
    expect(JSON.parse(challenge.text)).toEqual({ challenge: 'chal-123' });
    // The server lives and dies with the app.
    const url = bot.app.httpUrl();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await bot.app.stop();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('answers a valid signed event with 200 before the deploy is done, then deploys', async () => {
    const bot = await httpBot();
    const body = callback(messageEvent('!pack deploy demo alpha'));
    const res = await post(bot, body);
    expect(res.status).toBe(200);
    // Acknowledged first: no summary existed when Slack got its answer.
    expect(bot.fake.callsOf('chat.postMessage').some((c) => textOf(c).includes('1 ok'))).toBe(false);
    const summary = await bot.fake.waitForCall('chat.update', (c) => textOf(c).includes('alpha 1.0.0 — deployed'));
    expect(summary.params['channel']).toBe('C0OPS');
    // Slack's retry of the same event (x-slack-retry-num) is answered and runs nothing again.
    const retry = await post(bot, body, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(retry.status).toBe(200);
    await marker(bot);
    expect(bot.fake.callsOf('chat.postMessage').filter((c) => textOf(c).startsWith('Deploying alpha'))).toHaveLength(1);
    expect(await bot.app.services.history.list({})).toHaveLength(1);
  });

  it('rejects a bad signature with 401 and a one-line reason; nothing is deployed', async () => {
    const bot = await httpBot();
    const body = callback(messageEvent('!pack deploy demo alpha'));
    const res = await post(bot, body, { secret: 'not-the-signing-secret' });
    expect(res.status).toBe(401);
    expect(res.text.trim()).toMatch(/^signature mismatch/);
    expect(res.text.trim()).not.toContain('\n');
    const unsigned = await fetch(`${bot.app.httpUrl()}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    await marker(bot);
    expect(bot.fake.callsOf('chat.postMessage').filter((c) => textOf(c).includes('Deploying'))).toEqual([]);
    expect(await bot.app.services.history.list({})).toEqual([]);
    expect(bot.rt.logs()).toContain('rejected a Slack request');
  });

  it('rejects a correctly signed request whose timestamp is more than 5 minutes away', async () => {
    const bot = await httpBot();
    const res = await post(bot, callback(messageEvent('!pack deploy demo alpha')), { timestamp: nowSec() - 6 * 60 });
    expect(res.status).toBe(401);
    expect(res.text).toMatch(/more than 5 minutes/);
    // Nor one stamped far in the future (a clock-skewed or pre-signed request).
    const future = await post(bot, callback(messageEvent('!pack deploy demo alpha')), { timestamp: nowSec() + 6 * 60 });
    expect(future.status).toBe(401);
    await marker(bot);
    expect(bot.fake.callsOf('chat.postMessage').filter((c) => textOf(c).includes('Deploying'))).toEqual([]);
  });

  it('takes a form-encoded button click (payload=) and cancels the prompt it belongs to', async () => {
    const bot = await httpBot();
    expect((await post(bot, callback(messageEvent('!pack deploy strict alpha')))).status).toBe(200);
    const prompt = await bot.fake.waitForCall('chat.postMessage', (c) => textOf(c).includes('to complete your deployment'));
    const ts = [...bot.fake.messages.values()].find((m) => m.text.includes('to complete your deployment'))!.ts;
    const blocks = JSON.parse(prompt.params['blocks'] ?? '[]') as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>;
    const cancel = blocks.find((b) => b.type === 'actions')?.elements?.find((e) => e.action_id === 'packbot_cancel');
    expect(cancel).toBeDefined();
    const payload = {
      type: 'block_actions', trigger_id: 'trig-http-1', user: { id: 'UALICE01', username: 'alice' }, team: { id: FAKE_BOT.team },
      channel: { id: 'C0OPS', name: 'ops' }, container: { type: 'message', channel_id: 'C0OPS', message_ts: ts },
      message: { ts, text: prompt.params['text'], blocks },
      actions: [{ type: 'button', action_id: 'packbot_cancel', block_id: 'packbot_actions', value: cancel!.value, action_ts: '1710000200.000001' }],
    };
    const form = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const res = await post(bot, form, { contentType: 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(200);
    const update = await bot.fake.waitForCall('chat.update', (c) => c.params['ts'] === ts);
    const after = JSON.parse(update.params['blocks'] ?? '[]') as Array<{ type: string }>;
    expect(after.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(after.at(-1))).toContain('Cancelled by <@UALICE01>');
    await bot.app.idle();
    expect(await bot.app.services.history.list({})).toEqual([]);
  });
});
