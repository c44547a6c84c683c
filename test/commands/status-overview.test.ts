/**
 * `pack status` without a pack, on the console: the same view as Slack's App Home, as text —
 * the queue, the locks and the last deploys, the asker's own first, only from repositories
 * they may deploy.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { scenarioRepo } from '../scenarios/setup.js';
import { startLiveBot, type LiveBot } from '../helpers/live-bot.js';
import { reply } from '../../src/interfaces/chat/reply.js';
import { createRepo } from '../helpers/git-repo.js';
import { pack } from '../helpers/deploy.js';

const bots: LiveBot[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
});

const config = (url: string, secretUrl = url) => [
  'state_dir: ./var',
  'log: {level: warn}',
  'repositories:',
  `  demo: {repo: ${JSON.stringify(url)}, branch: main}`,
  `  strict: {repo: ${JSON.stringify(url)}, branch: main, confirm: {policy: always, timeout: 1h}}`,
  `  secret: {repo: ${JSON.stringify(secretUrl)}, branch: main, allowed_users: ["console:alice"]}`,
  'permissions: {admins: ["console:root"]}',
].join('\n');

const isStatus = (m: { text: string }) => /^(\*Deploy queue\*|The deploy queue is empty)/.test(m.text);

describe('pack status', () => {
  it("shows the queue, the locks and the last deploys, the asker's first, only from repositories they may deploy", async () => {
    const secret = await createRepo({ files: pack('gamma') });
    const bot = await startLiveBot(config((await scenarioRepo()).url, secret.url));
    bots.push(bot);
    bot.say('@alice #general !pack status');
    expect((await bot.waitFor(isStatus)).text).toBe('The deploy queue is empty.\n\nNo packs are locked.\n\nNo deploys yet.');

    bot.say('@alice #general !pack deploy secret gamma');
    await bot.waitFor((m) => /1 ok, 0 failed/.test(m.text));
    bot.say('@alice #general !pack deploy demo alpha feature-x');
    await bot.waitFor((m) => /alpha 1\.1\.0 — deployed/.test(m.text));
    // Bob's strict deploy waits for his phrase; Carol's, on the same pack, waits behind it.
    bot.say('@bob #general !pack deploy strict beta');
    await bot.waitFor((m) => /^Say _.+_ to complete your deployment/.test(m.text));
    bot.say('@carol #general !pack deploy demo beta');
    await bot.waitFor((m) => /Queued: beta from demo main/.test(m.text));
    await bot.app.services.coordinator.settled();

    bot.say('@carol #general !pack status');
    const carol = (await bot.waitFor(isStatus)).text.split('\n');
    expect(carol.join('\n')).not.toMatch(/gamma|secret/);
    expect(carol).toEqual([
      '*Deploy queue*',
      expect.stringMatching(/^2\. you — beta from demo main, waiting for \d+s \(`[0-9a-f]{8}`\)$/),
      expect.stringMatching(/^1\. @bob — beta from strict main, waiting for confirmation for \d+s \(`[0-9a-f]{8}`\)$/),
      '',
      '*Locks*',
      expect.stringMatching(/^🔒 \*alpha\* on demo _feature-x_ — @alice since \d+s, reverts in (59m|1h)$/),
      '',
      '*Recent deploys*',
      expect.stringMatching(/^✓ alpha 1\.1\.0 deployed from demo _feature-x_ — succeeded, by @alice just now \(`[0-9a-f]{8}`\)$/),
    ]);

    // Alice may deploy secret: she sees its deploy too, her lock as hers, with how to release it.
    bot.say('@alice #general !pack status');
    const alice = (await bot.waitFor(isStatus)).text;
    expect(alice).toMatch(/^🔒 \*alpha\* on demo _feature-x_ — yours since \d+s, reverts in (59m|1h): `!pack unlock alpha`$/m);
    expect(alice).toMatch(/Recent deploys\*\n✓ alpha 1\.1\.0 deployed from demo _feature-x_ — succeeded, by you just now .*\n✓ gamma 1\.0\.0 deployed from secret _main_ — succeeded, by you just now/);
    expect(alice).toMatch(/^1\. @bob — beta from strict main/m);

    // With a pack, it is still that pack's status.
    bot.say('@carol #general !pack status alpha');
    expect((await bot.waitFor((m) => /is active/.test(m.text))).text).toMatch(/^alpha 1\.1\.0 is active/);
  }, 60_000);

  it('writes its headings as each platform writes bold', async () => {
    const bot = await startLiveBot(config((await scenarioRepo()).url));
    bots.push(bot);
    const data = { queue: [], locks: [{ pack: 'alpha', repo: 'demo', branch: 'x', who: '@bob', mine: false, since: '1m', reverts: 'in 1h', reason: '' }], deploys: [] };
    expect(bot.app.responder.render('discord', reply('status_overview', data))).toBe('The deploy queue is empty.\n\n**Locks**\n🔒 **alpha** on demo _x_ — @bob since 1m, reverts in 1h\n\nNo deploys yet.');
  });
});
