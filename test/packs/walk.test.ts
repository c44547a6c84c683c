import { execFile } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { validatePackDir } from '../../src/domain/packs/index.js';
import { walkPack } from '../../src/domain/packs/walk.js';
import { tempDir, writePack } from './fixtures.js';

const run = promisify(execFile);

describe('file safety', () => {
  it('rejects a symlink to a parent directory without following it', async () => {
    const dir = await writePack({});
    await symlink('../..', path.join(dir, 'actions', 'up'));
    const check = await validatePackDir(dir);
    expect(check.errors).toEqual([
      'actions/up: is a symbolic link (-> "../.."); a pack may contain only regular files and directories — it points outside the pack',
    ]);
  });

  it('rejects a symlink to /etc/passwd and never reads it, even as action metadata', async () => {
    const dir = await writePack({});
    await symlink('/etc/passwd', path.join(dir, 'actions', 'passwd.yaml'));
    const check = await validatePackDir(dir);
    expect(check.errors).toEqual([
      'actions/passwd.yaml: is a symbolic link (-> "/etc/passwd"); a pack may contain only regular files and directories — it points outside the pack',
    ]);
    expect(check.summary.actions).toEqual(['run']);
  });

  it('rejects a symlink that stays inside the pack too, and says what to do', async () => {
    const dir = await writePack({});
    await symlink('run.py', path.join(dir, 'actions', 'alias.py'));
    const check = await validatePackDir(dir);
    expect(check.errors).toEqual([
      'actions/alias.py: is a symbolic link (-> "run.py"); a pack may contain only regular files and directories — copy the file into place instead',
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
