import { execFile } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { validatePackDir } from '../../src/domain/packs/index.js';
import { inPackPath, walkPack } from '../../src/domain/packs/walk.js';
import { BASE_PACK, tempDir, writePack } from './fixtures.js';

const run = promisify(execFile);

describe('file safety', () => {
  it('rejects a symlink to a parent directory without following it', async () => {
    const dir = await writePack({});
    await symlink('../..', path.join(dir, 'actions', 'up'));
    const check = await validatePackDir(dir);
    expect(check.errors).toEqual([
      'actions/up: is a symbolic link (-> "../.."), and it points outside the pack; only relative links to files and directories inside the pack are kept',
    ]);
  });

  it('rejects a symlink to /etc/passwd and never reads it, even as action metadata', async () => {
    const dir = await writePack({});
    await symlink('/etc/passwd', path.join(dir, 'actions', 'passwd.yaml'));
    const check = await validatePackDir(dir);
    expect(check.errors).toEqual([
      'actions/passwd.yaml: is a symbolic link (-> "/etc/passwd"), and its target is an absolute path; only relative links to files and directories inside the pack are kept',
    ]);
    expect(check.summary.actions).toEqual(['run']);
  });

  it('keeps relative links that resolve inside the pack, as StackStorm does: files, directories and chains', async () => {
    const dir = await writePack({ 'actions/lib/x.py': 'shared = 1\n', 'meta/pack.yaml': BASE_PACK['pack.yaml'] as string, 'pack.yaml': null });
    await mkdir(path.join(dir, 'sensors', 'lib'), { recursive: true });
    await symlink('../../actions/lib/x.py', path.join(dir, 'sensors', 'lib', 'x.py'));
    await symlink('../actions/lib', path.join(dir, 'sensors', 'shared'));
    await symlink('lib/x.py', path.join(dir, 'sensors', 'chain.py'));
    // pack.yaml and an action's metadata reached through links are read as StackStorm reads them.
    await symlink('meta/pack.yaml', path.join(dir, 'pack.yaml'));
    await mkdir(path.join(dir, 'shared'));
    await writeFile(path.join(dir, 'shared', 'again.yaml'), 'name: again\nrunner_type: python-script\nentry_point: run.py\n');
    await symlink('../shared/again.yaml', path.join(dir, 'actions', 'again.yaml'));

    const check = await validatePackDir(dir);
    expect(check.errors).toEqual([]);
    expect(check.manifest?.name).toBe('demo');
    expect(check.summary.actions).toEqual(['again', 'run']);

    const tree = await walkPack(dir);
    expect(tree.files.get('sensors/lib/x.py')).toBe('shared = 1\n'.length);
    expect(tree.files.get('sensors/chain.py')).toBe('shared = 1\n'.length);
    expect(tree.dirs.has('sensors/shared')).toBe(true);
    expect(tree.links.get('sensors/chain.py')).toEqual({ path: 'sensors/chain.py', target: 'lib/x.py', real: 'actions/lib/x.py', kind: 'file' });
    expect(inPackPath(tree, 'pack.yaml')).toBe('meta/pack.yaml');
  });

  it('refuses links that dangle, loop, lead out through another link, or name a FIFO — each on one line', async () => {
    const dir = await writePack({ 'a/keep.txt': 'k' });
    await mkdir(path.join(dir, 'x', 'y'), { recursive: true });
    await symlink('../../a', path.join(dir, 'x', 'y', 'l'));
    await symlink('x/y/l/../../etc/passwd', path.join(dir, 'z'));
    await symlink('nothing.py', path.join(dir, 'actions', 'gone.py'));
    await symlink('loop2', path.join(dir, 'loop1'));
    await symlink('loop1', path.join(dir, 'loop2'));
    await mkdir(path.join(dir, 'b'));
    await symlink('../a', path.join(dir, 'b', 'to-a'));
    await symlink('../b', path.join(dir, 'a', 'to-b'));
    await run('mkfifo', [path.join(dir, 'pipe')]);
    await symlink('pipe', path.join(dir, 'to-pipe'));
    const check = await validatePackDir(dir);
    const kept = 'only relative links to files and directories inside the pack are kept';
    expect(check.errors.sort()).toEqual([
      `a/to-b: is a symbolic link (-> "../b"), and it points to "b", whose directory links lead back into each other (a loop); ${kept}`,
      `actions/gone.py: is a symbolic link (-> "nothing.py"), and it points to "actions/nothing.py", which does not exist in the pack; ${kept}`,
      `b/to-a: is a symbolic link (-> "../a"), and it points to "a", whose directory links lead back into each other (a loop); ${kept}`,
      `loop1: is a symbolic link (-> "loop2"), and it is a loop of links (more than 40 followed); ${kept}`,
      `loop2: is a symbolic link (-> "loop1"), and it is a loop of links (more than 40 followed); ${kept}`,
      'pipe: is a FIFO (named pipe); a pack may contain only regular files and directories',
      `to-pipe: is a symbolic link (-> "pipe"), and it points to "pipe", which is a FIFO (named pipe); ${kept}`,
      // Into the loop above: following it never ends either.
      `x/y/l: is a symbolic link (-> "../../a"), and it points to "a", whose directory links lead back into each other (a loop); ${kept}`,
      `z: is a symbolic link (-> "x/y/l/../../etc/passwd"), and it points outside the pack through "x/y/l" (-> "../../a"); ${kept}`,
    ]);
  });

  it('reports a symlinked pack.yaml once, not also as missing', async () => {
    const dir = await writePack({ 'pack.yaml': null });
    const outside = path.join(await tempDir(), 'pack.yaml');
    await writeFile(outside, 'name: stolen\ndescription: d\nversion: 1.0.0\nauthor: a\n');
    await symlink(outside, path.join(dir, 'pack.yaml'));
    const check = await validatePackDir(dir);
    expect(check.errors).toHaveLength(1);
    expect(check.errors[0]).toMatch(/^pack\.yaml: is a symbolic link/);
    expect(check.manifest).toBeNull();
  });

  it('rejects a FIFO (reading it would hang the bot)', async () => {
    const dir = await writePack({});
    await run('mkfifo', [path.join(dir, 'actions', 'pipe.yaml')]);
    const check = await validatePackDir(dir);
    expect(check.errors).toEqual(['actions/pipe.yaml: is a FIFO (named pipe); a pack may contain only regular files and directories']);
  });

  it('rejects a socket', async () => {
    const dir = await writePack({});
    // Unix socket paths are limited to ~100 bytes; the temp pack path stays well under that.
    const socketPath = path.join(dir, 'sock');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      const check = await validatePackDir(dir);
      expect(check.errors).toEqual(['sock: is a socket; a pack may contain only regular files and directories']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses a pack directory that is itself a symlink, or is missing', async () => {
    const dir = await writePack({});
    const link = path.join(path.dirname(dir), 'link');
    await symlink(dir, link);
    expect((await validatePackDir(link)).errors).toEqual(['the pack directory is a symbolic link; a pack may contain only regular files and directories']);
    const missing = path.join(path.dirname(dir), 'nope');
    expect((await validatePackDir(missing)).errors).toEqual(['the pack directory does not exist']);
  });

  it('stops at the file cap with a clear error', async () => {
    const dir = await writePack(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`data/f${i}.txt`, 'x'])));
    const check = await validatePackDir(dir, { maxFiles: 8 });
    expect(check.errors).toEqual(['the pack has more than 8 files and directories (the limit); remove build output or vendored code from it']);
    // A partial walk is not judged further: no "missing pack.yaml" noise.
    expect(check.manifest).toBeNull();
  });

  it('stops at the byte cap with a clear error', async () => {
    const dir = await writePack({ 'data/big.bin': 'x'.repeat(4096) });
    const check = await validatePackDir(dir, { maxBytes: 1024 });
    expect(check.errors).toEqual(['the pack\'s files add up to more than 1024 bytes (the limit), reached at data/big.bin; large files belong outside the pack']);
  });

  it('accepts a pack exactly at the caps', async () => {
    const dir = await writePack({});
    const tree = await walkPack(dir);
    const bytes = [...tree.files.values()].reduce((a, b) => a + b, 0);
    const check = await validatePackDir(dir, { maxFiles: tree.files.size + tree.dirs.size, maxBytes: bytes });
    expect(check.errors).toEqual([]);
  });

  it("skips the checkout's own .git directory", async () => {
    const dir = await writePack({ '.git/HEAD': 'ref: refs/heads/master\n' });
    await symlink('/etc/passwd', path.join(dir, '.git', 'weird'));
    const tree = await walkPack(dir);
    expect(tree.problems).toEqual([]);
    expect([...tree.files.keys()].some((f) => f.startsWith('.git'))).toBe(false);
  });

  it('lists files and directories relative to the pack, with sizes', async () => {
    const dir = await writePack({ 'lib/deep/x.py': '12345' });
    await mkdir(path.join(dir, 'empty'));
    const tree = await walkPack(dir);
    expect(tree.complete).toBe(true);
    expect(tree.files.get('lib/deep/x.py')).toBe(5);
    expect([...tree.dirs].sort()).toEqual(['actions', 'empty', 'lib', 'lib/deep']);
  });
});
