/**
 * The install stage: unrelated packs go live side by side (one at a time, a cold deploy of a
 * hundred packs spent most of its time waiting on fsyncs), but a pack never before the packs
 * it depends on. Observed through the deploy's own progress events, in the order they come.
 */
import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/services/deploy/stage-clock.js';
import { createDeployEnv, pack } from '../helpers/deploy.js';
import { createRepo } from '../helpers/git-repo.js';

describe('the install stage', () => {
  it('installs unrelated packs together, each after its dependencies', async () => {
    const loose = ['p1', 'p2', 'p3', 'p4', 'p5'].map((n) => pack(n));
    const repo = await createRepo({
      files: Object.assign({}, ...loose, pack('zbase'), pack('atop', { dependencies: ['zmid'] }), pack('zmid', { dependencies: ['zbase'] })),
    });
    const env = await createDeployEnv({ mono: { url: repo.url } });
    const events: ProgressEvent[] = [];
    const result = await env.app.deployer.run({ repo: 'mono', packs: 'all', requestedBy: 'console:alice' }, (e) => {
      if (e.stage === 'install' && e.pack) events.push(e);
    });
    expect(result.error).toBeNull();
    expect(result.packs.map((p) => p.status)).toEqual(Array(8).fill('deployed'));

    let running = 0;
    let peak = 0;
    for (const e of events) {
      running += e.status === 'start' ? 1 : -1;
      peak = Math.max(peak, running);
    }
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(8);
    // zbase is live before zmid starts, zmid before atop.
    const at = (pack: string, status: string) => events.findIndex((e) => e.pack === pack && e.status === status);
    expect(at('zbase', 'done')).toBeLessThan(at('zmid', 'start'));
    expect(at('zmid', 'done')).toBeLessThan(at('atop', 'start'));
    await env.app.stop();
  }, 120_000);
});
