/**
 * `slack-group:<usergroup id>` members in permissions: the Slack adapter fills each message's
 * and click's groups from `usergroups.list` (cached), against the fake Slack with the real app.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_BOT, type FakeSlack, type RecordedCall } from '../../helpers/fake-slack.js';
import { scenarioRepo } from '../../scenarios/setup.js';
import { messageEvent, startSlackBot, type SlackBot } from './setup.js';

const bots: SlackBot[] = [];
afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.close();
});

const textOf = (c: RecordedCall) => c.params['text'] ?? '';
const TTL_MS = 5 * 60_000;
const ALICE = 'UALICE01'; // in S0OPS
const BOB = 'UBOB0002'; // in S0DEVS only

/** Deploying needs the `ops` role, whose only member is the Slack user group S0OPS. */
const PERMISSIONS = ['roles: {ops: ["slack-group:S0OPS"]}', 'commands: {deploy: [ops]}'];

interface Clock {
  now: () => number;
  advance(ms: number): void;
}

function clock(): Clock {
  let t = 1_710_000_000_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

async function groupsBot(opts: { prepare?: (fake: FakeSlack) => void; now?: () => number } = {}): Promise<SlackBot> {
  const repo = await scenarioRepo();
  const url = JSON.stringify(repo.url);
  const bot = await startSlackBot({
    mode: 'socket',
    repositories: [
      `demo: {repo: ${url}, branch: main}`,
      // Confirm always; only S0OPS may touch it, the click included.
      `strict: {repo: ${url}, branch: main, confirm: {policy: always}, allowed_users: ["slack-group:S0OPS"]}`,
    ],
    permissions: PERMISSIONS,
    prepare: (fake) => {
      fake.setUserGroups({ S0OPS: [ALICE, 'UCAROL03'], S0DEVS: [BOB] });
      opts.prepare?.(fake);
    },
    ...(opts.now ? { now: opts.now } : {}),
  });
  bots.push(bot);
  await bot.fake.connected();
  return bot;
}

/** Sends `!pack queue` in `channel` as `user` and waits for its answer. */
async function queue(bot: SlackBot, user: string, channel: string): Promise<void> {
  await bot.fake.sendEvent(messageEvent('!pack queue', { user, channel }));
  await bot.fake.waitForCall('chat.postMessage', (c) => c.params['channel'] === channel && textOf(c).includes('queue is empty'));
}

const denials = async (bot: SlackBot) => (await bot.app.services.history.list()).filter((r) => r.kind === 'denied');
const warnings = (bot: SlackBot) => bot.rt.logs().split('\n').filter(Boolean)
  .map((l) => JSON.parse(l) as { level: number; msg: string; fix?: string; slackError?: string })
  .filter((l) => l.level === 40 && l.msg.includes('usergroups.list'));

describe('Slack adapter, user groups (slack-group: members)', () => {
  it('lets a member of the group deploy, by message and by Confirm click; refuses someone outside it and records the denial', async () => {
    const bot = await groupsBot();
    const { fake } = bot;

    // Alice is in S0OPS, so she holds `ops` and may deploy.
    await fake.sendEvent(messageEvent('!pack deploy demo alpha', { user: ALICE }));
    await fake.waitForCall('chat.update', (c) => textOf(c).includes('alpha 1.0.0 — deployed'));
    const list = fake.callsOf('usergroups.list')[0];
    expect(list?.params['include_users']).toBe('true');
    expect(list?.headers.authorization).toMatch(/^Bearer xoxb-/);

    // Bob is in another group only: refused, with the reason, and a `denied` record.
    await fake.sendEvent(messageEvent('!pack deploy demo beta', { user: BOB, channel: 'C0BOB' }));
    const refusal = await fake.waitForCall('chat.postMessage', (c) => c.params['channel'] === 'C0BOB');
    expect(textOf(refusal)).toMatch(/^pack deploy needs one of ops \(permissions.commands.deploy\); .* to add slack:UBOB0002 there/);
    await bot.app.idle();
    const denied = await denials(bot);
    expect(denied.map((r) => [r.requested_by, r.result])).toEqual([[`slack:${BOB}`, 'denied']]);
    const deploys = (await bot.app.services.history.list()).filter((r) => r.kind === 'deploy');
    expect(deploys.map((r) => r.requested_by)).toEqual([`slack:${ALICE}`]);

    // strict lists only slack-group:S0OPS: Alice's Confirm click counts only if the click carries her groups.
    await fake.sendEvent(messageEvent('!pack deploy strict beta', { user: ALICE, channel: 'C0STRICT' }));
    const promptCall = await fake.waitForCall('chat.postMessage', (c) => c.params['channel'] === 'C0STRICT' && textOf(c).includes('to complete your deployment'));
    const prompt = [...fake.messages.values()].find((m) => m.text === textOf(promptCall))!;
    const buttons = (prompt.blocks.find((b) => b['type'] === 'actions')?.['elements'] ?? []) as Array<{ action_id: string; value: string }>;
    const confirm = buttons.find((b) => b.action_id === 'packbot_confirm')!;
    await fake.sendInteractive({
      type: 'block_actions', trigger_id: 'trig-alice', user: { id: ALICE, username: 'alice' }, team: { id: FAKE_BOT.team },
      api_app_id: FAKE_BOT.appId, channel: { id: 'C0STRICT', name: 'strict' },
      container: { type: 'message', channel_id: 'C0STRICT', message_ts: prompt.ts, is_ephemeral: false },
      message: { type: 'message', ts: prompt.ts, text: prompt.text, blocks: prompt.blocks },
      actions: [{ type: 'button', action_id: 'packbot_confirm', block_id: 'packbot_actions', value: confirm.value, action_ts: `${prompt.ts}9` }],
    });
    const resolved = await fake.waitForCall('chat.update', (c) => c.params['ts'] === prompt.ts);
    expect(textOf(resolved)).toBe(prompt.text);
    await fake.waitForCall('chat.update', (c) => c.params['channel'] === 'C0STRICT' && textOf(c).includes('beta 1.0.0 — deployed'));
    expect(fake.callsOf('chat.postEphemeral')).toEqual([]);
    await bot.app.idle();
    expect(await denials(bot)).toHaveLength(1);
    // Every lookup so far came from the one cached answer.
    expect(fake.callsOf('usergroups.list')).toHaveLength(1);
  });

  it('asks Slack once per TTL, however many messages arrive, and again once the TTL has passed', async () => {
    const time = clock();
    const bot = await groupsBot({ now: time.now });
    const { fake } = bot;

    // A burst at once (concurrent lookups share one request), then more, all within the TTL.
    await Promise.all([queue(bot, ALICE, 'C0Q1'), queue(bot, BOB, 'C0Q2'), queue(bot, 'UCAROL03', 'C0Q3')]);
    time.advance(TTL_MS - 1);
    await queue(bot, ALICE, 'C0Q4');
    await queue(bot, BOB, 'C0Q5');
    expect(fake.callsOf('usergroups.list')).toHaveLength(1);

    // Past the TTL the next message asks again, and sees membership changes.
    time.advance(2);
    fake.setUserGroups({ S0OPS: [BOB] });
    await fake.sendEvent(messageEvent('!pack deploy demo alpha', { user: BOB }));
    await fake.waitForCall('chat.update', (c) => textOf(c).includes('alpha 1.0.0 — deployed'));
    expect(fake.callsOf('usergroups.list')).toHaveLength(2);
    expect(warnings(bot)).toEqual([]);
  });

  it('without the usergroups:read scope: no groups (the member is refused), one warning naming the scope', async () => {
    const time = clock();
    const bot = await groupsBot({ now: time.now, prepare: (fake) => fake.failUserGroups('missing_scope') });
    const { fake } = bot;

    // Alice is in S0OPS, but packbot cannot know it: fail closed.
    await fake.sendEvent(messageEvent('!pack deploy demo alpha', { user: ALICE }));
    const refusal = await fake.waitForCall('chat.postMessage', (c) => c.params['channel'] === 'C0OPS');
    expect(textOf(refusal)).toMatch(/^pack deploy needs one of ops \(permissions.commands.deploy\); .* to add slack:UALICE01 there/);
    await fake.sendEvent(messageEvent('!pack deploy demo beta', { user: ALICE, channel: 'C0AGAIN' }));
    await fake.waitForCall('chat.postMessage', (c) => c.params['channel'] === 'C0AGAIN');
    await bot.app.idle();
    expect((await denials(bot)).map((r) => r.requested_by)).toEqual([`slack:${ALICE}`, `slack:${ALICE}`]);
    expect((await bot.app.services.history.list()).some((r) => r.kind === 'deploy')).toBe(false);

    // Read commands still work: the failure never breaks message handling.
    await queue(bot, ALICE, 'C0READ');

    // One warning with the fix, not one per message; failures are not retried on every message.
    const warned = warnings(bot);
    expect(warned).toHaveLength(1);
    expect(warned[0]?.slackError).toBe('missing_scope');
    expect(warned[0]?.msg).toContain('usergroups:read');
    expect(warned[0]?.fix).toContain('add the usergroups:read scope; see slack-manifest.yml');
    expect(fake.callsOf('usergroups.list')).toHaveLength(1);

    // Once the scope is granted, a later message (after the retry pause) gets its groups.
    fake.failUserGroups(null);
    time.advance(60_000);
    await fake.sendEvent(messageEvent('!pack deploy demo alpha', { user: ALICE, channel: 'C0FIXED' }));
    await fake.waitForCall('chat.update', (c) => c.params['channel'] === 'C0FIXED' && textOf(c).includes('alpha 1.0.0 — deployed'));
    expect(fake.callsOf('usergroups.list')).toHaveLength(2);
  });
});

describe('Slack user groups, when no permission names one', () => {
  it('are never looked up, so an app without usergroups:read works unchanged', async () => {
    const repo = await scenarioRepo();
    const bot = await startSlackBot({
      mode: 'socket',
      repositories: [`demo: {repo: ${JSON.stringify(repo.url)}, branch: main}`],
      permissions: ['deployers: ["slack:UALICE01"]'],
      prepare: (fake) => fake.failUserGroups('missing_scope'),
    });
    bots.push(bot);
    await bot.fake.connected();
    await queue(bot, ALICE, 'C0NOGRP');
    await bot.fake.sendEvent(messageEvent('!pack deploy demo alpha', { user: ALICE, channel: 'C0NOGRP' }));
    await bot.fake.waitForCall('chat.update', (c) => textOf(c).includes('alpha 1.0.0 — deployed'));
    expect(bot.fake.callsOf('usergroups.list')).toEqual([]);
    expect(bot.rt.logs()).not.toContain('usergroups:read');
  });
});
