import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app/app.js';
import { click, startLiveBot } from '../helpers/live-bot.js';
import { scenarioConfig, scenarioRepo } from '../scenarios/setup.js';
import { stripPeople } from '../../src/core/identity.js';

/** A click's note as the CLI would show it: people as displayIdentity names them (adapters resolve them per platform). */
const plain = (o: { accepted: boolean; note: string }) => ({ ...o, note: stripPeople(o.note) });

describe('Confirm and Cancel buttons', () => {
  const apps: App[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.stop();
  });

  it("count only the requester's Confirm, handle a click once, and let an admin cancel", async () => {
    const bot = await startLiveBot(scenarioConfig((await scenarioRepo()).url, '', '1m'));
    apps.push(bot.app);
    bot.say('@alice !pack deploy strict alpha');
    const prompt = await bot.waitFor((m) => m.text.startsWith('Say _'));
    const entryId = /`!pack cancel ([0-9a-f]{8})`/.exec(prompt.text)?.[1] ?? '';

    expect(plain(await bot.click(click('bob', 'confirm', entryId, 'click-1')))).toEqual({ accepted: false, note: "That is @alice's deployment; only they can confirm it." });
    expect(plain(await bot.click(click('bob', 'cancel', entryId, 'click-2')))).toEqual({ accepted: false, note: `Request ${entryId} is @alice's; only they or an admin can cancel it.` });
    expect(plain(await bot.click(click('alice', 'confirm', entryId, 'click-3')))).toEqual({ accepted: true, note: 'Confirmed by @alice.' });
    // The platform delivering the same click again: nothing happens twice.
    expect(plain(await bot.click(click('alice', 'confirm', entryId, 'click-3')))).toEqual({ accepted: false, note: 'That click was already handled.' });
    expect((await bot.waitFor((m) => m.text.startsWith('Deploy `'))).text).toMatch(/✓ alpha 1\.0\.0 — deployed/);
    expect(plain(await bot.click(click('alice', 'confirm', entryId, 'click-4')))).toMatchObject({ accepted: false, note: expect.stringMatching(/no longer waiting for confirmation/) });

    bot.say('@carol !pack deploy strict beta');
    const second = await bot.waitFor((m) => m.text.startsWith('Say _') && m.mentions.includes('carol'));
    const secondId = /`!pack cancel ([0-9a-f]{8})`/.exec(second.text)?.[1] ?? '';
    expect(plain(await bot.click(click('root', 'cancel', secondId, 'click-5')))).toEqual({ accepted: true, note: "Cancelled by @root (it was @carol's)." });
    expect(await bot.app.services.coordinator.queue.list()).toEqual([]);
    const deploys = (await bot.app.services.history.list()).filter((r) => r.kind === 'deploy');
    expect(deploys.map((r) => r.requested_by)).toEqual(['console:alice']);
  }, 30_000);
});
