import { describe, expect, it } from 'vitest';
import { PackbotError } from '../../src/core/errors.js';
import { createRepo, createSubtreeRepo, createTestGit } from '../helpers/git-repo.js';

describe('resolveRef', () => {
  async function fixture() {
    const repo = await createSubtreeRepo();
    const first = await repo.revParse('HEAD');
    await repo.tag('v1.0.0');
    await repo.tag('v1.0.1-annotated', { message: 'release 1.0.1' });
    const second = await repo.commit('update a', { 'packs/a/pack.yaml': 'name: a\nversion: 1.1.0\n' });
    await repo.branch('feature-x', first);
    await repo.branch('feature/nested');
    const { git } = await createTestGit();
    const remote = { name: 'st2contrib', url: repo.url };
    await git.sync(remote);
    return { repo, git, remote, first, second };
  }

  it('resolves branches, tags (lightweight and annotated) and full or short shas to commits', async () => {
    const { git, remote, first, second } = await fixture();
    expect(await git.resolveRef(remote, 'main')).toBe(second);
    expect(await git.resolveRef(remote, 'feature-x')).toBe(first);
    expect(await git.resolveRef(remote, 'feature/nested')).toBe(second);
    expect(await git.resolveRef(remote, 'v1.0.0')).toBe(first);
    expect(await git.resolveRef(remote, 'v1.0.1-annotated')).toBe(first); // peeled, not the tag object
    expect(await git.resolveRef(remote, first)).toBe(first);
    expect(await git.resolveRef(remote, first.slice(0, 7))).toBe(first);
    expect(await git.resolveRef(remote, second.slice(0, 12).toUpperCase())).toBe(second);
  });

  it('prefers a branch over a tag of the same name', async () => {
    const repo = await createRepo({ files: { 'pack.yaml': 'name: x\n' } });
    const first = await repo.revParse('HEAD');
    await repo.tag('stable');
    const second = await repo.commit('two', { 'pack.yaml': 'name: x\nversion: 2\n' });
    await repo.branch('stable', second);
    const { git } = await createTestGit();
    expect(await git.resolveRef({ name: 'r', url: repo.url }, 'stable')).toBe(second);
    expect(first).not.toBe(second);
  });

  it('names an unknown ref and lists the branches and tags there are', async () => {
    const { git, remote } = await fixture();
    const err = (await git.resolveRef(remote, 'nope').catch((e: unknown) => e)) as PackbotError;
    expect(err).toBeInstanceOf(PackbotError);
    expect(err.code).toBe('git_ref_unknown');
    expect(err.message).toContain('"nope"');
    expect(err.message).toContain('"st2contrib"');
    expect(err.message).toMatch(/branches: .*main/);
    expect(err.message).toContain('feature-x');
    expect(err.message).toMatch(/tags: .*v1\.0\.0/);
    expect(err.message).not.toContain('\n');
  });

  it('treats an unknown sha like an unknown ref', async () => {
    const { git, remote } = await fixture();
    await expect(git.resolveRef(remote, 'deadbeef')).rejects.toMatchObject({ code: 'git_ref_unknown' });
    await expect(git.tree(remote, 'd'.repeat(40), '')).rejects.toMatchObject({ code: 'git_ref_unknown' });
  });

  it('accepts a branch or tag wherever a commit is expected', async () => {
    const { git, remote, first } = await fixture();
    expect(await git.treeId(remote, 'v1.0.0', 'packs/a')).toBe(await git.treeId(remote, first, 'packs/a'));
  });
});
