/**
 * Issue 20, item 10: "a warning overdue at restart is still sent ('goes back in 1s')". The
 * lock's warning was due while the bot was down; at restart the owner must not be told their
 * pack "goes back in 1s" (by the time they read it, it has): the late warning is dropped and
 * the revert notice, which follows, says what happened.
 *
 * The real app on the embedded store, a real git repo; the bot's clock is the real one
 * shifted, so "down for most of an hour" costs nothing and the revert still fires by itself.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/app.js';
import { consoleAdapterOf, createAdapters } from '../../adapters/index.js';
import { tempDir } from '../helpers/config.js';
import { testRuntime } from '../helpers/runtime.js';
import { scaled } from '../helpers/budget.js';
import { scenarioConfig, scenarioRepo } from '../scenarios/setup.js';

interface Said {
  channel: string;
  text: string;
  mentions: string[];
}

const HOUR = 3_600_000;

/** One run of the bot until `until` matches something it said (or its input ends); what it said. */
async function runBot(yaml: string, dir: string, now: () => number, lines: string[], until: RegExp | null): Promise<Said[]> {
  const rt = await testRuntime(yaml, dir);
  const input = new PassThrough();
  const output = new PassThrough();
  let out = '';
  const said = () => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Said);
  const seen = until
    ? new Promise<void>((resolve, reject) => {
        const guard = setTimeout(() => reject(new Error(`never said ${String(until)}; said:\n${out}\nlogs:\n${rt.logs()}`)), scaled(60_000));
        output.on('data', () => {
          if (said().some((m) => until.test(m.text))) {
            clearTimeout(guard);
            resolve();
          }
        });
      })
    : Promise.resolve();
  output.on('data', (d: Buffer) => (out += d.toString()));
  const adapters = createAdapters(rt.config, { console: { input, output, user: 'alice', channel: 'general', json: true } });
  const app = await createApp(rt.config, { ...rt, adapters, now });
  await app.start();
  for (const line of lines) input.write(`${line}\n`);
  try {
    await seen;
  } finally {
    input.end();
    await consoleAdapterOf(app)?.finished;
    // Waits for the timers' handlers in flight and for what they had to say.
    await app.stop({ drain: true });
  }
  return said();
}

describe('a lock warning whose moment passed while the bot was down', () => {
  it('is not sent late at restart; the revert notice follows on time', async () => {
    const repo = await scenarioRepo();
    const dir = await tempDir('packbot-warn-overdue-');
    const yaml = scenarioConfig(repo.url, 'locks: {revert_after: 1h, warn_before: 10m}');
    let shift = 0;
    const now = () => Date.now() + shift;

    const first = await runBot(yaml, dir, now, ['!pack deploy demo alpha feature-x'], /✓ alpha 1\.1\.0 — deployed/);
    expect(first.some((m) => /goes back/.test(m.text))).toBe(false);

    // Down for the warning (due 10m before the end) and back a second or two before the lock ends.
    shift = HOUR - 2_000;
    const second = await runBot(yaml, dir, now, [], /is back on/);
    expect(second.filter((m) => /goes back/.test(m.text)).map((m) => m.text)).toEqual([]);
    // Once where the lock was taken, once in the repository's notify channel.
    const reverted = second.filter((m) => /is back on/.test(m.text));
    expect(reverted.map((m) => m.channel).sort()).toEqual(['general', 'ops']);
    for (const m of reverted) expect(m.text).toMatch(/^↩ \*alpha\* is back on demo _main_: @alice's lock on _feature-x_ expired/);
  });
});
