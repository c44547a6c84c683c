/**
 * A pack whose tree failed validation fails the same way while its tree is the same: a
 * redeploy of `all` reports it with the same problems without writing it out and validating
 * it again (failed-trees.ts), across a restart too. A changed tree, strictness or `force` is
 * judged afresh. Counted through the deployer's own tally, not timed.
 */
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/app.js';
import { createDeployEnv, deployConfigYaml, pack } from '../helpers/deploy.js';
import { createRepo } from '../helpers/git-repo.js';
import { testRuntime } from '../helpers/runtime.js';

const BROKEN = 'packs/bad/pack.yaml';

describe('trees that failed validation', () => {
  it('are reported again from memory, not staged and validated again, until they change', async () => {
    const repo = await createRepo({ files: { ...pack('good'), ...pack('other'), [BROKEN]: 'name: bad\nversion: one\n' } });
    const env = await createDeployEnv({ mono: { url: repo.url } });
    const all = () => env.app.deployer.run({ repo: 'mono', packs: 'all', requestedBy: 'console:alice' });

    const first = await all();
    const bad = first.packs.find((p) => p.source === 'bad');
    expect(bad?.status).toBe('failed');
    expect(env.app.deployer.validations()).toEqual({ validated: 3, recalled: 0 });

    // Nothing changed: the good packs are unchanged, the broken one is recalled with the same report.
    const second = await all();
    expect(second.packs.find((p) => p.source === 'bad')).toEqual(bad);
    expect(second.packs.filter((p) => p.status === 'unchanged')).toHaveLength(2);
    expect(env.app.deployer.validations()).toEqual({ validated: 3, recalled: 1 });

    // force: judged again.
    await env.app.deployer.run({ repo: 'mono', packs: 'all', force: true, requestedBy: 'console:alice' });
    expect(env.app.deployer.validations().validated).toBe(6);

    // A restarted packbot (same state_dir) remembers it too.
    await env.app.stop();
    const { app } = await restarted(env.root, repo.url);
    const third = await app.deployer.run({ repo: 'mono', packs: 'all', requestedBy: 'console:alice' });
    expect(third.packs.find((p) => p.source === 'bad')?.error).toBe(bad?.error);
    expect(app.deployer.validations()).toEqual({ validated: 0, recalled: 1 });

    // Fixed: a new tree, validated and deployed.
    await repo.commit('fix bad', pack('bad'));
    const fixed = await app.deployer.run({ repo: 'mono', packs: 'all', requestedBy: 'console:alice' });
    expect(fixed.packs.find((p) => p.source === 'bad')?.status).toBe('deployed');
    expect(app.deployer.validations()).toEqual({ validated: 1, recalled: 1 });
    await app.stop();
  }, 120_000);

  it('judge a tree afresh when its entry is unreadable', async () => {
    const repo = await createRepo({ files: { ...pack('good'), [BROKEN]: 'name: bad\nversion: one\n' } });
    const env = await createDeployEnv({ mono: { url: repo.url } });
    const all = () => env.app.deployer.run({ repo: 'mono', packs: 'all', requestedBy: 'console:alice' });
    const first = await all();
    const dir = path.join(env.config.state_dir, 'failed-trees');
    const [entry] = await readdir(dir);
    expect(entry).toMatch(/^[0-9a-f]{64}\.json$/);
    await writeFile(path.join(dir, entry as string), '{"ref": 1');
    const second = await all();
    expect(second.packs.find((p) => p.source === 'bad')?.error).toBe(first.packs.find((p) => p.source === 'bad')?.error);
    expect(env.app.deployer.validations()).toEqual({ validated: 3, recalled: 0 });
    await env.app.stop();
  }, 120_000);
});

/** A second app on the same repositories and state_dir, as a restarted packbot is. */
async function restarted(root: string, url: string) {
  const rt = await testRuntime(deployConfigYaml(root, { mono: { url } }), root);
  const app = await createApp(rt.config, { ...rt, adapters: [] });
  await app.start();
  return { app };
}
