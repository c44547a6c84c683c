import { afterEach, describe, expect, it } from 'vitest';
import { scenarioConfig, scenarioRepo } from '../scenarios/setup.js';
import { startLiveBot, type LiveBot } from '../helpers/live-bot.js';

const bots: LiveBot[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
});

describe('pack deps on a pack that is not installed', () => {
  it('names the configured repositories it comes from, not "not in any index"', async () => {
    const bot = await startLiveBot(scenarioConfig((await scenarioRepo()).url));
    bots.push(bot);
    bot.say('@alice #general !pack deps alpha');
    const tree = await bot.waitFor((m) => m.text.includes('alpha'));
    expect(tree.text).not.toContain('not in any index');
    // demo and strict are the same git repository: both are named, on their default branch.
    expect(tree.text).toContain('alpha (not installed; in repositories demo, strict)');

    bot.say('@alice #general !pack deps ghost');
    const none = await bot.waitFor((m) => m.text.includes('ghost'));
    expect(none.text).toContain('ghost (not installed; in no configured repository or index)');
  }, 30_000);
});
