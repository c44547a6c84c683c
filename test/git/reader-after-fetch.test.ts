import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSubtreeRepo, createTestGit } from '../helpers/git-repo.js';

describe('the object reader across fetches', () => {
  it('reads objects a later fetch brought in, loose or in a pack it had not seen', async () => {
    const repo = await createSubtreeRepo(['a']);
    const t = await createTestGit();
    const remote = { name: 'r', url: repo.url };
    await t.git.sync(remote);
    const first = await repo.revParse('HEAD');
    // The reader starts here and is kept across the syncs below.
    expect((await t.git.readFile(remote, first, 'packs/a/pack.yaml'))?.toString()).toMatch(/ref: a/);

    const second = await repo.commit('b', { 'packs/b/pack.yaml': 'ref: b\n' });
    await t.git.sync(remote);
    expect((await t.git.readFile(remote, second, 'packs/b/pack.yaml'))?.toString()).toBe('ref: b\n');

    // Many objects at once arrive as a pack, which the running reader has never seen.
    const files = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`packs/c/actions/f${i}.yaml`, `n: ${i}\n`]));
    const third = await repo.commit('c', files);
    await repo.git(['gc', '--quiet']);
    const packs = async () => (await readdir(path.join(t.stateDir, 'mirrors', 'r.git', 'objects', 'pack'))).filter((f) => f.endsWith('.pack'));
    const before = await packs();
    await t.git.sync(remote);
    expect((await packs()).filter((p) => !before.includes(p))).not.toEqual([]);
    expect((await t.git.readFile(remote, third, 'packs/c/actions/f199.yaml'))?.toString()).toBe('n: 199\n');
    expect((await t.git.readFile(remote, first, 'packs/a/pack.yaml'))?.toString()).toMatch(/ref: a/);
    await t.git.closeReaders();
  });
});
