/**
 * People by name on Slack: the real app and SlackAdapter against the fake Slack, whose
 * users.info knows Alice and Bob by their display names. Views name people (no ping), a
 * mention mark pings, an unknown person or a failed users.info shows the id, and names are
 * looked up once per person however many messages name them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { personMark } from '../../../src/core/identity.js';
import { reply } from '../../../src/interfaces/chat/reply.js';
import type { FakeSlack, RecordedCall } from '../../helpers/fake-slack.js';
import { scenarioRepo } from '../../scenarios/setup.js';
import { messageEvent, startSlackBot, type SlackBot } from './setup.js';

const bots: SlackBot[] = [];
afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.close();
});

const ALICE = 'UALICE01';
const BOB = 'UBOB0002';
const CAROL = 'UCAROL03'; // unknown to users.info
const textOf = (c: RecordedCall) => c.params['text'] ?? '';

async function peopleBot(prepare?: (fake: FakeSlack) => void): Promise<SlackBot> {
  const repo = await scenarioRepo();
  const url = JSON.stringify(repo.url);
  const bot = await startSlackBot({
    mode: 'socket',
    repositories: [`demo: {repo: ${url}, branch: main}`, `strict: {repo: ${url}, branch: main, confirm: {policy: always, timeout: 1h}}`],
    prepare: (fake) => {
      fake.setUsers({ [ALICE]: { display_name: 'Alice Liddell', real_name: 'Alice L.' }, [BOB]: { real_name: 'Bob <Builder> & Co' } });
      prepare?.(fake);
    },
  });
  bots.push(bot);
  await bot.fake.connected();
  return bot;
}

/** Polls until `check` holds (a deploy finishing in the background); generous, not a timing assertion. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** `user` says `text` in `channel` (a fresh one per question); resolves with packbot's answer there. */
async function ask(bot: SlackBot, user: string, text: string, channel: string): Promise<string> {
  await bot.fake.sendEvent(messageEvent(text, { user, channel }));
  return textOf(await bot.fake.waitForCall('chat.postMessage', (c) => c.params['channel'] === channel));
}

/** Alice deploys alpha from feature-x (she holds its lock); Carol's strict deploy waits for confirmation. */
async function seed(bot: SlackBot): Promise<void> {
  await bot.fake.sendEvent(messageEvent('!pack deploy demo alpha feature-x', { user: ALICE, channel: 'C0SEED' }));
  await until(async () => (await bot.app.services.coordinator.locks.get('alpha')) !== null, "alice's lock on alpha");
  await until(async () => (await bot.app.services.history.list({ pack: 'alpha', limit: 1 })).length === 1, 'the deploy on record');
  await bot.fake.sendEvent(messageEvent('!pack deploy strict beta', { user: CAROL, channel: 'C0SEED' }));
  await until(async () => (await bot.app.services.coordinator.queue.list()).length === 1, "carol's deploy in the queue");
  await bot.app.idle();
}

describe('Slack: people by name', () => {
  it('names people in pack locks, list, history, status, queue and a lock refusal; one users.info per person', async () => {
    const bot = await peopleBot();
    await seed(bot);

    const locks = await ask(bot, BOB, '!pack locks', 'C0LOCKS');
    expect(locks).toMatch(/• alpha on demo _feature-x_ — Alice Liddell since/);
    expect(locks).not.toContain(ALICE);
    expect(await ask(bot, BOB, '!pack list', 'C0LIST')).toMatch(/• alpha 1\.1\.0 — demo feature-x `[0-9a-f]{7}`, by Alice Liddell /);
    expect(await ask(bot, BOB, '!pack history alpha', 'C0HIST')).toMatch(/deploy by Alice Liddell — success/);
    expect(await ask(bot, BOB, '!pack status alpha', 'C0STATUS')).toContain('by Alice Liddell since');
    // Carol is not known to users.info: shown by her id, as before, and the message still goes out.
    expect(await ask(bot, BOB, '!pack queue', 'C0QUEUE')).toMatch(/waiting for confirmation — .*, by @UCAROL03 since/);

    // Bob may not roll back Alice's locked pack: the refusal names her. His own name is escaped as mrkdwn.
    const refusal = await ask(bot, BOB, '!pack rollback alpha', 'C0ROLL');
    expect(refusal).toContain('alpha is locked to branch feature-x by Alice Liddell since');
    expect(refusal).toContain('Ask Alice Liddell to release it');
    const unlock = await ask(bot, ALICE, '!pack unlock alpha', 'C0UNLOCK');
    expect(unlock).toContain('Released your lock on *alpha*');
    await bot.app.idle();

    // Many messages named Alice; Slack was asked about her once (and about Carol once, who failed).
    const asked = (user: string) => bot.fake.callsOf('users.info').filter((c) => c.params['user'] === user);
    expect(asked(ALICE)).toHaveLength(1);
    expect(asked(CAROL)).toHaveLength(1);
    expect(asked(ALICE)[0]?.headers.authorization).toMatch(/^Bearer xoxb-/);
    // Nothing Slack received carries an unresolved mark.
    expect(bot.fake.calls.filter((c) => Object.values(c.params).some((v) => /[\uE000\uE001]/.test(v)))).toEqual([]);
    expect(bot.rt.logs()).not.toMatch(/[\uE000\uE001]/);
  }, 120_000);

  it('mentions where asked (a ping), names elsewhere, and escapes a name like any text', async () => {
    const bot = await peopleBot();
    const text = `${personMark(`slack:${ALICE}`, 'mention')}, it is your turn; ${personMark(`slack:${BOB}`, 'name')} is next; ${personMark('github:octocat', 'name')} pushed.`;
    await bot.app.responder.send(bot.app.adapters[0]!, { platform: 'slack', channel: 'C0TURN' }, reply('error', { message: text }));
    const posted = await bot.fake.waitForCall('chat.postMessage', (c) => c.params['channel'] === 'C0TURN');
    // Bob's real name holds markup characters: escaped, so it can neither link nor ping.
    expect(textOf(posted)).toBe('<@UALICE01>, it is your turn; Bob ‹Builder› &amp; Co is next; octocat (github) pushed.');
    // A mention needs no lookup: Slack renders <@U…> as the name itself.
    expect(bot.fake.callsOf('users.info').map((c) => c.params['user'])).toEqual([BOB]);
  });

  it('shows ids when users.info is refused (missing_scope), with one warning naming the scope', async () => {
    const bot = await peopleBot((fake) => fake.failUsersInfo('missing_scope'));
    await seed(bot);
    expect(await ask(bot, BOB, '!pack locks', 'C0LOCKS')).toMatch(/• alpha on demo _feature-x_ — @UALICE01 since/);
    expect(await ask(bot, BOB, '!pack list', 'C0LIST')).toMatch(/, by UALICE01 /);
    expect(await ask(bot, BOB, '!pack rollback alpha', 'C0ROLL')).toContain('by @UALICE01 since');
    const warnings = bot.rt.logs().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string })
      .filter((l) => l.level >= 40 && l.msg.includes('users:read'));
    expect(warnings).toHaveLength(1);
  }, 120_000);

  it('shows ids while users.info is rate-limited, and the message still goes out', async () => {
    const bot = await peopleBot((fake) => fake.rateLimit('users.info', 100, 30));
    await seed(bot);
    expect(await ask(bot, BOB, '!pack history alpha', 'C0HIST')).toMatch(/deploy by UALICE01 — success/);
  }, 120_000);
});
