import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PackbotError } from '../../src/core/errors.js';
import type { Git, GitRemote } from '../../src/domain/git/index.js';
import { layoutOf } from '../../src/domain/git/env.js';
import { runGit as runPackbotGit, type GitContext } from '../../src/domain/git/run.js';
import { createLogger } from '../../src/core/logging/logger.js';
import { createMasker } from '../../src/core/masking/masker.js';
import { startGitHttpServer } from '../helpers/git-http-server.js';
import { createSubtreeRepo, createTestGit, runGit, tempDir } from '../helpers/git-repo.js';

async function failure(promise: Promise<unknown>): Promise<PackbotError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PackbotError);
  return err as PackbotError;
}

describe('hostile values are refused before git runs', () => {
  async function fixture() {
    const scratch = await tempDir('packbot-hostile-');
    const marker = path.join(scratch, 'x');
    const repo = await createSubtreeRepo();
    const t = await createTestGit();
    return { scratch, marker, repo, ...t, remote: { name: 'r', url: repo.url } as GitRemote };
  }
  const hostileRefs = (marker: string) => [
    `--upload-pack=touch ${marker}`,
    `-u touch ${marker}`,
    '-c protocol.ext.allow=always',
    '../../etc',
    'a..b',
    `ext::sh -c touch% ${marker}`,
    `--output=${marker}`,
    'HEAD@{0}',
  ];

  it('refs, in every operation: git_ref_invalid, nothing created, not even a mirror', async () => {
    const { marker, git, stateDir, remote } = await fixture();
    const dest = path.join(path.dirname(marker), 'dest');
    for (const ref of hostileRefs(marker)) {
      const calls: Array<[string, (g: Git) => Promise<unknown>]> = [
        ['resolveRef', (g) => g.resolveRef(remote, ref)],
        ['tree', (g) => g.tree(remote, ref, '')],
        ['treeId', (g) => g.treeId(remote, ref, 'packs/a')],
        ['listPackDirs', (g) => g.listPackDirs(remote, ref)],
        ['materialize', (g) => g.materialize(remote, ref, 'packs/a', dest)],
        ['log to', (g) => g.log(remote, null, ref, '')],
        ['log from', (g) => g.log(remote, ref, 'main', '')],
        ['changedPaths', (g) => g.changedPaths(remote, 'main', ref)],
      ];
      for (const [name, call] of calls) {
        const err = await failure(call(git));
        expect([name, err.code]).toEqual([name, 'git_ref_invalid']);
        expect(err.message).not.toContain('\n');
      }
    }
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(dest)).toBe(false);
    expect(await readdir(stateDir)).toEqual([]);
  });

  it('paths: pack_unsafe, nothing written', async () => {
    const { marker, git, stateDir, remote } = await fixture();
    const dest = path.join(path.dirname(marker), 'dest');
    for (const p of ['../../etc', `--output=${marker}`, '/etc', 'packs/../..', ':(top)', '-c']) {
      expect((await failure(git.materialize(remote, 'main', p, dest))).code).toBe('pack_unsafe');
      expect((await failure(git.tree(remote, 'main', p))).code).toBe('pack_unsafe');
      expect((await failure(git.log(remote, null, 'main', p))).code).toBe('pack_unsafe');
    }
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(dest)).toBe(false);
    expect(await readdir(stateDir)).toEqual([]);
  });

  it('refs against an existing mirror leave it untouched', async () => {
    const { marker, git, stateDir, remote } = await fixture();
    await git.sync(remote);
    const before = await readdir(path.join(stateDir, 'mirrors'));
    for (const ref of hostileRefs(marker)) expect((await failure(git.resolveRef(remote, ref))).code).toBe('git_ref_invalid');
    expect(existsSync(marker)).toBe(false);
    expect(await readdir(path.join(stateDir, 'mirrors'))).toEqual(before);
  });

  it.each([
    ['ext::sh -c touch% MARKER', 'git_protocol_refused'],
    ['ext::sh -c touch MARKER', 'git_protocol_refused'],
    ['fd::0', 'git_protocol_refused'],
    ['--upload-pack=touch MARKER', 'git_remote_invalid'],
    ['-u touch MARKER', 'git_remote_invalid'],
    ['https://token:secret-value@example.com/r.git', 'git_remote_invalid'],
  ])('remote URL %j is refused (%s), nothing created', async (template, code) => {
    const { marker, git, stateDir } = await fixture();
    const remote = { name: 'r', url: template.replace('MARKER', marker) };
    const err = await failure(git.sync(remote));
    expect(err.code).toBe(code);
    expect(err.message).not.toContain(marker);
    expect(err.message).not.toContain('secret-value');
    await failure(git.resolveRef(remote, 'main'));
    expect(existsSync(marker)).toBe(false);
    expect(await readdir(stateDir)).toEqual([]);
  });

  it.each(['../escape', '-x', '.hidden', 'a/b', ''])('repository name %j is refused', async (name) => {
    const { git, stateDir, repo } = await fixture();
    expect((await failure(git.sync({ name, url: repo.url }))).code).toBe('git_remote_invalid');
    expect(await readdir(stateDir)).toEqual([]);
  });
});

describe('git itself only speaks the configured protocol', () => {
  // Straight to the process layer, as if every check before it had been bypassed.
  async function fetchAs(protocol: 'https' | 'file', url: string) {
    const stateDir = await tempDir('packbot-state-');
    const target = path.join(stateDir, 'target.git');
    await runGit(stateDir, ['init', '--bare', '--quiet', target]);
    const ctx: GitContext = { layout: layoutOf(stateDir), masker: createMasker(), logger: createLogger({ level: 'silent', masker: createMasker() }), timeoutMs: 30_000, verified: new Set<string>() };
    const remote = { name: 'r', url };
    return runPackbotGit(ctx, { what: 'fetching', remote, protocol, network: true, cwd: target, gitDir: target, args: ['fetch', '--', url, 'refs/heads/*:refs/heads/*'] });
  }

  it('a file:// URL is refused when the repository is configured with https', async () => {
    const repo = await createSubtreeRepo();
    await expect(fetchAs('file', repo.url)).resolves.toBeDefined(); // control: allowed as file
    const err = await failure(fetchAs('https', repo.url));
    expect(err.code).toBe('git_protocol_refused');
    expect(err.message).toContain("transport 'file' is not allowed");
    expect(err.message).toContain('may only use https');
  });

  it('an ext:: URL never runs its command', async () => {
    const marker = path.join(await tempDir('packbot-ext-'), 'x');
    const err = await failure(fetchAs('https', `ext::sh -c touch% ${marker}`));
    expect(err.code).toBe('git_protocol_refused');
    expect(existsSync(marker)).toBe(false);
  });
});

describe('a tampered mirror config is not trusted', () => {
  it('a planted url.insteadOf rewrite is dropped: the mirror is cloned again from the configured URL', async () => {
    const root = await tempDir('packbot-served-');
    const repo = await createSubtreeRepo(['real'], { dir: path.join(root, 'real') });
    const decoy = await createSubtreeRepo(['decoy']);
    const server = await startGitHttpServer({ root });
    try {
      const { git } = await createTestGit();
      const remote = { name: 'r', url: server.repoUrl('real') };
      const { mirrorDir } = await git.sync(remote);
      await runGit(mirrorDir, ['config', `url.${decoy.url}.insteadOf`, remote.url], { env: { GIT_DIR: mirrorDir } });
      // Control: plain git follows the rewrite.
      await runGit(mirrorDir, ['fetch', remote.url, 'refs/heads/main:refs/heads/probe'], { env: { GIT_DIR: mirrorDir } });
      expect(await runGit(mirrorDir, ['rev-parse', 'probe'], { env: { GIT_DIR: mirrorDir } })).toBe(await decoy.revParse('HEAD'));

      const served = server.requests.length;
      expect((await git.sync(remote)).cloned).toBe(true);
      expect(server.requests.length).toBeGreaterThan(served);
      const keys = await runGit(mirrorDir, ['config', '--local', '--list', '--name-only'], { env: { GIT_DIR: mirrorDir } });
      expect(keys).not.toContain('insteadof');
      const sha = await git.resolveRef(remote, 'main');
      expect(sha).toBe(await repo.revParse('HEAD'));
      expect(await git.listPackDirs(remote, sha)).toEqual(['real']);
    } finally {
      await server.close();
    }
  });
});

describe('hooks never run', () => {
  it('neither the mirror hooks nor a core.hooksPath planted in its config, on fetch or materialize', async () => {
    const repo = await createSubtreeRepo();
    const { git } = await createTestGit();
    const remote = { name: 'r', url: repo.url };
    const { mirrorDir } = await git.sync(remote);
    const scratch = await tempDir('packbot-hooks-');
    const evil = path.join(scratch, 'evil-hooks');
    await mkdir(evil);
    const names = ['reference-transaction', 'post-checkout', 'post-index-change', 'post-merge', 'pre-auto-gc', 'fsmonitor-watchman'];
    for (const dir of [evil, path.join(mirrorDir, 'hooks')]) {
      for (const hook of names) {
        const file = path.join(dir, hook);
        await writeFile(file, `#!/bin/sh\ntouch "${scratch}/ran-${hook}"\n`);
        await chmod(file, 0o755);
      }
    }
    await runGit(mirrorDir, ['config', 'core.hooksPath', evil], { env: { GIT_DIR: mirrorDir } });
    await runGit(mirrorDir, ['config', 'core.fsmonitor', path.join(evil, 'fsmonitor-watchman')], { env: { GIT_DIR: mirrorDir } });

    // Control: the planted hook does fire for plain git.
    await runGit(mirrorDir, ['update-ref', 'refs/heads/probe', 'main'], { env: { GIT_DIR: mirrorDir } });
    expect(existsSync(path.join(scratch, 'ran-reference-transaction'))).toBe(true);
    await rm(path.join(scratch, 'ran-reference-transaction'));
    await runGit(mirrorDir, ['update-ref', '-d', 'refs/heads/probe'], { env: { GIT_DIR: mirrorDir } });
    await rm(path.join(scratch, 'ran-reference-transaction'), { force: true });

    // Reads use the mirror as it is: packbot's -c settings must win over the planted ones.
    await git.materialize(remote, 'main', 'packs/a', path.join(scratch, 'before'));
    expect(await git.log(remote, null, 'main', 'packs/a')).toHaveLength(1);
    expect((await readdir(scratch)).filter((f) => f.startsWith('ran-'))).toEqual([]);

    // A sync updates refs (reference-transaction) and replaces the tampered mirror.
    await repo.commit('more', { 'packs/a/new.txt': 'new\n' });
    await git.sync(remote);
    const dest = path.join(scratch, 'after');
    await git.materialize(remote, 'main', 'packs/a', dest);
    expect(existsSync(path.join(dest, 'new.txt'))).toBe(true);
    expect((await readdir(scratch)).filter((f) => f.startsWith('ran-'))).toEqual([]);
  });
});
