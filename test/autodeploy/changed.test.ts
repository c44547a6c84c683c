import { describe, expect, it } from 'vitest';
import { changedPacks } from '../../src/services/autodeploy/changed.js';
import type { Release } from '../../src/domain/packstore/index.js';
import { pack } from '../helpers/deploy.js';
import { createRepo, createTestGit, type GitRepo } from '../helpers/git-repo.js';

/** A pack store that says these packs are active from repo `r` at these trees. */
function deployedAt(trees: Record<string, string>, root = false) {
  return {
    list: async () => Object.entries(trees).map(([name, tree]) => ({
      pack: name, release: 'x', dir: '', meta: { pack: name, version: '1.0.0', repo: 'r', source: root ? '' : `packs/${name}`, tree },
    }) as unknown as Release),
  };
}

async function setup(files = { ...pack('a'), ...pack('b'), ...pack('c') }): Promise<{ repo: GitRepo; run: (i: Partial<Parameters<typeof changedPacks>[0]>) => ReturnType<typeof changedPacks>; treesAt: (sha: string) => Promise<Record<string, string>> }> {
  const repo = await createRepo({ files });
  const { git } = await createTestGit();
  const remote = { name: 'r', url: repo.url };
  return {
    repo,
    run: async (input) => {
      await git.sync(remote);
      return changedPacks({ git, store: deployedAt({}), remote, repo: 'r', subtree: true, before: null, after: '', forced: null, ...input });
    },
    treesAt: async (sha) => (await git.sync(remote), Object.fromEntries((await git.packTrees(remote, sha)).map((p) => [p.name, p.treeId]))),
  };
}

describe('which packs a push changed', () => {
  it('a normal push: the packs whose files the diff touches; a deleted pack is reported, not deployed', async () => {
    const { repo, run } = await setup();
    const before = await repo.revParse('HEAD');
    const after = await repo.commit('b and c', { ...pack('b', { version: '2.0.0' }), 'packs/c/pack.yaml': null, 'packs/c/actions/hello.yaml': null, 'packs/c/actions/hello.py': null, 'README.md': 'x' });
    expect(await run({ before, after })).toEqual({ packs: ['b'], removed: ['c'], basis: 'diff', forced: false });
  });

  it('a directory without pack.yaml is no pack: touching it deploys nothing; a pack losing its pack.yaml is removed', async () => {
    const { repo, run } = await setup({ ...pack('a'), ...pack('b'), 'packs/old/README.md': 'moved\n' });
    const before = await repo.revParse('HEAD');
    const docs = await repo.commit('docs only', { 'packs/old/README.md': 'moved to elsewhere\n', 'packs/notes/README.md': 'new\n' });
    expect(await run({ before, after: docs })).toEqual({ packs: [], removed: [], basis: 'diff', forced: false });
    const gone = await repo.commit('b moved away', { 'packs/b/pack.yaml': null });
    expect(await run({ before: docs, after: gone })).toEqual({ packs: [], removed: ['b'], basis: 'diff', forced: false });
  });

  it('works out a force-push on the mirror when the provider does not say, and compares with what is deployed', async () => {
    const { repo, run, treesAt } = await setup();
    const first = await repo.revParse('HEAD');
    const second = await repo.commit('a 2', pack('a', { version: '2.0.0' }));
    const deployed = await treesAt(second);
    await repo.git(['reset', '--hard', first]);
    const rewritten = await repo.commit('b 2', pack('b', { version: '2.0.0' }));
    // a was deployed at 2.0.0, which the new history lacks: it goes back too.
    const result = await run({ before: second, after: rewritten, store: deployedAt(deployed) });
    expect(result).toEqual({ packs: ['a', 'b'], removed: [], basis: 'both', forced: true });
  });

  it('an unknown before (a created branch, or one the mirror never saw) compares with what is deployed only', async () => {
    const { repo, run, treesAt } = await setup();
    const first = await repo.revParse('HEAD');
    const deployed = await treesAt(first);
    const after = await repo.commit('c 2', pack('c', { version: '2.0.0' }));
    const unseen = 'f'.repeat(40);
    expect(await run({ before: unseen, after, store: deployedAt({ a: deployed['a']!, c: deployed['c']! }) }))
      .toEqual({ packs: ['c'], removed: [], basis: 'deployed', forced: false });
    // Nothing deployed from this repository and nothing to diff against: nothing to deploy.
    expect(await run({ before: null, after })).toEqual({ packs: [], removed: [], basis: 'deployed', forced: false });
  });

  it('a pack at the repository root: any change deploys it, no change does not', async () => {
    const { repo, run } = await setup(pack('solo', { prefix: '' }));
    const before = await repo.revParse('HEAD');
    const after = await repo.commit('docs', { 'README.md': 'hi' });
    expect((await run({ before, after, subtree: false })).packs).toEqual(['r']);
    expect((await run({ before: after, after, subtree: false })).packs).toEqual([]);
  });
});
