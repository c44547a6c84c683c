import { lstat, mkdir, readdir, readFile, readlink, realpath, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PackbotError } from '../../src/core/errors.js';
import { createPackStore } from '../../src/domain/packstore/index.js';
import { code, meta, rejection, steppingClock, useStoreFixture, writeTree } from './helpers.js';

const fx = useStoreFixture('store');

describe('install', () => {
  it('copies the source into a release and points <pack> at it with a relative symlink', async () => {
    const src = await fx.source({ 'actions/hello.yaml': 'name: hello\n' });
    const { release, previous } = await fx.store.writeRelease('demo', src, meta('demo', { commit: 'abcdef0123456789abcdef0123456789abcdef01', extra_field: 42 }));

    expect(previous).toBeNull();
    expect(release.release).toBe('1.0.0-abcdef0-20240102T030406678Z');
    expect(release.dir).toBe(join(fx.packsDir, '.releases', 'demo', release.release));
    expect(release.active).toBe(true);

    const link = join(fx.packsDir, 'demo');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe(`.releases/demo/${release.release}`);
    expect(await readFile(join(link, 'actions', 'hello.yaml'), 'utf8')).toBe('name: hello\n');

    const written = JSON.parse(await readFile(join(release.dir, '.packbot.json'), 'utf8'));
    expect(written).toEqual({
      pack: 'demo',
      release: release.release,
      version: '1.0.0',
      repo: 'st2contrib',
      branch: 'master',
      commit: 'abcdef0123456789abcdef0123456789abcdef01',
      deployed_by: 'console:alice',
      deployed_at: '2024-01-02T03:04:06.678Z',
      deploy_id: expect.stringMatching(/^d\d+$/),
      extra_field: 42,
    });
    expect(Object.keys(written).slice(0, 9)).toEqual(['pack', 'release', 'version', 'repo', 'branch', 'commit', 'deployed_by', 'deployed_at', 'deploy_id']);
    expect(release.meta).toEqual(written);
    expect(await fx.store.active('demo')).toEqual(release);
    expect(await readdir(join(fx.packsDir, '.releases', 'demo'))).toEqual([release.release]);
  });

  it('preserves file modes, executable scripts included', async () => {
    const src = await fx.source({ 'actions/run.sh': ['#!/bin/sh\necho hi\n', 0o755], 'actions/lib/data.txt': ['x', 0o640] });
    const { release } = await fx.store.writeRelease('demo', src, meta('demo'));
    expect((await stat(join(release.dir, 'actions/run.sh'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(release.dir, 'actions/lib/data.txt'))).mode & 0o777).toBe(0o640);
    expect((await stat(join(release.dir, 'pack.yaml'))).mode & 0o777).toBe(0o644);
  });

  it('refuses a source containing a symlink and leaves nothing behind', async () => {
    const src = await fx.source();
    await symlink('/etc/passwd', join(src, 'passwd'));
    const err = await rejection(fx.store.writeRelease('demo', src, meta('demo')));
    expect(err.code).toBe('release_invalid');
    expect(err.message).toContain('symlink');
    expect(await readdir(join(fx.packsDir, '.releases', 'demo'))).toEqual([]);
    expect(await fx.store.active('demo')).toBeNull();
  });

  it("keeps a pack's relative in-pack symlinks as symlinks, resolving inside the new release", async () => {
    const src = await fx.source({ 'actions/lib/x.py': 'x = 1\n' });
    await mkdir(join(src, 'sensors', 'lib'), { recursive: true });
    await symlink('../../actions/lib/x.py', join(src, 'sensors', 'lib', 'x.py'));
    await symlink('../actions/lib', join(src, 'sensors', 'shared'));
    const { release } = await fx.store.writeRelease('demo', src, meta('demo'));
    expect(await readlink(join(release.dir, 'sensors', 'lib', 'x.py'))).toBe('../../actions/lib/x.py');
    expect(await readlink(join(release.dir, 'sensors', 'shared'))).toBe('../actions/lib');
    expect(await readFile(join(fx.packsDir, 'demo', 'sensors', 'shared', 'x.py'), 'utf8')).toBe('x = 1\n');
    expect(await realpath(join(fx.packsDir, 'demo', 'sensors', 'lib', 'x.py'))).toBe(await realpath(join(release.dir, 'actions', 'lib', 'x.py')));
  });

  it.each([
    ['leaves the source', { 'sensors/x.py': '../../outside.py' }, /refusing the symlink sensors\/x\.py \(-> "\.\.\/\.\.\/outside\.py"\) in the pack source: it points outside the pack/],
    ['leaves through another link', { 'a.py': 'b.py', 'b.py': '../outside.py' }, /refusing the symlink a\.py .*: it points outside the pack through "b\.py"/],
    ['dangles', { 'gone.py': 'nothing.py' }, /refusing the symlink gone\.py .*does not exist in the pack/],
  ])('refuses a symlink that %s and leaves nothing behind', async (_what, links, message) => {
    const src = await fx.source();
    await writeFile(join(src, '..', 'outside.py'), 'secret');
    for (const [at, target] of Object.entries(links)) {
      await mkdir(dirname(join(src, at)), { recursive: true });
      await symlink(target, join(src, at));
    }
    const err = await rejection(fx.store.writeRelease('demo', src, meta('demo')));
    expect(err.code).toBe('release_invalid');
    expect(err.message).toMatch(message);
    expect(await readdir(join(fx.packsDir, '.releases', 'demo'))).toEqual([]);
    expect(await fx.store.active('demo')).toBeNull();
  });

  it('rejects invalid pack names and bad metadata before touching the disk', async () => {
    const src = await fx.source();
    for (const bad of ['../evil', 'Demo', 'a/b', '', 'x-y']) {
      expect(await code(fx.store.writeRelease(bad, src, meta(bad)))).toBe('pack_name_invalid');
    }
    expect(await code(fx.store.writeRelease('demo', src, meta('other')))).toBe('release_invalid');
    expect(await code(fx.store.writeRelease('demo', src, meta('demo', { commit: '../../x' })))).toBe('release_invalid');
    await expect(readdir(fx.packsDir)).rejects.toThrow();
  });

  it('tames a version that is not path-safe', async () => {
    const { release } = await fx.store.writeRelease('demo', await fx.source(), meta('demo', { version: '../1.0 beta/..' }));
    expect(release.release).toMatch(/^1\.0_beta_\.-[0-9a-f]{7}-\d{8}T\d{9}Z$/);
    expect(release.meta.version).toBe('../1.0 beta/..');
  });

  it('carries config.yaml over from the active release unless the new one ships its own', async () => {
    const first = await fx.store.writeRelease('demo', await fx.source({ 'config.yaml': 'api_key: one\n' }), meta('demo'));
    const second = await fx.store.writeRelease('demo', await fx.source(), meta('demo'));
    expect(second.previous?.release).toBe(first.release.release);
    expect(await readFile(join(second.release.dir, 'config.yaml'), 'utf8')).toBe('api_key: one\n');

    const third = await fx.store.writeRelease('demo', await fx.source({ 'config.yaml': 'api_key: three\n' }), meta('demo'));
    expect(await readFile(join(third.release.dir, 'config.yaml'), 'utf8')).toBe('api_key: three\n');
  });

  it('keeps the newest five releases by default', async () => {
    const names: string[] = [];
    for (let i = 0; i < 7; i++) names.push((await fx.store.writeRelease('demo', await fx.source(), meta('demo'))).release.release);
    const kept = await fx.store.releases('demo');
    expect(kept.map((r) => r.release)).toEqual(names.slice(2).reverse());
    expect(kept.map((r) => r.active)).toEqual([true, false, false, false, false]);
  });

  it('never prunes the previous release, even when it is older than the kept ones', async () => {
    fx.store = createPackStore({ packsDir: fx.packsDir, releasesKept: 2, now: steppingClock() });
    const r1 = (await fx.store.writeRelease('demo', await fx.source(), meta('demo'))).release.release;
    const r2 = (await fx.store.writeRelease('demo', await fx.source(), meta('demo'))).release.release;
    await fx.store.rollback('demo', r1);
    const r3 = (await fx.store.writeRelease('demo', await fx.source(), meta('demo'))).release.release;
    // r1 was active before r3: it stays although only two are kept.
    expect((await fx.store.releases('demo')).map((r) => r.release)).toEqual([r3, r2, r1]);
    const r4 = (await fx.store.writeRelease('demo', await fx.source(), meta('demo'))).release.release;
    expect((await fx.store.releases('demo')).map((r) => r.release)).toEqual([r4, r3]);
  });

  it('gives releases unique, ordered names even when the clock stands still', async () => {
    fx.store = createPackStore({ packsDir: fx.packsDir, now: () => new Date(Date.UTC(2024, 5, 1)) });
    const a = (await fx.store.writeRelease('demo', await fx.source(), meta('demo', { commit: 'a'.repeat(40) }))).release.release;
    const b = (await fx.store.writeRelease('demo', await fx.source(), meta('demo', { commit: 'a'.repeat(40) }))).release.release;
    expect(a).toBe('1.0.0-aaaaaaa-20240601T000000000Z');
    expect(b).toBe('1.0.0-aaaaaaa-20240601T000000001Z');
    expect((await fx.store.releases('demo')).map((r) => r.release)).toEqual([b, a]);
  });

  it('runs prepare on the release before it becomes visible, and activates nothing if it throws', async () => {
    const first = await fx.store.writeRelease('demo', await fx.source(), meta('demo'));
    const seen: string[] = [];
    const { release } = await fx.store.writeRelease('demo', await fx.source(), meta('demo'), {
      prepare: async (dir) => {
        seen.push(await readlink(join(fx.packsDir, 'demo')));
        await writeFile(join(dir, 'built.txt'), 'ok');
      },
    });
    expect(seen).toEqual([`.releases/demo/${first.release.release}`]);
    expect(await readFile(join(release.dir, 'built.txt'), 'utf8')).toBe('ok');

    const failing = fx.store.writeRelease('demo', await fx.source(), meta('demo'), {
      prepare: async () => {
        throw new PackbotError('env_failed', 'demo: pip install failed');
      },
    });
    expect(await code(failing)).toBe('env_failed');
    expect((await fx.store.active('demo'))?.release).toBe(release.release);
    expect((await readdir(join(fx.packsDir, '.releases', 'demo'))).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('refuses to replace a pack directory it does not manage', async () => {
    await writeTree(join(fx.packsDir, 'demo'), { 'pack.yaml': 'name: demo\n' });
    const err = await rejection(fx.store.writeRelease('demo', await fx.source(), meta('demo')));
    expect(err.code).toBe('release_invalid');
    // Named as operators know it; the message reaches chat, where the server's paths don't belong.
    expect(err.message).toBe('packs_dir/demo exists and is not a packbot symlink; move it away before installing demo');
    expect((await rejection(fx.store.writeRelease('demo', join(fx.packsDir, 'nope'), meta('demo')))).message).toBe('the pack source is not a directory');
    expect((await lstat(join(fx.packsDir, 'demo'))).isDirectory()).toBe(true);
    expect(await fx.store.list()).toEqual([]);
    expect(await fx.store.releases('demo')).toEqual([]);
  });

  it('serialises two stores racing on the same pack', async () => {
    const other = createPackStore({ packsDir: fx.packsDir });
    const results = await Promise.all([
      fx.store.writeRelease('demo', await fx.source(), meta('demo')),
      other.writeRelease('demo', await fx.source(), meta('demo')),
      fx.store.writeRelease('demo', await fx.source(), meta('demo')),
    ]);
    const names = results.map((r) => r.release.release);
    expect(new Set(names).size).toBe(3);
    const all = await fx.store.releases('demo');
    expect(all).toHaveLength(3);
    expect(all.filter((r) => r.active)).toHaveLength(1);
    // Each install saw the one before it as previous: exactly one saw none.
    expect(results.filter((r) => r.previous === null)).toHaveLength(1);
  });
});

describe('list and releases', () => {
  it('lists the active release of every installed pack, sorted, and skips foreign entries', async () => {
    await fx.store.writeRelease('zeta', await fx.source(), meta('zeta'));
    await fx.store.writeRelease('alpha', await fx.source(), meta('alpha'));
    await fx.store.writeRelease('alpha', await fx.source(), meta('alpha', { version: '2.0.0' }));
    await writeTree(join(fx.packsDir, 'handmade'), { 'pack.yaml': 'x' });
    const listed = await fx.store.list();
    expect(listed.map((r) => [r.pack, r.meta.version, r.active])).toEqual([
      ['alpha', '2.0.0', true],
      ['zeta', '1.0.0', true],
    ]);
    expect(await fx.store.releases('nothing')).toEqual([]);
    expect(await fx.store.active('nothing')).toBeNull();
  });
});
