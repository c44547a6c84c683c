/**
 * Slack's App Home: the real app and SlackAdapter (Bolt) against the fake Slack, whose
 * views.publish checks every view as Slack does. A person's home is published when they open
 * it and again when a deploy, a lock or an unlock changes what it shows; its Unlock and Extend
 * buttons act for the lock's holder only; it shows only the repositories its viewer may deploy.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { HomeView, RecordedCall } from '../../helpers/fake-slack.js';
import { scenarioRepo } from '../../scenarios/setup.js';
import { messageEvent, SECRETS, startSlackBot, type SlackBot } from './setup.js';

const bots: SlackBot[] = [];
afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.close();
});

const ALICE = 'UALICE01';
const BOB = 'UBOB0002';

type Block = { type: string; text?: { text?: string }; elements?: Array<{ type?: string; text?: unknown; action_id?: string; value?: string }>; fields?: Array<{ text?: string }> };

/** Everything a home says, one line per block text. */
function homeText(blocks: readonly Block[]): string {
  return blocks.flatMap((b) => [
    b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text ?? ''),
    ...(b.type === 'context' ? (b.elements ?? []).map((e) => (e.text as string | undefined) ?? '') : []),
  ]).filter(Boolean).join('\n');
}

const buttonsOf = (blocks: readonly Block[]) => blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);

interface Published {
  call: RecordedCall;
  blocks: Block[];
  text: string;
}

const published = (c: RecordedCall): Published => {
  const blocks = (JSON.parse(c.params['view'] ?? '{}') as { blocks?: Block[] }).blocks ?? [];
  return { call: c, blocks, text: homeText(blocks) };
};

async function homeBot(extraRepos: string[] = [], prepare?: Parameters<typeof startSlackBot>[0]['prepare']): Promise<SlackBot> {
  const repo = await scenarioRepo();
  const url = JSON.stringify(repo.url);
  const bot = await startSlackBot({
    mode: 'socket',
    repositories: [`demo: {repo: ${url}, branch: main}`, ...extraRepos.map((r) => r.replace('$URL', url))],
    prepare: (fake) => {
      fake.setUsers({ [ALICE]: { display_name: 'Alice Liddell' }, [BOB]: { display_name: 'Bob' } });
      prepare?.(fake);
    },
  });
  bots.push(bot);
  await bot.fake.connected();
  return bot;
}

/**
 * The next views.publish for `user` (made after this is called) that `pred` accepts, once Slack
 * has taken it (the fake stored it: its blocks passed Slack's checks).
 */
function nextHome(bot: SlackBot, user: string, pred: (p: Published) => boolean = () => true): Promise<Published> {
  const from = bot.fake.calls.length;
  return bot.fake.waitForCall('views.publish', (c) => bot.fake.calls.indexOf(c) >= from && c.params['user_id'] === user && pred(published(c)))
    .then((c) => {
      const stored = bot.fake.homes.views.get(user);
      expect(stored && JSON.stringify(stored.blocks)).toBe(JSON.stringify(published(c).blocks));
      return published(c);
    });
}

async function open(bot: SlackBot, user: string): Promise<Published> {
  const home = nextHome(bot, user);
  await bot.fake.openHome(user);
  return home;
}

const say = (bot: SlackBot, user: string, text: string, channel = 'C0OPS') => bot.fake.sendEvent(messageEvent(text, { user, channel }));

describe('Slack App Home', () => {
  it('publishes the viewer\'s home when they open it: valid Block Kit, queue, locks and deploys', async () => {
    const bot = await homeBot();
    const home = await open(bot, ALICE);
    expect(home.call.params['user_id']).toBe(ALICE);
    expect(home.blocks[0]).toMatchObject({ type: 'header' });
    expect(home.text).toContain('The deploy queue is empty.');
    expect(home.text).toContain('No packs are locked.');
    expect(home.text).toContain('No deploys yet.');
    // Opening the Messages tab (a DM with the bot) is not opening the home.
    await bot.fake.openHome(BOB, 'messages');
    await open(bot, ALICE);
    expect(bot.fake.callsOf('views.publish').filter((c) => c.params['user_id'] === BOB)).toEqual([]);
    expect(bot.fake.homes.views.get(ALICE)?.version).toBe(2);
  });

  it('publishes it again after a branch deploy (a lock), an unlock and a deploy, for everyone who opened it', async () => {
    const bot = await homeBot();
    await open(bot, ALICE);
    await open(bot, BOB);

    // A branch deploy: a lock, shown with its buttons to its holder only, and the deploy below.
    const aliceLocked = nextHome(bot, ALICE, (p) => p.text.includes('alpha') && buttonsOf(p.blocks).length > 0 && p.text.includes('1.1.0 deployed'));
    const bobLocked = nextHome(bot, BOB, (p) => /alpha.*feature-x/.test(p.text) && p.text.includes('1.1.0 deployed'));
    await say(bot, ALICE, '!pack deploy demo alpha feature-x');
    const mine = await aliceLocked;
    expect(buttonsOf(mine.blocks).map((b) => [b.action_id, b.value])).toEqual([['packbot_unlock_0', 'alpha'], ['packbot_extend_0', 'alpha']]);
    expect(mine.text).toMatch(/alpha\* on demo _feature-x_ — yours since \d+s, reverts in (59m|1h)/);
    const theirs = await bobLocked;
    expect(buttonsOf(theirs.blocks)).toEqual([]);
    expect(theirs.text).toMatch(/alpha\* on demo _feature-x_ — Alice Liddell since \d+s, reverts in (59m|1h)/);
    expect(theirs.text).toMatch(/✓ alpha 1\.1\.0 deployed from demo _feature-x_ — succeeded, by Alice Liddell/);

    // An unlock: the lock is gone from both homes.
    const aliceFree = nextHome(bot, ALICE, (p) => p.text.includes('No packs are locked.'));
    const bobFree = nextHome(bot, BOB, (p) => p.text.includes('No packs are locked.'));
    await say(bot, ALICE, '!pack unlock alpha');
    expect(buttonsOf((await aliceFree).blocks)).toEqual([]);
    await bobFree;

    // A deploy of the default branch: it heads the recent deploys.
    const bobDeployed = nextHome(bot, BOB, (p) => p.text.includes('beta 1.0.0 deployed'));
    await say(bot, BOB, '!pack deploy demo beta');
    const last = await bobDeployed;
    expect(last.text.indexOf('beta 1.0.0 deployed')).toBeLessThan(last.text.indexOf('alpha 1.1.0 deployed'));
    expect(last.text).toMatch(/beta 1\.0\.0 deployed from demo _main_ — succeeded, by you/);
  }, 120_000);

  it('Unlock and Extend act for the lock holder only; anyone else is refused on their home and the lock stays', async () => {
    const bot = await homeBot();
    const locked = new Promise<void>((resolve) => {
      const check = async () => ((await bot.app.services.coordinator.locks.get('alpha')) ? resolve() : setTimeout(() => void check(), 50));
      void check();
    });
    await say(bot, ALICE, '!pack deploy demo alpha feature-x');
    await locked;
    const home = await open(bot, ALICE);
    const [unlock, extend] = buttonsOf(home.blocks);
    expect(unlock).toMatchObject({ action_id: 'packbot_unlock_0', value: 'alpha' });
    const before = await bot.app.services.coordinator.locks.get('alpha');

    // Bob's home has no buttons; a click made up with Alice's is refused there, and changes nothing.
    await open(bot, BOB);
    const refusedUnlock = nextHome(bot, BOB, (p) => p.text.includes("The lock on alpha is Alice Liddell's; only they can unlock it."));
    await bot.fake.clickHome(BOB, { action_id: unlock!.action_id!, value: 'alpha' });
    await refusedUnlock;
    const refusedExtend = nextHome(bot, BOB, (p) => p.text.includes("only they can extend it"));
    await bot.fake.clickHome(BOB, { action_id: extend!.action_id!, value: 'alpha' });
    await refusedExtend;
    expect(await bot.app.services.coordinator.locks.get('alpha')).toEqual(before);

    // Alice's Extend adds an hour to what is left; her Unlock releases it.
    const extended = nextHome(bot, ALICE, (p) => p.text.includes('alpha stays on feature-x 1h longer'));
    await bot.fake.clickHome(ALICE, { action_id: extend!.action_id!, value: 'alpha' });
    expect((await extended).text).toMatch(/reverts in (1h 59m|2h)/);
    const after = await bot.app.services.coordinator.locks.get('alpha');
    expect(Date.parse(after!.expires_at) - Date.parse(before!.expires_at)).toBeGreaterThanOrEqual(3_600_000);

    const released = nextHome(bot, ALICE, (p) => p.text.includes('Released your lock on alpha') && p.text.includes('No packs are locked.'));
    await bot.fake.clickHome(ALICE, { action_id: unlock!.action_id!, value: 'alpha' });
    await released;
    expect(await bot.app.services.coordinator.locks.get('alpha')).toBeNull();
    const [record] = await bot.app.services.history.list({ limit: 1 });
    expect(record).toMatchObject({ kind: 'unlock', requested_by: `slack:${ALICE}`, note: 'released by its owner' });
    // Nothing was posted in a channel for the clicks: the answers are on the homes.
    expect(bot.fake.callsOf('chat.postEphemeral')).toEqual([]);
  }, 120_000);

  it('shows each viewer only the repositories they may deploy', async () => {
    const bot = await homeBot(['secret: {repo: $URL, branch: main, allowed_users: ["slack:UALICE01"]}']);
    await open(bot, ALICE);
    await open(bot, BOB);
    const aliceSees = nextHome(bot, ALICE, (p) => p.text.includes('beta') && p.text.includes('from secret'));
    await say(bot, ALICE, '!pack deploy secret beta feature-x');
    const alice = await aliceSees;
    expect(alice.text).toMatch(/beta\* on secret _feature-x_ — yours/);
    const bobSees = nextHome(bot, BOB, (p) => p.text.includes('alpha 1.0.0 deployed'));
    await say(bot, BOB, '!pack deploy demo alpha');
    const bob = await bobSees;
    expect(bob.text).not.toContain('secret');
    expect(bob.text).not.toContain('beta');
    expect(bob.text).toContain('No packs are locked.');
  }, 120_000);

  it('waits out a rate limit (Retry-After) and publishes, masked like any message', async () => {
    const bot = await homeBot([], (fake) => fake.rateLimit('views.publish', 2, 1));
    await bot.app.state.set('lock:alpha', JSON.stringify({
      pack: 'alpha', owner: `slack:${BOB}`, branch: 'feature-x', repo: 'demo', reason: `testing ${SECRETS.bot} and LateSecret0123456789abcdef`,
      since: new Date().toISOString(), expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    }));
    // Known only after it was stored (as a pack's secret is, at start): masked on the way out.
    bot.rt.masker.add('LateSecret0123456789abcdef');
    const home = await open(bot, ALICE);
    expect(bot.fake.callsOf('views.publish').map((c) => c.status)).toEqual([429, 429, 200]);
    expect(home.text).toMatch(/alpha\* on demo _feature-x_ — Bob since \d+s, reverts in (59m|1h) \(testing \*+ and \*+\)/);
    expect(bot.fake.everythingReceived()).not.toContain(SECRETS.bot.slice(5));
    expect(bot.fake.everythingReceived()).not.toContain('LateSecret');
  }, 60_000);

  it('keeps a home within Slack\'s limits however much there is to show', async () => {
    const bot = await homeBot();
    const locks = bot.app.services.coordinator.locks;
    // 150 locks of Alice's, straight into the store: more than a view has blocks.
    for (let i = 0; i < 150; i++) {
      await bot.app.state.set(`lock:pack${i}`, JSON.stringify({
        pack: `pack${i}`, owner: `slack:${ALICE}`, branch: `feature-${'x'.repeat(200)}-${i}`, repo: 'demo', since: new Date().toISOString(), expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      }));
    }
    expect(await locks.list()).toHaveLength(150);
    const home = await open(bot, ALICE);
    expect(home.blocks.length).toBeLessThanOrEqual(100);
    expect(home.text).toMatch(/and \d+ more/);
    const stored: HomeView | undefined = bot.fake.homes.views.get(ALICE);
    expect(stored?.version).toBe(1);
  }, 60_000);
});
