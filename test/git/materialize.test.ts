import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PackbotError } from '../../src/core/errors.js';
import { createSinglePackRepo, createSubtreeRepo, createTestGit, listFiles, packFiles, tempDir } from '../helpers/git-repo.js';

async function destIn(): Promise<string> {
  return path.join(await tempDir('packbot-dest-'), 'staging', 'pack');
}

describe('materialize', () => {
  it('writes exactly the files of one pack, with their modes, and no .git', async () => {
    const repo = await createSubtreeRepo();
    const { git, stateDir } = await createTestGit();
    const remote = { name: 'r', url: repo.url };
    const sha = await git.resolveRef(remote, 'main');
    const dest = await destIn();
    await git.materialize(remote, sha, 'packs/a', dest);
    expect(await listFiles(dest)).toEqual(['actions/hello.py', 'actions/hello.yaml', 'actions/run.sh', 'pack.yaml']);
    expect(await readFile(path.join(dest, 'actions/hello.py'), 'utf8')).toBe('print("hello from a")\n');
    expect((await stat(path.join(dest, 'actions/run.sh'))).mode & 0o111).not.toBe(0);
    expect((await stat(path.join(dest, 'pack.yaml'))).mode & 0o111).toBe(0);
    expect(existsSync(path.join(dest, '.git'))).toBe(false);
    // The temporary index is gone too.
    expect(await readdir(path.join(stateDir, 'git', 'tmp'))).toEqual([]);
  });

  it('writes the root of a single-pack repo into an existing empty directory', async () => {
    const repo = await createSinglePackRepo('solo');
    const { git } = await createTestGit();
    const remote = { name: 'solo', url: repo.url };
    const dest = await destIn();
    await mkdir(dest, { recursive: true });
    await git.materialize(remote, 'main', '', dest);
    expect(await listFiles(dest)).toEqual(Object.keys(packFiles('solo')).sort());
  });

  it('refuses a directory that is not empty and leaves it alone', async () => {
    const repo = await createSubtreeRepo();
    const { git } = await createTestGit();
    const dest = await destIn();
    await mkdir(dest, { recursive: true });
    await writeFile(path.join(dest, 'keep.txt'), 'mine');
    await expect(git.materialize({ name: 'r', url: repo.url }, 'main', 'packs/a', dest)).rejects.toThrow(/not empty/);
    expect(await listFiles(dest)).toEqual(['keep.txt']);
  });

  it('refuses a missing pack directory', async () => {
    const repo = await createSubtreeRepo();
    const { git } = await createTestGit();
    const dest = await destIn();
    await expect(git.materialize({ name: 'r', url: repo.url }, 'main', 'packs/zzz', dest)).rejects.toMatchObject({ code: 'pack_unknown' });
    expect(existsSync(dest)).toBe(false);
  });

  it('writes nothing from a damaged mirror, and the next sync clones it again', async () => {
    const repo = await createSubtreeRepo();
    const { git } = await createTestGit();
    const remote = { name: 'r', url: repo.url };
    const { mirrorDir } = await git.sync(remote);
    const blob = (await repo.git(['rev-parse', 'HEAD:packs/a/pack.yaml'])).trim();
    const loose = path.join(mirrorDir, 'objects', blob.slice(0, 2), blob.slice(2));
    expect(existsSync(loose)).toBe(true);
    await rm(loose);
    const dest = await destIn();
    const err = (await git.materialize(remote, 'main', 'packs/a', dest).catch((e: unknown) => e)) as PackbotError;
    expect(err.code).toBe('git_failed');
    expect(err.message).toMatch(/^Reading the tree failed for repository "r": .*pack\.yaml.*missing.*next sync clones it again/);
    expect(existsSync(path.dirname(dest))).toBe(false);

    expect((await git.sync(remote)).cloned).toBe(true);
    await git.materialize(remote, 'main', 'packs/a', dest);
    expect(await listFiles(dest)).toContain('pack.yaml');
  });

  it('writes relative in-pack symlinks as links, each target exactly its blob', async () => {
    const repo = await createSubtreeRepo(['a']);
    await repo.commit('shared code', {
      'packs/a/actions/lib/x.py': 'x = 1\n',
      'packs/a/sensors/lib/x.py': { symlink: '../../actions/lib/x.py' },
      'packs/a/sensors/shared': { symlink: '../actions/lib' },
    });
    const { git } = await createTestGit();
    const dest = await destIn();
    await git.materialize({ name: 'r', url: repo.url }, 'main', 'packs/a', dest);
    expect(await readlink(path.join(dest, 'sensors/lib/x.py'))).toBe('../../actions/lib/x.py');
    expect(await readlink(path.join(dest, 'sensors/shared'))).toBe('../actions/lib');
    expect(await readFile(path.join(dest, 'sensors/shared/x.py'), 'utf8')).toBe('x = 1\n');
  });

  describe('refuses unsafe trees, writing nothing', () => {
    async function refused(files: Parameters<Awaited<ReturnType<typeof createSubtreeRepo>>['commit']>[1], dir = 'packs/evil'): Promise<PackbotError> {
      const repo = await createSubtreeRepo(['evil']);
      await repo.commit('hostile entries', files);
      const { git } = await createTestGit();
      const dest = await destIn();
      const err = await git.materialize({ name: 'r', url: repo.url }, 'main', dir, dest).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(PackbotError);
      expect(existsSync(dest)).toBe(false);
      expect(existsSync(path.dirname(dest))).toBe(false);
      return err as PackbotError;
    }

    it('symlinks out of the pack and to /etc/passwd', async () => {
      const err = await refused({ 'packs/evil/up': { symlink: '../..' }, 'packs/evil/actions/passwd': { symlink: '/etc/passwd' } });
      expect(err.code).toBe('pack_unsafe');
      expect(err.message).toContain('up is a symlink');
      expect(err.message).toContain('actions/passwd is a symlink');
      expect(err.message).not.toContain('\n');
    });

    it('links that escape through another link, dangle or loop, each named once on one line', async () => {
      const err = await refused({
        'packs/evil/a/keep.txt': 'k',
        'packs/evil/x/y/l': { symlink: '../../a' },
        'packs/evil/z': { symlink: 'x/y/l/../../etc/passwd' },
        'packs/evil/gone': { symlink: 'nothing' },
        'packs/evil/loop': { symlink: 'loop' },
      });
      expect(err.code).toBe('pack_unsafe');
      expect(err.message).toContain('z is a symlink (-> "x/y/l/../../etc/passwd"), and it points outside the pack through "x/y/l" (-> "../../a")');
      expect(err.message).toContain('gone is a symlink (-> "nothing"), and it points to "nothing", which does not exist in the pack');
      expect(err.message).toContain('loop is a symlink (-> "loop"), and it is a loop of links');
      expect(err.message).not.toContain('x/y/l is');
      expect(err.message).not.toContain('\n');
    });

    it('a crafted tree holding a link and a directory of the same name', async () => {
      const repo = await createSubtreeRepo(['ok']);
      const hash = async (text: string) => (await repo.git(['hash-object', '-w', '--stdin'], { input: text })).trim();
      const mktree = async (lines: string[]) => (await repo.git(['mktree'], { input: `${lines.join('\n')}\n` })).trim();
      const sub = await mktree([`100644 blob ${await hash('pwned')}\tevil.py`]);
      const evil = await mktree([`100644 blob ${await hash('name: evil\n')}\tpack.yaml`, `120000 blob ${await hash('../../..')}\tlib`, `040000 tree ${sub}\tlib`]);
      const root = await mktree([`040000 tree ${await mktree([`040000 tree ${evil}\tevil`])}\tpacks`]);
      await repo.git(['update-ref', 'refs/heads/main', (await repo.git(['commit-tree', root, '-m', 'crafted'])).trim()]);
      const { git } = await createTestGit();
      const dest = await destIn();
      const err = (await git.materialize({ name: 'r', url: repo.url }, 'main', 'packs/evil', dest).catch((e: unknown) => e)) as PackbotError;
      expect(err.code).toBe('pack_unsafe');
      expect(err.message).toContain('"lib" appears twice in its directory');
      expect(existsSync(dest)).toBe(false);
    });

    it('a submodule (gitlink)', async () => {
      const err = await refused({ 'packs/evil/vendor/lib': { gitlink: 'a'.repeat(40) } });
      expect(err.code).toBe('pack_unsafe');
      expect(err.message).toContain('vendor/lib is a submodule');
    });

    it('the same entries found anywhere under the root of a single-pack repo', async () => {
      const err = await refused({ 'packs/evil/up': { symlink: '../..' } }, '');
      expect(err.code).toBe('pack_unsafe');
      expect(err.message).toContain('packs/evil/up is a symlink');
    });

    it('crafted ".." and ".git" names that git add would never create', async () => {
      const repo = await createSubtreeRepo(['ok']);
      await repo.commitRawTree('crafted', { packs: { evil: { '..': 'escape', '.git': 'fake', 'pack.yaml': 'name: evil\n', sub: { '.GIT': 'x' } } } });
      const { git } = await createTestGit();
      const dest = await destIn();
      const err = (await git.materialize({ name: 'r', url: repo.url }, 'main', 'packs/evil', dest).catch((e: unknown) => e)) as PackbotError;
      expect(err.code).toBe('pack_unsafe');
      expect(err.message).toContain('".." leaves the pack directory');
      expect(err.message).toContain('".git" is a .git entry');
      expect(err.message).toContain('"sub/.GIT" is a .git entry');
      expect(existsSync(dest)).toBe(false);
    });
  });
});
