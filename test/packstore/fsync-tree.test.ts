/**
 * A release is fsynced before it is renamed into view, every file and directory of it. Not
 * one directory at a time: a pack of many small directories (actions/, rules/, lib/…) waited
 * on the disk once per directory. Counted through fsyncTree's sync function: how many, and
 * how many at once.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fsyncPath, fsyncTree } from '../../src/domain/packstore/fsutil.js';
import { cleanup, tempDir, writeTree } from './helpers.js';

let dir: string | undefined;
afterEach(() => cleanup(dir));

/** Every path below root, root included. */
async function everything(root: string): Promise<string[]> {
  const out = [root];
  for (const e of await readdir(root, { withFileTypes: true })) {
    const p = join(root, e.name);
    if (e.isDirectory()) out.push(...(await everything(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

describe('fsyncTree', () => {
  it('fsyncs every file and directory once, many at a time across directories', async () => {
    dir = await tempDir('fsync');
    const files: Record<string, string> = { 'pack.yaml': 'ref: x\n' };
    for (let d = 0; d < 12; d++) files[`d${d}/sub/one.txt`] = `${d}\n`;
    await writeTree(dir, files);
    await writeTree(join(dir, 'd0'), {});
    const synced: string[] = [];
    let inFlight = 0;
    let peak = 0;
    let started = 0;
    // Each sync waits until as many as could overlap have started, or all there are: an fsync
    // made one directory at a time never sees more than that directory's files at once.
    const total = (await everything(dir)).length;
    const waiters: Array<() => void> = [];
    const sync = async (path: string) => {
      inFlight++;
      started++;
      peak = Math.max(peak, inFlight);
      if (started < Math.min(8, total)) await new Promise<void>((resolve) => waiters.push(resolve));
      else for (const w of waiters.splice(0)) w();
      await fsyncPath(path);
      synced.push(path);
      inFlight--;
    };
    await fsyncTree(dir, sync);

    expect([...synced].sort()).toEqual((await everything(dir)).sort());
    expect(new Set(synced).size).toBe(synced.length);
    expect(peak).toBeGreaterThanOrEqual(8);
    // The root directory last: what is in it is durable before it is.
    expect(synced.at(-1)).toBe(dir);
    expect((await lstat(dir)).isDirectory()).toBe(true);
  });
});
