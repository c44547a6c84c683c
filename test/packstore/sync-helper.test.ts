/**
 * The real flush: `sync -f` run by one long-lived helper shell (fs-sync.ts). It answers each
 * directory in turn, fails for one that is not there (so the store falls back to fsync rather
 * than going live unflushed), and never keeps a finished packbot running.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { syncFsCommand } from '../../src/domain/packstore/fs-sync.js';
import { cleanup, tempDir, writeTree } from './helpers.js';

let dir: string | undefined;
afterEach(() => cleanup(dir));

describe('syncFsCommand', () => {
  it('flushes the file system of each directory asked, in turn', async () => {
    dir = await tempDir('sync-helper');
    await writeTree(dir, { 'a/pack.yaml': 'x: 1\n', 'b/pack.yaml': 'x: 2\n' });
    const syncFs = syncFsCommand();
    await Promise.all([syncFs(join(dir, 'a')), syncFs(join(dir, 'b')), syncFs(dir)]);
    await expect(syncFs(join(dir, 'missing'))).rejects.toThrow(/sync -f failed/);
    // Still answering after a failure.
    await syncFs(dir);
  });

  it('does not keep a process running once its work is done', async () => {
    dir = await tempDir('sync-helper');
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const module = join(root, 'dist', 'src', 'domain', 'packstore', 'fs-sync.js');
    const script = `const { syncFsCommand } = await import(${JSON.stringify(module)}); await syncFsCommand()(${JSON.stringify(dir)}); console.log('flushed');`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const [code] = await once(child, 'close');
    expect(out.trim()).toBe('flushed');
    expect(code).toBe(0);
  });
});
