import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapters, createApp, type App } from '../../src/app.js';
import { createActionHandler } from '../../src/chat/actions.js';
import type { IncomingAction } from '../../src/chat/types.js';
import { tempDir } from '../helpers/config.js';
import { testRuntime } from '../helpers/runtime.js';
import { scenarioConfig, scenarioRepo } from '../scenarios/setup.js';

interface Said { channel: string; text: string; mentions: string[] }

/** The real app with a console adapter on in-memory streams, kept running so buttons can be clicked. */
async function liveBot() {
  const repo = await scenarioRepo();
  const dir = await tempDir('packbot-actions-');
  const rt = await testRuntime(scenarioConfig(repo.url, '', '1m'), dir);
  const input = new PassThrough();
  const output = new PassThrough();
  const said: Said[] = [];
  let buffer = '';
  output.on('data', (d: Buffer) => {
    buffer += d.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const l of lines.filter(Boolean)) said.push(JSON.parse(l) as Said);
  });
  const app = await createApp(rt.config, { ...rt, adapters: createAdapters(rt.config, { console: { input, output, user: 'alice', channel: 'general', json: true, settle: false } }) });
  await app.start();
  const seen = new Set<string>();
  const click = createActionHandler({
    coordinator: app.services.coordinator, logger: rt.logger, masker: rt.masker,
    firstSeen: (key) => app.state.setIfAbsent(`seen:${key}`, '1'),
  });
  const waitFor = async (pred: (m: Said) => boolean): Promise<Said> => {
    for (let i = 0; i < 500; i++) {
      const hit = said.find((m) => !seen.has(JSON.stringify(m)) && pred(m));
      if (hit) return (seen.add(JSON.stringify(hit)), hit);
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`never said; saw:\n${said.map((m) => m.text).join('\n')}`);
  };
  return { app, input, said, click, waitFor };
}

const action = (user: string, kind: IncomingAction['action'], entryId: string, id: string): IncomingAction => ({
  platform: 'console', id, user: { id: user, name: user }, channel: { id: 'general', name: 'general' }, action: kind, entryId,
});

describe('Confirm and Cancel buttons', () => {
  const apps: App[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.stop();
  });

  it("count only the requester's Confirm, handle a click once, and let an admin cancel", async () => {
    const bot = await liveBot();
    apps.push(bot.app);
    bot.input.write('@alice !pack deploy strict alpha\n');
    const prompt = await bot.waitFor((m) => m.text.startsWith('Say _'));
    const entryId = /`!pack cancel ([0-9a-f]{8})`/.exec(prompt.text)?.[1] ?? '';

    expect(await bot.click(action('bob', 'confirm', entryId, 'click-1'))).toEqual({ accepted: false, note: "That is @alice's deployment; only they can confirm it." });
    expect(await bot.click(action('bob', 'cancel', entryId, 'click-2'))).toEqual({ accepted: false, note: `Request ${entryId} is @alice's; only they or an admin can cancel it.` });
    expect(await bot.click(action('alice', 'confirm', entryId, 'click-3'))).toEqual({ accepted: true, note: 'Confirmed by @alice.' });
    // The platform delivering the same click again: nothing happens twice.
    expect(await bot.click(action('alice', 'confirm', entryId, 'click-3'))).toEqual({ accepted: false, note: 'That click was already handled.' });
    expect((await bot.waitFor((m) => m.text.startsWith('Deploy `'))).text).toMatch(/✓ alpha 1\.0\.0 — deployed/);
    expect(await bot.click(action('alice', 'confirm', entryId, 'click-4'))).toMatchObject({ accepted: false, note: expect.stringMatching(/no longer waiting for confirmation/) });

    bot.input.write('@carol !pack deploy strict beta\n');
    const second = await bot.waitFor((m) => m.text.startsWith('Say _') && m.mentions.includes('carol'));
    const secondId = /`!pack cancel ([0-9a-f]{8})`/.exec(second.text)?.[1] ?? '';
    expect(await bot.click(action('root', 'cancel', secondId, 'click-5'))).toEqual({ accepted: true, note: "Cancelled by @root (it was @carol's)." });
    expect(await bot.app.services.coordinator.queue.list()).toEqual([]);
    const deploys = (await bot.app.services.history.list()).filter((r) => r.kind === 'deploy');
    expect(deploys.map((r) => r.requested_by)).toEqual(['console:alice']);
  }, 30_000);
});
