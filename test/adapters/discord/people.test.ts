/**
 * People by name on Discord: the real app and discord.js against the fake Discord, whose guild
 * knows Alice by a nickname and Bob by his global display name. Views name people (no ping),
 * a mention mark pings exactly that person, someone Discord can't find shows by id, and a
 * member is fetched once however many messages name them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { personMark } from '../../../src/core/identity.js';
import { reply } from '../../../src/interfaces/chat/reply.js';
import { snowflake, type FakeUser, type RecordedRequest } from '../../helpers/fake-discord.js';
import { startDiscordBot, type DiscordBot } from './setup.js';

let bot: DiscordBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

/** Polls until `check` holds (a deploy finishing in the background); generous, not a timing assertion. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** `user` says `text`; resolves with the first message packbot posts after it that matches. */
async function ask(b: DiscordBot, user: FakeUser, text: string, answer: RegExp): Promise<RecordedRequest> {
  const before = b.posts().length;
  b.fake.say(user, text);
  return b.fake.waitFor((r) => b.posts().indexOf(r) >= before && answer.test(r.body?.content ?? ''), `an answer to ${text}`);
}

async function peopleBot(): Promise<{ b: DiscordBot; carol: FakeUser }> {
  const b = await startDiscordBot();
  b.alice.nick = 'Alice of Ops';
  b.alice.globalName = 'Alice L';
  const carol: FakeUser = { id: snowflake(), username: 'carol' };
  // Alice deploys alpha from feature-x (she holds its lock); Carol's deploy waits for confirmation.
  b.fake.say(b.alice, '!pack deploy demo alpha feature-x');
  await until(async () => (await b.app.services.coordinator.locks.get('alpha')) !== null, "alice's lock on alpha");
  await until(async () => (await b.app.services.history.list({ pack: 'alpha', limit: 1 })).length === 1, 'the deploy on record');
  b.fake.say(carol, '!pack deploy strict beta');
  await until(async () => (await b.app.services.coordinator.queue.list()).length === 1, "carol's deploy in the queue");
  // Her prompt is out before anyone asks anything else (on a busy machine it can trail the queue entry).
  await b.posted(/Say _/);
  await b.app.idle();
  // Carol has left the server since, and Discord no longer knows her.
  b.fake.members.delete(carol.id);
  return { b, carol };
}

const memberFetches = (b: DiscordBot, user: FakeUser) =>
  b.fake.requests.filter((r) => r.method === 'GET' && r.path === `/guilds/${b.fake.guildId}/members/${user.id}`);

describe('Discord: people by name', () => {
  it('names people as the server shows them in pack locks, list, history, queue and a lock refusal; one fetch per member', async () => {
    const { b, carol } = await peopleBot();
    bot = b;
    const { alice, bob } = b;

    const locks = await ask(b, bob, '!pack locks', /^Locked packs:/);
    expect(locks.body.content).toMatch(/• alpha on demo _feature-x_ — Alice of Ops since/);
    expect(locks.body.content).not.toContain(alice.id);
    expect((await ask(b, bob, '!pack list', /^Installed packs:/)).body.content).toMatch(/, by Alice of Ops /);
    expect((await ask(b, bob, '!pack history alpha', /^History of alpha/)).body.content).toMatch(/deploy by Alice of Ops — success/);

    // Carol can't be found: shown by id, which Discord renders as her name, without pinging her.
    const queue = await ask(b, bob, '!pack queue', /^Deploy queue:/);
    expect(queue.body.content).toContain(`by <@${carol.id}> since`);
    expect(queue.body.allowed_mentions).toEqual({ parse: [], users: [] });

    const refusal = await ask(b, bob, '!pack rollback alpha', /is locked to branch/);
    expect(refusal.body.content).toContain('alpha is locked to branch feature-x by Alice of Ops since');
    expect(refusal.body.allowed_mentions.users).toEqual([]);
    const status = await ask(b, bob, '!pack status alpha', /is active/);
    expect(status.body.content).toContain('by Alice of Ops since');

    await b.app.idle();
    expect(memberFetches(b, alice)).toHaveLength(1);
    expect(b.fake.requests.filter((r) => r.raw.includes('\uE000') || r.raw.includes('\\ue000'))).toEqual([]);
    expect(b.logs()).not.toMatch(/[\uE000\uE001]/);
    expect(b.fake.unknownRoutes).toEqual([]);
  }, 120_000);

  it('pings a mention mark, and only that person; names are markdown-escaped', async () => {
    const b = await startDiscordBot();
    bot = b;
    const { alice, bob, fake } = b;
    bob.globalName = 'bob_the_builder';
    fake.members.set(alice.id, alice);
    fake.members.set(bob.id, bob);
    const text = `${personMark(`discord:${alice.id}`, 'mention')}, your turn; ${personMark(`discord:${bob.id}`, 'name')} is next.`;
    const adapter = b.app.adapters.find((a) => a.platform === 'discord')!;
    await b.app.responder.send(adapter, { platform: 'discord', channel: fake.channel.id }, reply('error', { message: text }));
    const [sent] = b.posts();
    expect(sent!.body.content).toBe(`<@${alice.id}>, your turn; bob\\_the\\_builder is next.`);
    expect(sent!.body.allowed_mentions).toEqual({ parse: [], users: [alice.id] });
  });
});
