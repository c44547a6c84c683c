/**
 * Issue 20 (2, 3 and the cut-off part of 10): a deploy's outcome survives the state store
 * going away under it, and a deploy cut off after its release went live is reported (and
 * recorded, locked, announced) as what is actually active.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scaled } from '../helpers/budget.js';
import { startChat, stopAllChats, type ChatMsg, type ChatProcess } from '../helpers/chat-process.js';
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server.js';
import { dropRedisPrefix, REDIS_URL } from '../helpers/stores.js';
import { scenarioChat } from './setup.js';

// The registration hook holds every deploy open until the test creates `release`, so the
// test acts (kills Redis, kills packbot) at a known point: after the release went live.
const HOLD = "const f = process.argv[1]; (function w() { require('fs').existsSync(f) ? process.exit(0) : setTimeout(w, 50); })()";
const holdingHook = (release: string) => `register: {command: ["node", "-e", ${JSON.stringify(HOLD)}, ${JSON.stringify(release)}]}`;

const toAlice = (pattern: RegExp) => (m: ChatMsg) => m.mentions.includes('alice') && pattern.test(m.text);

/** What the bot says of alpha, its locks, its queue and deploy `id`'s history, asked in chat (answered in #general). */
async function stateOf(chat: ChatProcess, id: string) {
  const answer = async (pattern: RegExp) => (await chat.waitFor((m) => m.channel === 'general' && pattern.test(m.text))).text;
  chat.say('!pack status alpha');
  const status = await answer(/^alpha .* is active|not installed/);
  chat.say('!pack locks');
  const locks = await answer(/^(Locked packs|No packs are locked)/);
  chat.say('!pack queue');
  const queue = await answer(/^(The deploy queue|Deploy queue)/);
  chat.say(`!pack history ${id}`);
  const history = await answer(new RegExp(`^(?!Deploy \`)[\\s\\S]*${id}`));
  return { status, locks, queue, history };
}

const idOf = (text: string) => /`([0-9a-f]{8})`/.exec(text)?.[1] ?? '';

describe('a Redis outage in the middle of a deploy', () => {
  let redis: OwnRedis | null = null;
  afterEach(async () => {
    await stopAllChats();
    await redis?.stop();
    redis = null;
  });

  // stall_timeout is long so that the job keeps its BullMQ lock through the outage: one worker, one turn.
  it('still records the outcome, moves the lock and tells the requester once Redis is back', { timeout: scaled(240_000) }, async () => {
    redis = await startOwnRedis();
    const release = path.join(tmpdir(), `packbot-outage-hook-${randomUUID()}`);
    const { chat } = await scenarioChat(`store: {kind: redis, url: ${JSON.stringify(redis.url)}}\nqueue: {stall_timeout: 300s}\n${holdingHook(release)}`);
    chat.say('@alice !pack deploy demo alpha feature-x');
    await chat.waitFor(/✓ install alpha/);
    // The release is live and its registration waiting: now the store goes away.
    await redis.kill();
    await writeFile(release, '');
    // The turn's fence and queue writes wait out the store for a while before the outcome is kept on disk.
    const pending = await chat.waitFor(toAlice(/state store is unavailable, so deployment .* is not recorded/), { timeoutMs: scaled(120_000) });
    expect(pending.text).toMatch(/alpha/);
    const id = idOf(pending.text);
    expect(id).not.toBe('');

    await redis.restart();
    const settled = await chat.waitFor(toAlice(/The state store is back: deployment .* is recorded/));
    expect(settled.text).toContain(id);
    const summary = chat.messages().find((m) => m.mentions.includes('alice') && m.text.startsWith(`Deploy \`${id}\``));
    expect(summary?.text).toMatch(/: 1 ok, 0 failed/);
    // The repository's notify channel heard of it, with the lock it took.
    expect(chat.messages().some((m) => m.channel === 'ops' && m.text.includes(id) && /finished/.test(m.text))).toBe(true);

    const state = await stateOf(chat, id);
    expect(state.status).toMatch(/^alpha 1\.1\.0 is active: release `1\.1\.0-[0-9a-f]{7}-\w+` from demo feature-x/);
    expect(state.locks).toMatch(/alpha on demo _feature-x_ — @alice since .*, reverts in/);
    expect(state.queue).toBe('The deploy queue is empty.');
    expect(state.history).toMatch(/success/);
    await chat.end();
  });
});

const prefix = `packbot-test:${randomUUID()}:`;
// Embedded: the next start finds the job cut off; Redis: a live worker finds it stalled (BullMQ's attempts).
const BACKENDS = [
  ['embedded', ''],
  ['redis', `store: {kind: redis, url: ${JSON.stringify(REDIS_URL)}, prefix: ${JSON.stringify(prefix)}}\nqueue: {stall_timeout: 2s}`],
] as const;

describe.each(BACKENDS)('a %s deploy whose process is killed twice after its release went live', (name, store) => {
  afterEach(async () => {
    await stopAllChats();
    if (name === 'redis') await dropRedisPrefix(prefix);
  });

  it('is reported, recorded and locked as what is active, and the notify channel hears of it', { timeout: scaled(180_000) }, async () => {
    const release = path.join(tmpdir(), `packbot-twice-hook-${randomUUID()}`);
    const { chat: first, config } = await scenarioChat(`${store}\n${holdingHook(release)}`);
    // force: the retry installs (and registers) again, so it too can be cut off after activation.
    first.say('@alice !pack deploy demo alpha feature-x force=true');
    const id = idOf((await first.waitFor((m) => m.channel === 'ops')).text);
    expect(id).not.toBe('');
    await first.waitFor(/✓ install alpha/);
    await first.kill('SIGKILL');

    // The job's lock lapses; the next process takes the turn over, and is killed at the same point.
    const second = startChat({ config });
    await second.waitFor(/✓ install alpha/, { timeoutMs: scaled(60_000) });
    await second.kill('SIGKILL');

    // Out of attempts: the third reports it, as what is actually active.
    const third = startChat({ config });
    const report = await third.waitFor(toAlice(/cut off/), { timeoutMs: scaled(60_000) });
    expect(report.text).not.toMatch(/Nothing half-done/);
    expect(report.text).toMatch(/alpha 1\.1\.0 — deployed/);
    expect(idOf(report.text)).toBe(id);
    await third.waitFor((m) => m.channel === 'ops' && m.text.includes(id));

    const state = await stateOf(third, id);
    expect(state.status).toMatch(/^alpha 1\.1\.0 is active: release `1\.1\.0-[0-9a-f]{7}-\w+` from demo feature-x/);
    // The lock and its revert timer, as a finished deploy of a branch takes them.
    expect(state.locks).toMatch(/alpha on demo _feature-x_ — @alice since .*, reverts in/);
    expect(state.queue).toBe('The deploy queue is empty.');
    expect(state.history).toContain(id);
    await writeFile(release, '');
    await third.end();
  });
});
