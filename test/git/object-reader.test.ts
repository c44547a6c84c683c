import { existsSync } from 'node:fs';
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { processAlive } from '../../src/core/process-alive.js';
import { PackbotError } from '../../src/core/errors.js';
import { layoutOf } from '../../src/domain/git/env.js';
import { ObjectReader } from '../../src/domain/git/object-reader.js';
import { repoOf } from '../../src/domain/git/repo.js';
import type { GitContext } from '../../src/domain/git/run.js';
import { parseTree } from '../../src/domain/git/tree-object.js';
import { createLogger } from '../../src/core/logging/logger.js';
import { createMasker } from '../../src/core/masking/masker.js';
import { createRepo, createSubtreeRepo, createTestGit, tempDir } from '../helpers/git-repo.js';

/** The `git cat-file` processes this test process started and that still run. */
async function catFiles(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid !== process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').includes('cat-file')) pids.push(Number(entry));
  }
  return pids;
}

/** Waits (generously) until `check` holds: for things that happen after a process exits. */
async function eventually(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`never happened: ${what}`);
}

const NUL_BLOB = Buffer.from('line one\n\0\0binary\r\n\n12345678 blob 4\nnot a header\n\0', 'latin1');
const BIG_BLOB = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 256));

/** A mirror holding a NUL-laden blob, a large binary blob and an empty one, and a reader on it. */
async function fixture(opts: { timeoutMs?: number; idleMs?: number } = {}) {
  const repo = await createRepo({ files: { 'README.md': 'hi\n' } });
  await writeFile(path.join(repo.dir, 'nul.bin'), NUL_BLOB);
  await writeFile(path.join(repo.dir, 'big.bin'), BIG_BLOB);
  await writeFile(path.join(repo.dir, 'empty'), '');
  await repo.git(['add', '--', 'nul.bin', 'big.bin', 'empty']);
  const commit = await repo.commit('binary files');
  const oid = async (rev: string) => (await repo.git(['rev-parse', rev])).trim();
  const t = await createTestGit();
  const remote = { name: 'r', url: repo.url };
  await t.git.sync(remote);
  const masker = createMasker();
  const ctx: GitContext = {
    layout: layoutOf(t.stateDir), masker, logger: createLogger({ level: 'silent', masker }), timeoutMs: opts.timeoutMs ?? 60_000, verified: new Set(),
  };
  const reader = new ObjectReader(ctx, repoOf(ctx, remote), opts.idleMs ?? 60_000);
  return {
    repo, reader, t, remote, commit,
    ids: { nul: await oid('HEAD:nul.bin'), big: await oid('HEAD:big.bin'), empty: await oid('HEAD:empty'), tree: await oid('HEAD^{tree}') },
  };
}

async function failure(promise: Promise<unknown>): Promise<PackbotError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(PackbotError);
  return err as PackbotError;
}

describe('the object reader (one git cat-file --batch per mirror)', () => {
  it('answers many requests at once, in order, byte for byte, with missing objects as null', async () => {
    const { reader, ids, commit } = await fixture();
    try {
      const missing = '0123456789abcdef0123456789abcdef01234567';
      const asked = [ids.nul, missing, ids.big, ids.empty, ids.tree, commit, ids.nul];
      const got = await Promise.all(asked.map((oid) => reader.read(oid)));
      expect(got.map((o) => o?.type ?? null)).toEqual(['blob', null, 'blob', 'blob', 'tree', 'commit', 'blob']);
      expect(got[0]?.content.equals(NUL_BLOB)).toBe(true);
      expect(got[2]?.content.equals(BIG_BLOB)).toBe(true);
      expect(got[3]?.content.length).toBe(0);
      expect(got[6]?.content.equals(NUL_BLOB)).toBe(true);
      expect(got[5]?.content.toString()).toContain(`tree ${ids.tree}\n`);
      const names = parseTree(got[4]?.content ?? Buffer.alloc(0), 20).map((e) => e.name);
      expect(names).toEqual(['README.md', 'big.bin', 'empty', 'nul.bin']);
      // One process served them all.
      expect(await catFiles()).toEqual([reader.pid]);
    } finally {
      await reader.close();
    }
  });

  it('never writes anything but an object id to the process', async () => {
    const { reader, ids } = await fixture();
    try {
      for (const bad of [`${ids.nul}\n${ids.big}`, 'HEAD', `${ids.nul}:x`, ids.nul.toUpperCase()]) {
        expect((await failure(reader.read(bad))).code).toBe('internal');
      }
      expect(reader.pid).toBeUndefined();
    } finally {
      await reader.close();
    }
  });

  it('a reader killed with requests pending fails them with git_failed, and the next read starts another', async () => {
    const { reader, ids } = await fixture();
    try {
      await reader.read(ids.nul);
      const first = reader.pid ?? 0;
      process.kill(first, 'SIGKILL');
      const err = await failure(Promise.all([reader.read(ids.big), reader.read(ids.nul)]));
      expect(err.code).toBe('git_failed');
      expect(err.message).toBe('Reading objects failed for repository "r": the git object reader stopped (signal SIGKILL)');
      const again = await reader.read(ids.nul);
      expect(again?.content.equals(NUL_BLOB)).toBe(true);
      expect(reader.pid).not.toBe(first);
      expect(processAlive(first)).toBe(false);
    } finally {
      await reader.close();
    }
  });

  it('a reader that dies while idle is replaced by the next read', async () => {
    const { reader, ids } = await fixture();
    try {
      await reader.read(ids.empty);
      const first = reader.pid ?? 0;
      process.kill(first, 'SIGKILL');
      await eventually(() => !processAlive(first), 'the killed reader is gone');
      expect((await reader.read(ids.nul))?.content.equals(NUL_BLOB)).toBe(true);
      expect(reader.pid).not.toBe(first);
    } finally {
      await reader.close();
    }
  });

  it('a reader that stops answering ends in git_timeout and is replaced', async () => {
    const { reader, ids } = await fixture({ timeoutMs: 500 });
    try {
      await reader.read(ids.empty);
      const stuck = reader.pid ?? 0;
      process.kill(stuck, 'SIGSTOP');
      const err = await failure(reader.read(ids.big));
      expect(err.code).toBe('git_timeout');
      expect(err.message).toMatch(/^Reading objects timed out for repository "r" after 500ms/);
      await eventually(() => !processAlive(stuck), 'the stuck reader was killed');
      expect((await reader.read(ids.nul))?.content.equals(NUL_BLOB)).toBe(true);
    } finally {
      await reader.close();
    }
  });

  it('close answers what was asked, then the process is gone; a later read starts a new one', async () => {
    const { reader, ids } = await fixture();
    const pending = reader.read(ids.big);
    const pid = reader.pid ?? 0;
    expect(processAlive(pid)).toBe(true);
    await reader.close();
    expect((await pending)?.content.equals(BIG_BLOB)).toBe(true);
    expect(processAlive(pid)).toBe(false);
    expect(await catFiles()).toEqual([]);
    expect((await reader.read(ids.nul))?.type).toBe('blob');
    await reader.close();
    expect(await catFiles()).toEqual([]);
  });

  it('closes itself after an idle spell', async () => {
    const { reader, ids } = await fixture({ idleMs: 100 });
    await reader.read(ids.nul);
    const pid = reader.pid ?? 0;
    await eventually(() => !processAlive(pid), 'the idle reader closed');
    expect(reader.pid).toBeUndefined();
  });
});

describe('object readers behind the Git facade', () => {
  it('materialize and tree reads share one reader per mirror; closeReaders ends it, a fetch does not', async () => {
    const repo = await createSubtreeRepo(['a', 'b', 'c']);
    const { git } = await createTestGit();
    const remote = { name: 'r', url: repo.url };
    const sha = await git.resolveRef(remote, 'main');
    expect(await git.listPackDirs(remote, sha)).toEqual(['a', 'b', 'c']);
    const [reader] = await catFiles();
    expect(reader).toBeDefined();
    expect(await git.treeId(remote, sha, 'packs/b')).toBe((await repo.git(['rev-parse', `${sha}:packs/b`])).trim());
    expect(await catFiles()).toEqual([reader]);
    await git.closeReaders(remote);
    expect(await catFiles()).toEqual([]);

    await git.treeId(remote, sha, 'packs/a');
    const [second] = await catFiles();
    expect(second).toBeDefined();
    // A fetch into the same mirror: the reader reads on (test/git/reader-after-fetch.test.ts).
    expect((await git.sync(remote)).cloned).toBe(false);
    expect(await catFiles()).toEqual([second]);
    expect(await git.hasCommit(remote, sha)).toBe(true);
    expect(await git.hasCommit(remote, 'f'.repeat(40))).toBe(false);
    await git.closeReaders();
    expect(await catFiles()).toEqual([]);
  });

  it('a damaged object found while walking a pack is reported, nothing is written, and the next sync clones again', async () => {
    const repo = await createSubtreeRepo(['a']);
    const { git } = await createTestGit();
    const remote = { name: 'r', url: repo.url };
    const { mirrorDir } = await git.sync(remote);
    const tree = (await repo.git(['rev-parse', 'HEAD:packs/a/actions'])).trim();
    const loose = path.join(mirrorDir, 'objects', tree.slice(0, 2), tree.slice(2));
    await chmod(loose, 0o644);
    await writeFile(loose, 'garbage, not zlib\n');
    const dest = path.join(await tempDir('packbot-dest-'), 'a');
    const err = await failure(git.materialize(remote, 'main', 'packs/a', dest));
    expect(err.code).toBe('git_failed');
    expect(err.message).toBe(`Reading the tree failed for repository "r": object ${tree} (actions) is missing (the local mirror is damaged; the next sync clones it again).`);
    expect(existsSync(dest)).toBe(false);
    expect((await git.sync(remote)).cloned).toBe(true);
    await git.materialize(remote, 'main', 'packs/a', dest);
    expect(await readFile(path.join(dest, 'actions', 'hello.py'), 'utf8')).toBe('print("hello from a")\n');
    await git.closeReaders();
  });
});
