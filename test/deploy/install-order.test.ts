/**
 * The install stage: unrelated packs go live side by side (one at a time, a cold deploy of a
 * hundred packs spent most of its time waiting on fsyncs), but a pack never before the packs
 * it depends on. Observed through the deploy's own progress events, in the order they come.
 */
import { describe, expect, it } from 'vitest';
import { installInOrder, SETUP_CONCURRENCY } from '../../src/services/deploy/install-order.js';
import type { ProgressEvent } from '../../src/services/deploy/stage-clock.js';
import { createDeployEnv, pack, type DeployEnv } from '../helpers/deploy.js';
import { createRepo } from '../helpers/git-repo.js';

/** Deploys every pack of `mono`, checks all `count` went live, and returns their install events. */
async function installAll(env: DeployEnv, count: number): Promise<ProgressEvent[]> {
  const events: ProgressEvent[] = [];
  const result = await env.app.deployer.run({ repo: 'mono', packs: 'all', requestedBy: 'console:alice' }, (e) => {
    if (e.stage === 'install' && e.pack) events.push(e);
  });
  expect(result.error).toBeNull();
  expect(result.packs.map((p) => p.status)).toEqual(Array(count).fill('deployed'));
  return events;
}

/** The most packs installing at once, from their start and done events. */
function peakOf(events: readonly ProgressEvent[]): number {
  let running = 0;
  let peak = 0;
  for (const e of events) {
    running += e.status === 'start' ? 1 : -1;
    peak = Math.max(peak, running);
  }
  return peak;
}

describe('the install stage', () => {
  it('installs unrelated packs together, each after its dependencies', async () => {
    const loose = ['p1', 'p2', 'p3', 'p4', 'p5'].map((n) => pack(n));
    const repo = await createRepo({
      files: Object.assign({}, ...loose, pack('zbase'), pack('atop', { dependencies: ['zmid'] }), pack('zmid', { dependencies: ['zbase'] })),
    });
    const env = await createDeployEnv({ mono: { url: repo.url } });
    const events = await installAll(env, 8);

    const peak = peakOf(events);
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(8);
    // zbase is live before zmid starts, zmid before atop.
    const at = (pack: string, status: string) => events.findIndex((e) => e.pack === pack && e.status === status);
    expect(at('zbase', 'done')).toBeLessThan(at('zmid', 'start'));
    expect(at('zmid', 'done')).toBeLessThan(at('atop', 'start'));
    await env.app.stop();
  }, 120_000);

  it('has dozens of packs going live at once, so that their releases share flushes to disk', async () => {
    // 1,000 small packs, 8 at once: ~500 flushes one after another, most of the stage.
    const refs = Array.from({ length: 200 }, (_, i) => `p${i}`);
    const started: string[] = [];
    const finish: Array<() => void> = [];
    const all = installInOrder(refs, () => [], (ref) => {
      started.push(ref);
      return new Promise<string>((resolve) => finish.push(() => resolve(ref)));
    });
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(started.length).toBeGreaterThanOrEqual(32);
    expect(started.length).toBeLessThan(refs.length);
    // Each finish starts the next; results come in order whatever order they finish in.
    for (let finished = 0; finished < refs.length;) {
      const next = finish.pop();
      if (next) {
        next();
        finished++;
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    expect(await all).toEqual(refs);
  });

  it('has few packs going live at once when tests run inside their releases (one at a time, each pack holding its lock)', async () => {
    const names = Array.from({ length: 16 }, (_, i) => `t${i}`);
    const repo = await createRepo({ files: Object.assign({}, ...names.map((n) => pack(n))) });
    const env = await createDeployEnv({ mono: { url: repo.url } }, '    require_tests: true\n    tests: {command: ["true"]}\n');
    const events = await installAll(env, 16);
    const peak = peakOf(events);
    expect(peak).toBeLessThanOrEqual(SETUP_CONCURRENCY);
    await env.app.stop();
  }, 120_000);
});
