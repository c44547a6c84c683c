import { describe, expect, it } from 'vitest';
import { startConsoleBot } from '../helpers/bot.js';

const REPO_TOKEN = 'configured-repo-token-7f3a9c';
const slackBot = ['xoxb', '1234567890', '2345678901', 'AbCdEfGhIjKlMnOpQrStUvWx'].join('-');
const CONFIG = [
  'state_dir: ./var',
  'log: {level: debug}',
  'repositories:',
  '  demo: {repo: "https://git.invalid/demo.git", token: "${REPO_TOKEN}"}',
].join('\n');

describe('a credential pasted into chat', () => {
  it.each([
    ['a Slack bot token', `!pack deploy demo ${slackBot}`, slackBot, 'a Slack bot token', 'token'],
    ['a configured secret', `@packbot pack deploy demo all ${REPO_TOKEN}`, REPO_TOKEN, "one of packbot's configured secrets", 'secret'],
    ['a base64 configured secret', `!help ${Buffer.from(`x-access-token:${REPO_TOKEN}`).toString('base64')}`, REPO_TOKEN, "one of packbot's configured secrets", 'secret'],
    ['a password URL', '!pack deploy https://bob:hunter2hunter2@git.example.com/r.git', 'hunter2hunter2', 'a URL with credentials in it', 'password'],
  ])('%s: refused with one line that does not repeat it; nothing runs or is logged', async (_what, line, secret, label, noun) => {
    const bot = await startConsoleBot(CONFIG, { REPO_TOKEN });
    const out = await bot.converse([line]);
    expect(out.map((m) => m.text)).toEqual([
      `That message contains what looks like ${label}; I did not run it. Delete the message and rotate the ${noun}.`,
    ]);
    const logs = bot.logs();
    expect(logs).toContain('refused a message containing a credential');
    expect(logs).not.toContain(secret);
    // No alias matched and no command ran (the dispatcher logs every command it runs).
    expect(logs).not.toMatch(/"msg":"command"/);
    expect(logs).not.toMatch(/deploy/i);
  });

  it('lets ordinary commands through', async () => {
    const bot = await startConsoleBot(CONFIG, { REPO_TOKEN });
    const out = await bot.converse(['!help pack deploy']);
    expect(out[0]?.text).toContain('pack deploy <repo> [packs] [branch]');
    expect(bot.logs()).not.toContain('refused a message');
    expect(bot.logs()).toMatch(/"msg":"command"/);
  });
});
