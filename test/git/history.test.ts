import { describe, expect, it } from 'vitest';
import { createSubtreeRepo, createTestGit } from '../helpers/git-repo.js';

describe('log and changedPaths', () => {
  async function fixture() {
    const repo = await createSubtreeRepo();
    const c1 = await repo.revParse('HEAD');
    const c2 = await repo.commit('a: bump version', { 'packs/a/pack.yaml': 'name: a\nversion: 1.1.0\n' });
    const c3 = await repo.commit('b: new action', { 'packs/b/actions/new.yaml': 'name: new\n' });
    const c4 = await repo.commit('a: drop run.sh', { 'packs/a/actions/run.sh': null });
    const { git } = await createTestGit();
    const remote = { name: 'r', url: repo.url };
    await git.sync(remote);
    return { git, remote, c1, c2, c3, c4 };
  }

  it('lists the commits touching a path in (from, to], newest first', async () => {
    const { git, remote, c1, c2, c4 } = await fixture();
    const commits = await git.log(remote, c1, c4, 'packs/a');
    expect(commits.map((c) => [c.sha, c.subject])).toEqual([
      [c4, 'a: drop run.sh'],
      [c2, 'a: bump version'],
    ]);
    expect(commits[0]).toMatchObject({ author: 'Ada Author', date: expect.stringMatching(/^2024-01-01T/) });
  });

  it('lists the whole history without a start, and caps it', async () => {
    const { git, remote, c1, c4 } = await fixture();
    const all = await git.log(remote, null, 'main', '');
    expect(all).toHaveLength(4);
    expect(all.at(-1)?.sha).toBe(c1);
    expect(await git.log(remote, null, c4, '', 1)).toEqual([all[0]]);
    expect(await git.log(remote, c4, c4, 'packs/a')).toEqual([]);
  });

  it('names the paths changed between two commits', async () => {
    const { git, remote, c1, c4 } = await fixture();
    expect(await git.changedPaths(remote, c1, c4)).toEqual(['packs/a/actions/run.sh', 'packs/a/pack.yaml', 'packs/b/actions/new.yaml']);
    expect(await git.changedPaths(remote, c4, c4)).toEqual([]);
  });
});
