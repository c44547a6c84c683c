/**
 * Releases are made durable before they go live in one flush of the file system for all the
 * releases written meanwhile (group commit), not one fsync per file; where that flush is not
 * available, every file is fsynced as before. The flush is passed in (PackStoreOptions.syncFs,
 * createTreeSyncer's argument): these tests count and hold it, the real one is in
 * sync-helper.test.ts (a child process).
 */
import { lstat, mkdir, readdir, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTreeSyncer, FALLBACK_TREES } from '../../src/domain/packstore/fs-sync.js';
import { createPackStore } from '../../src/domain/packstore/index.js';
import { cleanup, meta, sourceMaker, tempDir } from './helpers.js';

let dir: string | undefined;
afterEach(() => cleanup(dir));

/** A flush that resolves only when the test says so, recording what it was asked. */
function heldFlush() {
  const calls: string[] = [];
  const releases: Array<() => void> = [];
  const syncFs = (d: string) => {
    calls.push(d);
    return new Promise<void>((resolve) => releases.push(resolve));
  };
  return { calls, syncFs, release: (i: number) => releases[i]?.() };
}

describe('createTreeSyncer', () => {
  it('serves everyone who asked during a flush with one flush that starts after them', async () => {
    dir = await tempDir('fs-sync');
    const held = heldFlush();
    const syncer = createTreeSyncer(held.syncFs, async () => expect.unreachable('no fallback'));
    const done: string[] = [];
    const a = syncer.syncTree(dir).then(() => done.push('a'));
    const b = syncer.syncTree(dir).then(() => done.push('b'));
    const c = syncer.syncTree(dir).then(() => done.push('c'));
    expect(held.calls).toHaveLength(1);
    held.release(0);
    await a;
    // b and c asked while the first flush ran: it may have missed their writes, so they wait for the next.
    expect(done).toEqual(['a']);
    expect(held.calls).toHaveLength(2);
    held.release(1);
    await Promise.all([b, c]);
    expect(done.sort()).toEqual(['a', 'b', 'c']);
    expect(held.calls).toHaveLength(2);
  });

  it('fsyncs file by file where the flush fails, and from then on', async () => {
    dir = await tempDir('fs-sync');
    let flushes = 0;
    const fellBack: string[] = [];
    const syncer = createTreeSyncer(async () => {
      flushes++;
      throw new Error('sync: invalid option -- f');
    }, async (d) => void fellBack.push(d));
    await syncer.syncTree(dir);
    await syncer.syncTree(dir);
    expect(flushes).toBe(1);
    expect(fellBack).toEqual([dir, dir]);
  });

  it('fsyncs a few trees at once where the flush is missing, however many releases are written at once', async () => {
    dir = await tempDir('fs-sync');
    const held: Array<() => void> = [];
    let running = 0;
    let peak = 0;
    const syncer = createTreeSyncer(async () => {
      throw new Error('sync: invalid option -- f');
    }, (d) => {
      running++;
      peak = Math.max(peak, running);
      return new Promise<void>((resolve) => held.push(() => {
        running--;
        resolve();
      }));
    });
    // As many as the install stage writes at once: each per-file fsync holds up to 32 handles.
    const all = Promise.all(Array.from({ length: 20 }, () => syncer.syncTree(dir as string)));
    const done = { count: 0 };
    void all.then(() => (done.count = 20));
    while (done.count === 0) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(running).toBeLessThanOrEqual(FALLBACK_TREES);
      held.shift()?.();
    }
    expect(peak).toBe(FALLBACK_TREES);
  });
});

describe('writeRelease', () => {
  it('flushes the whole release before it is renamed into view', async () => {
    dir = await tempDir('fs-sync');
    const packsDir = join(dir, 'packs');
    const source = sourceMaker(join(dir, 'src'));
    const seen: Array<{ name: string; files: string[]; linked: string | null }> = [];
    const syncFs = async (d: string) => {
      const [, pack] = /\.releases\/([^/]+)\//.exec(d) ?? [];
      seen.push({
        name: d.split('/').at(-1) ?? '',
        files: (await readdir(d)).sort(),
        linked: await readlink(join(packsDir, pack ?? '')).catch(() => null),
      });
    };
    const store = createPackStore({ packsDir, syncFs });
    await mkdir(packsDir, { recursive: true });
    const sources = await Promise.all([source({ 'actions/a.yaml': 'x: 1\n' }), source(), source()]);
    await Promise.all(['p1', 'p2', 'p3'].map((p, i) => store.writeRelease(p, sources[i] as string, meta(p))));
    // Three releases, one flush each at most (fewer when they meet: createTreeSyncer above).
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.length).toBeLessThanOrEqual(3);
    for (const s of seen) {
      expect(s.name).toMatch(/^\.tmp-build/);
      expect(s.files).toEqual(expect.arrayContaining(['.packbot.json', 'pack.yaml']));
      expect(s.linked).toBeNull();
    }
    for (const p of ['p1', 'p2', 'p3']) expect((await store.active(p))?.meta.pack).toBe(p);
  });

  it('moves a staged source into the release instead of copying it, holding it to the same link rules', async () => {
    dir = await tempDir('fs-sync');
    const packsDir = join(dir, 'packs');
    const source = sourceMaker(join(dir, 'src'));
    const store = createPackStore({ packsDir, syncFs: async () => undefined });
    const staged = await source({ 'actions/a.sh': ['echo hi\n', 0o755] });
    const inode = (await lstat(join(staged, 'actions/a.sh'))).ino;
    const { release } = await store.writeRelease('moved', staged, meta('moved'), { move: true });
    expect(await lstat(staged).catch(() => null)).toBeNull();
    const installed = await lstat(join(release.dir, 'actions/a.sh'));
    expect(installed.ino).toBe(inode);
    expect(installed.mode & 0o777).toBe(0o755);

    const hostile = await source();
    await symlink('/etc/passwd', join(hostile, 'passwd'));
    await expect(store.writeRelease('moved', hostile, meta('moved'), { move: true })).rejects.toMatchObject({ code: 'release_invalid' });
    expect((await store.active('moved'))?.release).toBe(release.release);
    expect((await readdir(join(packsDir, '.releases', 'moved'))).filter((n) => n.startsWith('.tmp'))).toEqual([]);
  });
});
