import { mkdir, mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scrubServerPaths, serverPathScrubber } from '../../src/interfaces/chat/server-paths.js';

const roots = [
  { path: '/srv/packbot/var', shownAs: 'state_dir' },
  { path: '/srv/packbot/var/configs', shownAs: 'configs' },
  { path: '/srv/packbot/var/staging/123/ab12cd34/docker', shownAs: '' },
];

describe('scrubServerPaths', () => {
  it('shows a path under a root by its label, the longest root first', () => {
    expect(scrubServerPaths('/srv/packbot/var/configs/docker.yaml: line 3: bad', roots)).toBe('configs/docker.yaml: line 3: bad');
    expect(scrubServerPaths('cannot write /srv/packbot/var/mirrors/demo.git (EACCES)', roots)).toBe('cannot write state_dir/mirrors/demo.git (EACCES)');
  });

  it('drops a root labelled "", with the slash after it, so a pack file is named within the pack', () => {
    expect(scrubServerPaths("ENOENT: no such file, open '/srv/packbot/var/staging/123/ab12cd34/docker/actions/x.yaml'", roots))
      .toBe("ENOENT: no such file, open 'actions/x.yaml'");
  });

  it('replaces every occurrence, a root on its own, and one ending a sentence', () => {
    expect(scrubServerPaths('in /srv/packbot/var. Also /srv/packbot/var/configs, and "/srv/packbot/var"', roots))
      .toBe('in state_dir. Also configs, and "state_dir"');
  });

  it('leaves paths that only start like a root, or hold one inside them, alone', () => {
    const text = '/srv/packbot/various/x and /srv/packbot/var.d/y and /home/srv/packbot/var/z and packs/docker/actions/x.yaml';
    expect(scrubServerPaths(text, roots)).toBe(text);
  });

  it('also knows a root by its realpath (a symlinked or /tmp-like root)', async () => {
    const base = await mkdtemp(path.join(tmpdir(), 'packbot-paths-'));
    const real = path.join(base, 'real-state');
    await mkdir(real);
    const link = path.join(base, 'state-link');
    await symlink(real, link);
    const scrub = serverPathScrubber([{ path: link, shownAs: 'state_dir' }]);
    expect(scrub(`${real}/staging/x and ${link}/mirrors/y`)).toBe('state_dir/staging/x and state_dir/mirrors/y');
  });

  it('ignores relative roots, "/" and a trailing slash on a root', () => {
    expect(scrubServerPaths('/etc/passwd and var/x', [{ path: '/', shownAs: 'root' }, { path: 'var', shownAs: 'v' }])).toBe('/etc/passwd and var/x');
    expect(scrubServerPaths('/srv/packbot/var/x', [{ path: '/srv/packbot/var/', shownAs: 'state_dir' }])).toBe('state_dir/x');
  });

  it('treats regex characters in a root as text', () => {
    expect(scrubServerPaths('/srv/a+b (1)/x and /srv/aab (1)/x', [{ path: '/srv/a+b (1)', shownAs: 'state_dir' }])).toBe('state_dir/x and /srv/aab (1)/x');
  });
});
