/**
 * Symlinks inside a pack, end to end through a real git repository: published StackStorm packs
 * share code between actions and sensors with relative links, and StackStorm installs them.
 * Links that stay inside the pack deploy (kept as links); every link that could reach outside
 * the release, or leads nowhere, still refuses the pack with nothing installed.
 */
import { existsSync } from 'node:fs';
import { lstat, readdir, readFile, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileSpec } from '../helpers/git-repo.js';
import { createRepo, listFiles } from '../helpers/git-repo.js';
import { createDeployEnv, pack } from '../helpers/deploy.js';

const SHARED = 'def helper():\n    return 42\n';

function linked(): Record<string, FileSpec> {
  return pack('linked', {
    extra: {
      'packs/linked/actions/lib/__init__.py': '',
      'packs/linked/actions/lib/x.py': SHARED,
      // The usual way published packs share code: a file link and a directory link.
      'packs/linked/sensors/lib/x.py': { symlink: '../../actions/lib/x.py' },
      'packs/linked/sensors/shared': { symlink: '../actions/lib' },
      // A link to a link, each hop relative and inside.
      'packs/linked/etc/x.py': { symlink: '../sensors/lib/x.py' },
    },
  });
}

describe('symlinks inside a pack', () => {
  it('deploys relative links that stay inside the pack, kept as links into the same release', async () => {
    const repo = await createRepo({ files: linked() });
    const env = await createDeployEnv({ demo: { url: repo.url } });
    const result = await env.deploy({ repo: 'demo', packs: 'linked' });
    expect(result.packs.map((p) => [p.pack, p.status, p.error])).toEqual([['linked', 'deployed', null]]);

    const installed = path.join(env.config.packs_dir, 'linked');
    const release = await realpath(installed);
    for (const rel of ['sensors/lib/x.py', 'sensors/shared/x.py', 'etc/x.py']) {
      expect(await readFile(path.join(installed, rel), 'utf8')).toBe(SHARED);
      // Resolved, the link lands in the same release, never above it.
      expect((await realpath(path.join(installed, rel))).startsWith(`${release}/`)).toBe(true);
    }
    expect((await lstat(path.join(installed, 'sensors/lib/x.py'))).isSymbolicLink()).toBe(true);
    expect(await readlink(path.join(installed, 'sensors/lib/x.py'))).toBe('../../actions/lib/x.py');
    expect(await readlink(path.join(installed, 'sensors/shared'))).toBe('../actions/lib');
    expect(await readdir(path.join(env.config.state_dir, 'staging'))).toEqual([]);
  });

  it('says which links it kept, and a strict: true repository refuses them', async () => {
    const repo = await createRepo({ files: linked() });
    const kept = [
      'etc/x.py: a symlink to ../sensors/lib/x.py (actions/lib/x.py), kept as a link inside the pack; StackStorm installs it the same way',
      'sensors/lib/x.py: a symlink to ../../actions/lib/x.py (actions/lib/x.py), kept as a link inside the pack; StackStorm installs it the same way',
      'sensors/shared: a symlink to ../actions/lib (actions/lib), kept as a link inside the pack; StackStorm installs it the same way',
    ];
    const lax = await createDeployEnv({ demo: { url: repo.url } });
    expect((await lax.deploy({ repo: 'demo', packs: 'linked' })).packs.map((p) => [p.status, p.warnings])).toEqual([['deployed', kept]]);

    const strict = await createDeployEnv({ demo: { url: repo.url, strict: true } });
    const refused = (await strict.deploy({ repo: 'demo', packs: 'linked' })).packs;
    expect(refused.map((p) => [p.status, p.error])).toEqual([['failed', `3 problems in the pack (strict: true refuses warnings too):\n${kept.join('\n')}`]]);
    expect(existsSync(path.join(strict.config.packs_dir, 'linked'))).toBe(false);
  });

  it.each<[string, Record<string, FileSpec>, RegExp]>([
    ['a link up and out (../../../etc/passwd)', { 'packs/evil/sensors/lib/x.py': { symlink: '../../../etc/passwd' } }, /sensors\/lib\/x\.py is a symlink .*outside the pack/],
    ['an absolute link (/etc/passwd)', { 'packs/evil/actions/passwd': { symlink: '/etc/passwd' } }, /actions\/passwd is a symlink .*absolute/],
    ['a link to a link that leaves', { 'packs/evil/a.py': { symlink: 'b.py' }, 'packs/evil/b.py': { symlink: '../../../etc/passwd' } }, /a\.py is a symlink .*outside the pack through "b\.py"/],
    // Every link taken alone looks inside; followed as the kernel does (x/y/l is "a", whose
    // parent is the pack root), z leaves.
    [
      'a chain that leaves though each link looks inside',
      { 'packs/evil/a/keep.txt': 'k', 'packs/evil/x/y/l': { symlink: '../../a' }, 'packs/evil/z': { symlink: 'x/y/l/../../etc/passwd' } },
      /: z is a symlink .*outside the pack/,
    ],
    ['a dangling link', { 'packs/evil/actions/gone.py': { symlink: 'nothing.py' } }, /actions\/gone\.py is a symlink .*does not exist/],
    ['a loop of links', { 'packs/evil/a': { symlink: 'b' }, 'packs/evil/b': { symlink: 'a' } }, /: a is a symlink .*loop/],
    ['a directory link to its own parent', { 'packs/evil/sensors/up': { symlink: '..' } }, /sensors\/up is a symlink .*loop/],
  ])('refuses %s with a one-line error, installing nothing', async (_what, extra, message) => {
    const repo = await createRepo({ files: { ...pack('good'), ...pack('evil'), ...extra } });
    const env = await createDeployEnv({ demo: { url: repo.url } });
    const result = await env.deploy({ repo: 'demo' });
    const evil = result.packs.find((p) => p.source === 'evil');
    expect(evil?.status).toBe('failed');
    expect(evil?.error).toMatch(message);
    expect(evil?.error).not.toContain('\n');
    expect(result.packs.find((p) => p.source === 'good')?.status).toBe('deployed');
    expect(existsSync(path.join(env.config.packs_dir, 'evil'))).toBe(false);
    expect((await listFiles(env.root)).filter((f) => f.includes('evil'))).toEqual([]);
    expect(await readdir(path.join(env.config.state_dir, 'staging'))).toEqual([]);
  });
});
