import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSubtreeRepo, createTestGit, listFiles, runGit, tempDir } from '../helpers/git-repo.js';

describe('sync', () => {
  it('clones a bare mirror of heads and tags only, then fetches incrementally', async () => {
    const repo = await createSubtreeRepo();
    const first = await repo.revParse('HEAD');
    await repo.tag('v1');
    await repo.updateRef('refs/pull/1/head', first);
    const { git, stateDir } = await createTestGit();
    const remote = { name: 'st2contrib', url: repo.url };

    const cloned = await git.sync(remote);
    expect(cloned).toMatchObject({ cloned: true, mirrorDir: path.join(stateDir, 'mirrors', 'st2contrib.git') });
    expect(await runGit(cloned.mirrorDir, ['rev-parse', '--is-bare-repository'], { env: { GIT_DIR: cloned.mirrorDir } })).toBe('true');
    const refs = await runGit(cloned.mirrorDir, ['for-each-ref', '--format=%(refname)'], { env: { GIT_DIR: cloned.mirrorDir } });
    expect(refs.split('\n').sort()).toEqual(['refs/heads/main', 'refs/tags/v1']);
    expect(await git.resolveRef(remote, 'main')).toBe(first);

    const second = await repo.commit('change a', { 'packs/a/pack.yaml': 'name: a\nversion: 2.0.0\n' });
    expect(await git.resolveRef(remote, 'main')).toBe(first); // nothing fetched yet
    const fetched = await git.sync(remote);
    expect(fetched.cloned).toBe(false);
    expect(await git.resolveRef(remote, 'main')).toBe(second);
  });

  it('prunes branches and tags deleted upstream and follows force-pushes', async () => {
    const repo = await createSubtreeRepo();
    const base = await repo.revParse('HEAD');
    await repo.branch('feature-x');
    await repo.checkout('feature-x');
    await repo.commit('feature work', { 'packs/a/new.txt': 'new\n' });
    await repo.checkout('main');
    const { git } = await createTestGit();
    const remote = { name: 'r', url: repo.url };
    await git.sync(remote);
    expect(await git.resolveRef(remote, 'feature-x')).not.toBe(base);

    await repo.git(['branch', '-f', 'feature-x', base]); // force-push backwards
    await repo.branch('gone');
    await git.sync(remote);
    expect(await git.resolveRef(remote, 'feature-x')).toBe(base);
    await repo.deleteBranch('gone');
    await git.sync(remote);
    await expect(git.resolveRef(remote, 'gone')).rejects.toMatchObject({ code: 'git_ref_unknown' });
  });

  it('follows a changed URL, which is never stored in the mirror', async () => {
    const one = await createSubtreeRepo(['a']);
    const two = await createSubtreeRepo(['b', 'c']);
    const { git } = await createTestGit();
    const { mirrorDir } = await git.sync({ name: 'r', url: one.url });
    await git.sync({ name: 'r', url: two.url });
    // Every fetch names the configured URL; the mirror keeps none to be read or redirected.
    await expect(runGit(mirrorDir, ['config', '--get', 'remote.origin.url'], { env: { GIT_DIR: mirrorDir } })).rejects.toThrow();
    const sha = await git.resolveRef({ name: 'r', url: two.url }, 'main');
    expect(sha).toBe(await two.revParse('HEAD'));
    expect(await git.listPackDirs({ name: 'r', url: two.url }, sha)).toEqual(['b', 'c']);
  });

  it('clones on first use by a read operation', async () => {
    const repo = await createSubtreeRepo();
    const { git, stateDir } = await createTestGit();
    expect(await git.resolveRef({ name: 'r', url: repo.url }, 'main')).toBe(await repo.revParse('HEAD'));
    expect(existsSync(path.join(stateDir, 'mirrors', 'r.git', 'HEAD'))).toBe(true);
  });

  describe('a broken mirror is cloned again', () => {
    it('when the directory holds no repository (e.g. left by a killed clone)', async () => {
      const repo = await createSubtreeRepo();
      const { git, stateDir } = await createTestGit();
      const mirror = path.join(stateDir, 'mirrors', 'r.git');
      await mkdir(path.join(mirror, 'objects'), { recursive: true });
      await writeFile(path.join(mirror, 'HEAD'), 'garbage\n');
      const leftover = path.join(stateDir, 'mirrors', '.r.git.tmp-abc123');
      await mkdir(path.join(leftover, 'objects', 'pack'), { recursive: true });
      await writeFile(path.join(leftover, 'objects', 'pack', 'tmp_pack_x'), 'half a pack');

      const result = await git.sync({ name: 'r', url: repo.url });
      expect(result.cloned).toBe(true);
      expect(await git.resolveRef({ name: 'r', url: repo.url }, 'main')).toBe(await repo.revParse('HEAD'));
      expect((await readdir(path.join(stateDir, 'mirrors'))).sort()).toEqual(['r.git']);
    });

    it('when a branch tip object is missing: at the next start, or after a read trips over it', async () => {
      const repo = await createSubtreeRepo();
      const stateDir = await tempDir('packbot-state-');
      const { git } = await createTestGit({ stateDir });
      const remote = { name: 'r', url: repo.url };
      const { mirrorDir } = await git.sync(remote);
      const head = await repo.revParse('HEAD');
      // Unpacked object storage: delete the tip commit's file (or pack, if git packed it).
      const loose = path.join(mirrorDir, 'objects', head.slice(0, 2), head.slice(2));
      if (existsSync(loose)) await rm(loose);
      else await rm(path.join(mirrorDir, 'objects', 'pack'), { recursive: true });

      // A new process checks every tip once, and clones again.
      const restarted = (await createTestGit({ stateDir })).git;
      expect((await restarted.sync(remote)).cloned).toBe(true);
      expect(await restarted.tree(remote, head, 'packs/a')).not.toEqual([]);

      // Within one process the tips are trusted after their first check; the read that finds
      // the damage says so and marks the mirror, and the next sync clones it again.
      const again = path.join(mirrorDir, 'objects', head.slice(0, 2), head.slice(2));
      if (existsSync(again)) await rm(again);
      else await rm(path.join(mirrorDir, 'objects', 'pack'), { recursive: true });
      await expect(restarted.tree(remote, head, 'packs/a')).rejects.toThrow(/damaged; the next sync clones it again/);
      expect((await restarted.sync(remote)).cloned).toBe(true);
      expect(await restarted.tree(remote, head, 'packs/a')).not.toEqual([]);
    });
  });

  it('recovers from git lock files left by a git process that was killed', async () => {
    const repo = await createSubtreeRepo();
    const { git } = await createTestGit();
    const remote = { name: 'r', url: repo.url };
    const { mirrorDir } = await git.sync(remote);
    await writeFile(path.join(mirrorDir, 'refs', 'heads', 'main.lock'), '');
    const next = await repo.commit('next', { 'packs/a/next.txt': 'next\n' });
    expect((await git.sync(remote)).cloned).toBe(true);
    expect(await git.resolveRef(remote, 'main')).toBe(next);
  });

  describe('ignores the environment packbot runs in', () => {
    const saved = { ...process.env };
    afterEach(() => {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    });

    it('GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, GIT_TRACE and ~/.gitconfig do not reach git', async () => {
      const repo = await createSubtreeRepo();
      const decoy = await createSubtreeRepo(['decoy']);
      const scratch = await tempDir();
      const trace = path.join(scratch, 'trace.log');
      const home = path.join(scratch, 'home');
      await mkdir(home);
      await writeFile(path.join(home, '.gitconfig'), `[url "${decoy.url}"]\n\tinsteadOf = ${repo.url}\n`);
      Object.assign(process.env, {
        GIT_DIR: path.join(decoy.dir, '.git'),
        GIT_WORK_TREE: decoy.dir,
        GIT_INDEX_FILE: path.join(scratch, 'index'),
        GIT_TRACE: trace,
        GIT_CURL_VERBOSE: '1',
        GIT_SSH_COMMAND: `touch ${path.join(scratch, 'ssh-ran')}`,
        HOME: home,
        XDG_CONFIG_HOME: home,
      });
      const { git } = await createTestGit();
      const remote = { name: 'r', url: repo.url };
      await git.sync(remote);
      const sha = await git.resolveRef(remote, 'main');
      expect(sha).toBe(await repo.revParse('HEAD'));
      expect(await git.listPackDirs(remote, sha)).toEqual(['a', 'b']);
      const dest = path.join(scratch, 'out');
      await git.materialize(remote, sha, 'packs/a', dest);
      expect(await listFiles(dest)).toContain('pack.yaml');
      expect(existsSync(trace)).toBe(false);
      expect(existsSync(path.join(scratch, 'index'))).toBe(false);
      expect(existsSync(path.join(scratch, 'ssh-ran'))).toBe(false);
      expect(await readFile(path.join(decoy.dir, '.git', 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
    });
  });
});
