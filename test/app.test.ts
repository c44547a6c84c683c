import { describe, expect, it } from 'vitest';
import { startConsoleBot } from './helpers/bot.js';
import { BASIC_CONFIG } from './helpers/config.js';

const SECRET = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
const CONFIG = BASIC_CONFIG;

describe('the console bot end to end (in process)', () => {
  it('lists every command from aliases/ on !help', async () => {
    const bot = await startConsoleBot(CONFIG, { REPO_TOKEN: SECRET });
    const [help, ...rest] = await bot.converse(['!help']);
    expect(rest).toEqual([]);
    expect(help?.channel).toBe('general');
    for (const command of ['pack deploy <repo> [packs] [branch]', 'pack confirm', 'pack cancel', 'pack queue', 'pack locks',
      'pack lock extend', 'pack unlock', 'pack status', 'pack list', 'pack info', 'pack history', 'pack rollback', 'pack uninstall', 'help']) {
      expect(help?.text).toContain(command);
    }
  });

  it('answers by mention, per user and channel, and explains one command', async () => {
    const bot = await startConsoleBot(CONFIG, { REPO_TOKEN: SECRET });
    const out = await bot.converse(['@bob #ops @packbot help pack deploy', '#ops !pack queue']);
    expect(out).toHaveLength(2);
    expect(out[0]?.channel).toBe('ops');
    expect(out[0]?.text).toMatch(/pack deploy <repo> \[packs\] \[branch\]/);
    expect(out[0]?.text).toMatch(/comma/i);
    expect(out[1]?.text).toBe('The deploy queue is empty.');
  });

  it('stays quiet for chatter and answers unknown commands with the closest one', async () => {
    const bot = await startConsoleBot(CONFIG, { REPO_TOKEN: SECRET });
    const out = await bot.converse(['good morning', '!pack deplyo st2contrib docker']);
    expect(out).toHaveLength(1);
    expect(out[0]?.text).toContain("I don't know `pack deplyo st2contrib docker`");
    expect(out[0]?.text).toContain('Did you mean:\n`pack deploy <repo> [packs] [branch]` — Deploy packs');
  });

  it('normalises smart quotes before matching', async () => {
    const bot = await startConsoleBot(CONFIG, { REPO_TOKEN: SECRET });
    const out = await bot.converse(['!help “pack\u00a0deploy”']);
    expect(out[0]?.text).toContain('pack deploy <repo> [packs] [branch]');
  });

  it('refuses a message carrying a configured secret without repeating it, and masks it in logs', async () => {
    const bot = await startConsoleBot(CONFIG, { REPO_TOKEN: SECRET });
    const out = await bot.converse([`!frobnicate ${SECRET}`, `!help ${SECRET}`]);
    expect(out.length).toBeGreaterThan(0);
    for (const m of out) expect(m.text).not.toContain(SECRET);
    expect(out.map((m) => m.text)).toEqual(Array(2).fill(expect.stringMatching(/^That message contains what looks like .*; I did not run it\./)));
    bot.app.dispatcher.track(Promise.reject(new Error(`token ${SECRET} rejected`)));
    await bot.app.idle();
    expect(bot.logs()).toContain('rejected');
    expect(bot.logs()).not.toContain(SECRET);
  });

  it('handles a redelivered message once', async () => {
    const bot = await startConsoleBot(CONFIG, { REPO_TOKEN: SECRET });
    const adapter = bot.app.adapters[0];
    if (!adapter) throw new Error('no adapter');
    const msg = { platform: 'console', id: 'dup-1', user: { id: 'alice', name: 'alice' }, channel: { id: 'general', name: 'general' }, text: '!pack list' };
    await bot.app.dispatcher.handle(msg, adapter);
    await bot.app.dispatcher.handle({ ...msg }, adapter);
    const out = await bot.converse([]);
    expect(out).toHaveLength(1);
  });
});
