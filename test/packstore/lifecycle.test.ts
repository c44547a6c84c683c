import { mkdir, readdir, readlink, realpath, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { PackbotError } from '../../src/core/errors.js';
import { code, meta, rejection, snapshot, useStoreFixture, writeTree } from './helpers.js';

const fx = useStoreFixture('lifecycle');

describe('rollback and activate', () => {
  let names: string[];
  beforeEach(async () => {
    names = [];
    for (let i = 0; i < 3; i++) names.push((await fx.store.writeRelease('demo', await fx.source(), meta('demo'))).release.release);
  });

  it('goes back to the previous release, then the one before', async () => {
    const back = await fx.store.rollback('demo');
    expect(back.from?.release).toBe(names[2]);
    expect(back.from?.active).toBe(false);
    expect(back.to.release).toBe(names[1]);
    expect(back.to.active).toBe(true);
    expect(await readlink(join(fx.packsDir, 'demo'))).toBe(`.releases/demo/${names[1]}`);
    expect((await fx.store.rollback('demo')).to.release).toBe(names[0]);
    const err = await rejection(fx.store.rollback('demo'));
    expect(err.code).toBe('release_unknown');
    expect(err.message).toContain(names[2]);
  });

  it('goes to a named release', async () => {
    const { from, to } = await fx.store.rollback('demo', names[0]);
    expect([from?.release, to.release]).toEqual([names[2], names[0]]);
    expect((await fx.store.active('demo'))?.release).toBe(names[0]);
    expect((await fx.store.releases('demo')).map((r) => r.active)).toEqual([false, false, true]);
  });

  it('rejects an unknown or path-like release name, listing the real ones, and changes nothing', async () => {
    const before = await snapshot(fx.packsDir);
    for (const bogus of ['../../etc', '..', '/etc/passwd', `${names[0]}/../..`, '.tmp-build-x', 'nope']) {
      const err = await rejection(fx.store.rollback('demo', bogus));
      expect(err.code).toBe('release_unknown');
      for (const name of names) expect(err.message).toContain(name);
      expect(await code(fx.store.activate('demo', bogus))).toBe('release_unknown');
    }
    expect(await snapshot(fx.packsDir)).toEqual(before);
  });

  it('reports a pack that was never installed', async () => {
    expect(await code(fx.store.rollback('ghost'))).toBe('pack_not_installed');
  });

  it('activate switches the link atomically to a named release', async () => {
    await fx.store.activate('demo', names[1]!);
    expect((await fx.store.active('demo'))?.release).toBe(names[1]);
    expect(await readdir(fx.packsDir)).toEqual(['.releases', 'demo']);
  });
});

describe('rollback to a version or a release-id prefix', () => {
  // Oldest first: 1.0.0, 1.1.0, 1.0.0 again, then 2.0.0 (active).
  let names: string[];
  beforeEach(async () => {
    names = [];
    for (const version of ['1.0.0', '1.1.0', '1.0.0', '2.0.0']) {
      names.push((await fx.store.writeRelease('demo', await fx.source(), meta('demo', { version }))).release.release);
    }
  });

  it('takes a version as the newest release of that version', async () => {
    expect((await fx.store.rollback('demo', '1.0.0')).to.release).toBe(names[2]);
  });

  it('takes a unique prefix of a release id', async () => {
    expect((await fx.store.rollback('demo', names[0]!.slice(0, 13))).to.release).toBe(names[0]);
    expect((await fx.store.rollback('demo', '1.1')).to.release).toBe(names[1]);
  });

  it('refuses an ambiguous prefix in one line listing the candidates, and changes nothing', async () => {
    const err = await rejection(fx.store.rollback('demo', '1.'));
    expect(err.code).toBe('release_ambiguous');
    expect(err.message).not.toContain('\n');
    for (const name of names.slice(0, 3)) expect(err.message).toContain(name);
    expect(err.message).not.toContain(names[3]);
    expect((await fx.store.active('demo'))?.release).toBe(names[3]);
  });
});

describe('uninstall', () => {
  it('removes the link, the releases and the environments, and returns what was active', async () => {
    const { release } = await fx.store.writeRelease('demo', await fx.source(), meta('demo'));
    await fx.store.writeRelease('other', await fx.source(), meta('other'));
    const envs = join(fx.tmp, 'virtualenvs');
    await writeTree(envs, { 'demo-0123456789ab/.complete': '', 'other-0123456789ab/.complete': '' });
    await symlink('demo-0123456789ab', join(envs, 'demo'));

    const removed = await fx.store.uninstall('demo');
    expect(removed?.release).toBe(release.release);
    expect(removed?.active).toBe(false);
    expect(await readdir(fx.packsDir)).toEqual(['.releases', 'other']);
    expect(await readdir(join(fx.packsDir, '.releases'))).toEqual(['other']);
    expect((await readdir(envs))).toEqual(['other-0123456789ab']);
    expect(await code(fx.store.uninstall('demo'))).toBe('pack_not_installed');
  });

  it('removes an older packbot\'s envs under packs_dir too, and leaves StackStorm\'s own env directory alone', async () => {
    await fx.store.writeRelease('demo', await fx.source(), meta('demo'));
    const legacy = join(fx.packsDir, '.virtualenvs');
    await writeTree(legacy, { 'demo-0123456789ab/.complete': '' });
    await symlink('demo-0123456789ab', join(legacy, 'demo'));
    const envs = join(fx.tmp, 'virtualenvs');
    await writeTree(envs, { 'demo/bin/python': '', 'demo/pyvenv.cfg': '' });

    await fx.store.uninstall('demo');
    expect(await readdir(fx.packsDir)).toEqual(['.releases']);
    expect(await readdir(join(envs, 'demo'))).toEqual(['bin', 'pyvenv.cfg']);
  });
});

describe('environments follow activation', () => {
  it('restores the env a release was built with when it is activated again', async () => {
    const envs = join(fx.tmp, 'virtualenvs');
    await writeTree(envs, { 'demo-aaaaaaaaaaaa/.complete': '', 'demo-bbbbbbbbbbbb/.complete': '' });
    const a = await fx.store.writeRelease('demo', await fx.source({ '.packbot-env.json': '{"python":"demo-aaaaaaaaaaaa"}' }), meta('demo'));
    expect(await readlink(join(envs, 'demo'))).toBe('demo-aaaaaaaaaaaa');
    await fx.store.writeRelease('demo', await fx.source({ '.packbot-env.json': '{"python":"demo-bbbbbbbbbbbb"}' }), meta('demo'));
    expect(await readlink(join(envs, 'demo'))).toBe('demo-bbbbbbbbbbbb');
    await fx.store.rollback('demo');
    expect((await fx.store.active('demo'))?.release).toBe(a.release.release);
    expect(await readlink(join(envs, 'demo'))).toBe('demo-aaaaaaaaaaaa');
  });

  it('replaces StackStorm\'s own virtualenv at <pack> (st2 pack install made it) by the release\'s env', async () => {
    const envs = join(fx.tmp, 'virtualenvs');
    await writeTree(envs, { 'demo-aaaaaaaaaaaa/.complete': '', 'demo/bin/python': '', 'demo/pyvenv.cfg': '' });
    await fx.store.writeRelease('demo', await fx.source({ '.packbot-env.json': '{"python":"demo-aaaaaaaaaaaa"}' }), meta('demo'));
    expect(await readlink(join(envs, 'demo'))).toBe('demo-aaaaaaaaaaaa');
    expect((await readdir(envs)).sort()).toEqual(['demo', 'demo-aaaaaaaaaaaa']);
  });

  it('refuses to replace a directory at <pack> that is not a virtualenv', async () => {
    const envs = join(fx.tmp, 'virtualenvs');
    await writeTree(envs, { 'demo-aaaaaaaaaaaa/.complete': '', 'demo/notes.txt': 'mine' });
    const err = await rejection(fx.store.writeRelease('demo', await fx.source({ '.packbot-env.json': '{"python":"demo-aaaaaaaaaaaa"}' }), meta('demo')));
    expect(err.message).toBe('virtualenvs_dir/demo exists and is not a virtualenv; move it away so packbot can put demo\'s env there');
    expect(await readdir(join(envs, 'demo'))).toEqual(['notes.txt']);
  });

  it('drops an older packbot\'s envs under packs_dir once the pack has a new release', async () => {
    const legacy = join(fx.packsDir, '.virtualenvs');
    await writeTree(legacy, { 'demo-0123456789ab/.complete': '', 'other-0123456789ab/.complete': '' });
    await symlink('demo-0123456789ab', join(legacy, 'demo'));
    await symlink('other-0123456789ab', join(legacy, 'other'));
    await fx.store.writeRelease('demo', await fx.source(), meta('demo'));
    expect(await readdir(legacy)).toEqual(['other', 'other-0123456789ab']);
    await fx.store.writeRelease('other', await fx.source(), meta('other'));
    expect(await readdir(fx.packsDir)).toEqual(['.releases', 'demo', 'other']);
  });

  it('puts the active release\'s env back when an install fails after its env was built', async () => {
    const envs = join(fx.tmp, 'virtualenvs');
    await writeTree(envs, { 'demo-aaaaaaaaaaaa/.complete': '', 'demo-bbbbbbbbbbbb/.complete': '' });
    await fx.store.writeRelease('demo', await fx.source({ '.packbot-env.json': '{"python":"demo-aaaaaaaaaaaa"}' }), meta('demo'));
    const failing = fx.store.writeRelease('demo', await fx.source(), meta('demo'), {
      prepare: async () => {
        // What buildEnvironment does for a new requirements.txt, followed by a failing step.
        await rm(join(envs, 'demo'));
        await symlink('demo-bbbbbbbbbbbb', join(envs, 'demo'));
        throw new PackbotError('env_failed', 'demo: npm ci failed (exit 1)');
      },
    });
    expect(await code(failing)).toBe('env_failed');
    expect(await readlink(join(envs, 'demo'))).toBe('demo-aaaaaaaaaaaa');
  });
});

describe('recover', () => {
  it('removes temp dirs, temp links and half-built envs left by a crash, and nothing else', async () => {
    const { release } = await fx.store.writeRelease('demo', await fx.source(), meta('demo'));
    const rel = join(fx.packsDir, '.releases');
    await writeTree(join(rel, 'demo', '.tmp-build-Ab12Cd'), { 'pack.yaml': 'half' });
    await writeTree(join(rel, 'demo', '.tmp-del-1.0.0-abc-x'), { 'pack.yaml': 'doomed' });
    await writeTree(join(rel, '.tmp-del-gone-0123456789ab'), { 'pack.yaml': 'doomed' });
    await writeTree(join(rel, 'newpack', '.tmp-build-zz'), { 'pack.yaml': 'half' });
    await symlink(`.releases/demo/${release.release}`, join(fx.packsDir, '.tmp-link-demo-0123456789ab'));
    const envs = join(fx.tmp, 'virtualenvs');
    await writeTree(envs, { 'demo-aaaaaaaaaaaa/.building': '1', 'demo-bbbbbbbbbbbb/.complete': '' });
    await symlink('demo-bbbbbbbbbbbb', join(envs, '.tmp-link-demo-0123456789ab'));
    await mkdir(join(envs, '.tmp-del-demo-cccccccccccc-0123456789ab'));
    // An older packbot's envs, inside packs_dir: its crash leftovers go too.
    const legacy = join(fx.packsDir, '.virtualenvs');
    await writeTree(legacy, { 'other-dddddddddddd/.building': '1', 'other-eeeeeeeeeeee/.complete': '' });

    const removed = await fx.store.recover();
    expect(removed).toEqual([
      '.releases/.tmp-del-gone-0123456789ab',
      '.releases/demo/.tmp-build-Ab12Cd',
      '.releases/demo/.tmp-del-1.0.0-abc-x',
      '.releases/newpack/.tmp-build-zz',
      '.tmp-link-demo-0123456789ab',
      '.virtualenvs/other-dddddddddddd',
      'virtualenvs_dir/.tmp-del-demo-cccccccccccc-0123456789ab',
      'virtualenvs_dir/.tmp-link-demo-0123456789ab',
      'virtualenvs_dir/demo-aaaaaaaaaaaa',
    ]);
    expect(await readdir(join(rel, 'demo'))).toEqual([release.release]);
    expect((await readdir(envs))).toEqual(['demo-bbbbbbbbbbbb']);
    expect(await realpath(join(fx.packsDir, 'demo'))).toBe(await realpath(release.dir));
    expect(await fx.store.recover()).toEqual([]);
  });
});
