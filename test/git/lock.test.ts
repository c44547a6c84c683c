import { mkdir, readdir, utimes } from 'node:fs/promises';
import path from 'node:path';
import { acquireFileLock } from '../../src/core/fs/file-lock.js';
import { describe, expect, it } from 'vitest';
import { createSubtreeRepo, createTestGit } from '../helpers/git-repo.js';

describe('the per-mirror lock', () => {
  it('serializes concurrent syncs of one mirror: one clones, the other then fetches', async () => {
    const repo = await createSubtreeRepo();
    const first = await createTestGit();
    // A second Git on the same state dir stands in for a second packbot process.
    const second = await createTestGit({ stateDir: first.stateDir });
    const remote = { name: 'r', url: repo.url };
    const results = await Promise.all([first.git.sync(remote), second.git.sync(remote), first.git.sync(remote)]);
    expect(results.map((r) => r.cloned).sort()).toEqual([false, false, true]);
    expect(new Set(results.map((r) => r.mirrorDir)).size).toBe(1);
    expect(await first.git.resolveRef(remote, 'main')).toBe(await repo.revParse('HEAD'));
    expect((await readdir(path.join(first.stateDir, 'mirrors'))).sort()).toEqual(['r.git']);
  });

  it('different mirrors do not wait for each other', async () => {
    const one = await createSubtreeRepo(['a']);
    const two = await createSubtreeRepo(['b']);
    const { git, stateDir } = await createTestGit();
    const [a, b] = await Promise.all([git.sync({ name: 'one', url: one.url }), git.sync({ name: 'two', url: two.url })]);
    expect([a.cloned, b.cloned]).toEqual([true, true]);
    expect((await readdir(path.join(stateDir, 'mirrors'))).sort()).toEqual(['one.git', 'two.git']);
  });

  it('gives up with git_timeout while another process holds the lock', async () => {
    const repo = await createSubtreeRepo();
    const { git, stateDir } = await createTestGit({ timeoutMs: 600 });
    // A live holder (this process: alive by definition), as another packbot syncing would be.
    const held = await acquireFileLock(path.join(stateDir, 'mirrors', 'r.git.lock'), { staleMs: 600_000, waitMs: 0 });
    const err = await git.sync({ name: 'r', url: repo.url }).catch((e: unknown) => e);
    await held.release();
    expect(err).toMatchObject({ code: 'git_timeout', message: expect.stringContaining('another sync of repository "r"') });
  });

  it('takes over a stale lock left by a process that died', async () => {
    const repo = await createSubtreeRepo();
    const { git, stateDir } = await createTestGit();
    const lock = path.join(stateDir, 'mirrors', 'r.git.lock');
    await mkdir(lock, { recursive: true });
    const longAgo = new Date(Date.now() - 10 * 60_000);
    await utimes(lock, longAgo, longAgo);
    expect((await git.sync({ name: 'r', url: repo.url })).cloned).toBe(true);
    expect(await readdir(path.join(stateDir, 'mirrors'))).toEqual(['r.git']);
  });
});
