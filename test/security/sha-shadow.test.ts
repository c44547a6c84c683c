/**
 * Issue 15, finding 9: a branch named as a reviewed commit's full sha used to win over the
 * commit, so "deploy <reviewed sha>" installed the attacker's branch. Through the real deploy
 * path (createApp's deployer, its preflight and its pipeline) on a real git repository.
 */
import { describe, expect, it } from 'vitest';
import { createDeployEnv, pack } from '../helpers/deploy.js';
import { createRepo } from '../helpers/git-repo.js';

async function shadowed() {
  const repo = await createRepo({ files: pack('alpha', { version: '1.0.0' }) });
  const reviewed = await repo.revParse('HEAD');
  // The attacker's commit, on a side branch (main stays at the reviewed commit).
  await repo.branch('evil-work');
  await repo.checkout('evil-work');
  const evil = await repo.commit('innocent tweak', pack('alpha', { version: '6.6.6' }));
  await repo.checkout('main');
  const env = await createDeployEnv({ demo: { url: repo.url } });
  return { repo, env, reviewed, evil };
}

describe('a commit sha cannot be shadowed by a branch or tag', () => {
  it('deploying a full sha deploys that commit, even when a branch (or tag) is named after it', async () => {
    const { repo, env, reviewed, evil } = await shadowed();
    await repo.updateRef(`refs/heads/${reviewed}`, evil);
    await repo.updateRef(`refs/tags/${reviewed.toUpperCase()}`, evil);

    expect(await env.app.deployer.targets(env.app.deployer.plan({ repo: 'demo', ref: reviewed, packs: 'alpha', requestedBy: 'console:alice' }))).toEqual(['alpha']);
    const result = await env.deploy({ repo: 'demo', packs: 'alpha', ref: reviewed });
    expect(result.error).toBeNull();
    expect(result.commit).toBe(reviewed);
    expect(result.packs[0]).toMatchObject({ pack: 'alpha', status: 'deployed', version: '1.0.0' });

    // In capitals it is the same commit; the tag spelled so is not read either.
    const upper = await env.deploy({ repo: 'demo', packs: 'alpha', ref: reviewed.toUpperCase(), force: true });
    expect(upper.commit).toBe(reviewed);
  });

  it('refuses a branch or tag whose name is a full sha, even spelled out as refs/heads/…', async () => {
    const { repo, env, reviewed, evil } = await shadowed();
    await repo.updateRef(`refs/heads/${reviewed}`, evil);
    await repo.updateRef(`refs/tags/${'a'.repeat(40)}`, evil);
    for (const ref of [`refs/heads/${reviewed}`, `refs/tags/${'a'.repeat(40)}`]) {
      const result = await env.deploy({ repo: 'demo', packs: 'alpha', ref });
      expect(result.commit, ref).toBeNull();
      expect(result.error, ref).toMatch(/named like a full commit sha/);
      expect(result.error).not.toContain('\n');
    }
    // A full sha no commit has, while a branch carries that name: the branch is still not used.
    const missing = await env.deploy({ repo: 'demo', packs: 'alpha', ref: 'a'.repeat(40) });
    expect(missing.commit).toBeNull();
    expect(missing.error).toMatch(/not in repository "demo"/);
    expect(await env.app.services.store.list()).toEqual([]);
  });

  it('refuses a short hex ref that is also a branch or tag, naming both readings and how to pick one', async () => {
    const { repo, env, reviewed, evil } = await shadowed();
    const short = reviewed.slice(0, 10);
    await repo.updateRef(`refs/heads/${short}`, evil);
    await repo.updateRef('refs/tags/c0ffee1', evil);

    const refused = await env.deploy({ repo: 'demo', packs: 'alpha', ref: short });
    expect(refused.commit).toBeNull();
    expect(refused.error).toContain(`"${short}" is ambiguous in repository "demo"`);
    expect(refused.error).toContain(`branch ${short} (at ${evil.slice(0, 7)})`);
    expect(refused.error).toContain(`commit ${reviewed.slice(0, 7)}`);
    expect(refused.error).toContain(`refs/heads/${short}`);
    expect(refused.error).toMatch(/full (40-character )?sha/);
    expect(refused.error).not.toContain('\n');
    // Refused before it is queued, too (the coordinator's preflight).
    const plan = env.app.deployer.plan({ repo: 'demo', ref: short, packs: 'alpha', requestedBy: 'console:alice' });
    await expect(env.app.deployer.targets(plan)).rejects.toMatchObject({ code: 'git_ref_ambiguous' });

    // A tag whose hex name matches no commit is refused all the same: a commit may come to.
    const tagged = await env.deploy({ repo: 'demo', packs: 'alpha', ref: 'c0ffee1' });
    expect(tagged.error).toMatch(/"c0ffee1" is ambiguous.*tag c0ffee1.*refs\/tags\/c0ffee1/);
    expect(await env.app.services.store.list()).toEqual([]);

    // Either reading, said outright, deploys.
    const asCommit = await env.deploy({ repo: 'demo', packs: 'alpha', ref: reviewed });
    expect(asCommit.packs[0]).toMatchObject({ status: 'deployed', version: '1.0.0' });
    const asBranch = await env.deploy({ repo: 'demo', packs: 'alpha', ref: `refs/heads/${short}` });
    expect(asBranch.commit).toBe(evil);
    expect(asBranch.packs[0]).toMatchObject({ status: 'deployed', version: '6.6.6' });
  });

  it('still deploys ordinary branches, tags and short shas', async () => {
    const { repo, env, reviewed, evil } = await shadowed();
    await repo.tag('v1.0.0', { ref: reviewed });
    expect((await env.deploy({ repo: 'demo', packs: 'alpha', ref: 'evil-work' })).commit).toBe(evil);
    expect((await env.deploy({ repo: 'demo', packs: 'alpha', ref: 'v1.0.0' })).commit).toBe(reviewed);
    expect((await env.deploy({ repo: 'demo', packs: 'alpha', ref: evil.slice(0, 7) })).commit).toBe(evil);
    expect((await env.deploy({ repo: 'demo', packs: 'alpha', ref: 'refs/tags/v1.0.0' })).commit).toBe(reviewed);
  });
});
