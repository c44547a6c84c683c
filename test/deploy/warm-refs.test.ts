import { afterEach, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import type { Git } from '../../src/domain/git/index.js';
import { preflight } from '../../src/services/deploy/preflight.js';
import { resolveRepository } from '../../src/services/deploy/resolve.js';
import { createSubtreeRepo, createTestGit, packFiles } from '../helpers/git-repo.js';
import { createDeployEnv, type DeployEnv } from '../helpers/deploy.js';

let env: DeployEnv | undefined;
afterEach(async () => {
  await env?.app.stop();
  if (env) await rm(env.root, { recursive: true, force: true });
  env = undefined;
});

/** packbot's git on the app's state dir, with the pack.yaml reads counted (every read still goes to git). */
function countingGit(git: Git): { git: Git; manifests: string[] } {
  const manifests: string[] = [];
  return {
    manifests,
    git: {
      ...git,
      readFile: (remote, commit, file) => {
        if (file.endsWith('pack.yaml')) manifests.push(file);
        return git.readFile(remote, commit, file);
      },
    },
  };
}

describe('the refs a redeploy of all is planned under', () => {
  it('come from the installed releases for unchanged pack trees: only a changed pack.yaml is read again', async () => {
    const repo = await createSubtreeRepo(['alpha', 'beta', 'gamma']);
    env = await createDeployEnv({ demo: { url: repo.url } });
    expect((await env.deploy({ repo: 'demo' })).success_count).toBe(3);
    // beta changes (and is renamed by its pack.yaml): its ref must be read, not remembered.
    const beta = packFiles('beta', 'packs/beta/');
    await repo.commit('beta is now delta', { ...beta, 'packs/beta/pack.yaml': String(beta['packs/beta/pack.yaml']).replace(/ref: beta/, 'ref: delta') });
    const real = (await createTestGit({ stateDir: env.config.state_dir })).git;
    const { git, manifests } = countingGit(real);
    const installed = () => env!.app.services.store.list();
    const found = await preflight(git, resolveRepository(env.config, 'demo'), 'main', [], undefined, installed);
    expect(found.refs).toEqual({ alpha: 'alpha', beta: 'delta', gamma: 'gamma' });
    expect(manifests).toEqual(['packs/beta/pack.yaml']);
    // Without the installed releases every manifest is read, and the refs are the same.
    const cold = countingGit(real);
    expect((await preflight(cold.git, resolveRepository(env.config, 'demo'), 'main', [])).refs).toEqual(found.refs);
    expect(cold.manifests.sort()).toEqual(['packs/alpha/pack.yaml', 'packs/beta/pack.yaml', 'packs/gamma/pack.yaml']);
  });
});
