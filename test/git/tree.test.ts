import { describe, expect, it } from 'vitest';
import { createSinglePackRepo, createSubtreeRepo, createTestGit, runGit } from '../helpers/git-repo.js';

describe('tree and listPackDirs', () => {
  it('lists a pack directory recursively, relative to it, with modes, types and sizes', async () => {
    const repo = await createSubtreeRepo();
    const { git } = await createTestGit();
    const remote = { name: 'r', url: repo.url };
    const sha = await git.resolveRef(remote, 'main');
    const entries = await git.tree(remote, sha, 'packs/a');
    expect(entries.map((e) => e.path)).toEqual(['actions', 'actions/hello.py', 'actions/hello.yaml', 'actions/run.sh', 'pack.yaml']);
    expect(entries.find((e) => e.path === 'actions')).toEqual({ path: 'actions', mode: '040000', type: 'tree' });
    expect(entries.find((e) => e.path === 'actions/run.sh')).toMatchObject({ mode: '100755', type: 'blob', size: 19 });
    expect(entries.find((e) => e.path === 'actions/hello.py')).toMatchObject({ mode: '100644', size: 'print("hello from a")\n'.length });
  });

  it('lists the whole repository for the root path', async () => {
    const repo = await createSubtreeRepo(['a']);
    const { git } = await createTestGit();
    const remote = { name: 'r', url: repo.url };
    const paths = (await git.tree(remote, 'main', '')).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['README.md', 'packs', 'packs/a', 'packs/a/pack.yaml']));
  });

  it('finds the pack directories of a subtree repo, and none in a single-pack repo', async () => {
    const subtree = await createSubtreeRepo(['sensu', 'docker', 'aws']);
    await subtree.commit('a stray file under packs/', { 'packs/README.md': 'not a pack\n' });
    const single = await createSinglePackRepo('solo');
    const { git } = await createTestGit();
    expect(await git.listPackDirs({ name: 's', url: subtree.url }, 'main')).toEqual(['aws', 'docker', 'sensu']);
    expect(await git.listPackDirs({ name: 'one', url: single.url }, 'main')).toEqual([]);
  });

  it('reports a missing directory or a file as pack_unknown', async () => {
    const repo = await createSubtreeRepo();
    const { git } = await createTestGit();
    const remote = { name: 'r', url: repo.url };
    await expect(git.tree(remote, 'main', 'packs/nope')).rejects.toMatchObject({ code: 'pack_unknown', message: expect.stringContaining('"packs/nope"') });
    await expect(git.tree(remote, 'main', 'packs/a/pack.yaml')).rejects.toMatchObject({ code: 'pack_unknown', message: expect.stringContaining('not a directory') });
  });

  it('gives equal tree ids to identical content and different ids after a change', async () => {
    const repo = await createSubtreeRepo();
    const { git } = await createTestGit();
    const remote = { name: 'r', url: repo.url };
    const before = { a: await git.treeId(remote, 'main', 'packs/a'), b: await git.treeId(remote, 'main', 'packs/b') };
    await repo.commit('change b', { 'packs/b/pack.yaml': 'name: b\nversion: 9\n' });
    await git.sync(remote);
    expect(await git.treeId(remote, 'main', 'packs/a')).toBe(before.a);
    expect(await git.treeId(remote, 'main', 'packs/b')).not.toBe(before.b);
    expect(before.a).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('packTrees', () => {
  it('lists the pack directories with the tree ids git has for them, in one call', async () => {
    const repo = await createSubtreeRepo(['b', 'a']);
    await repo.commit('a file beside the packs', { 'packs/README.md': 'not a pack\n' });
    const { git } = await createTestGit();
    const remote = { name: 'r', url: repo.url };
    const sha = await git.resolveRef(remote, 'main');
    const trees = await git.packTrees(remote, sha);
    expect(trees.map((t) => [t.name, t.manifest])).toEqual([['a', true], ['b', true]]);
    for (const t of trees) expect(t.treeId).toBe((await repo.git(['rev-parse', `${sha}:packs/${t.name}`])).trim());
    expect(await git.treeId(remote, sha, 'packs/a')).toBe(trees[0]?.treeId);
  });

  it('says which directories hold no pack.yaml (not packs, as StackStorm sees them)', async () => {
    const repo = await createSubtreeRepo(['a']);
    await repo.commit('a pack moved away', { 'packs/old/README.md': 'moved\n', 'packs/odd/pack.yaml/x': 'a directory named pack.yaml\n' });
    const { git } = await createTestGit();
    const remote = { name: 'r', url: repo.url };
    const trees = await git.packTrees(remote, await git.resolveRef(remote, 'main'));
    expect(trees.map((t) => [t.name, t.manifest])).toEqual([['a', true], ['odd', true], ['old', false]]);
  });

  it('resolves branches from packed refs as well as loose ones', async () => {
    const repo = await createSubtreeRepo(['a']);
    await repo.branch('release/1.x');
    const { git, stateDir } = await createTestGit();
    const remote = { name: 'r', url: repo.url };
    await git.sync(remote);
    const mirror = `${stateDir}/mirrors/r.git`;
    await runGit(mirror, ['pack-refs', '--all'], { env: { GIT_DIR: mirror } });
    expect(await git.resolveRef(remote, 'release/1.x')).toBe(await repo.revParse('HEAD'));
    expect(await git.resolveRef(remote, 'main')).toBe(await repo.revParse('HEAD'));
  });
});
