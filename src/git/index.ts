/**
 * Hardened git for packbot: cached bare mirrors, a safe argv (validated values after
 * `--end-of-options`/`--`), one allowed protocol per repository, no hooks, and credentials
 * that live only in the environment of the git process that needs them.
 * See env.ts for what every git process gets, mirror.ts for the mirror lifecycle.
 */
import { mkdir } from 'node:fs/promises';
import { layoutOf } from './env.js';
import { changedPaths, log } from './history.js';
import { materialize } from './materialize.js';
import { syncMirror } from './mirror.js';
import { repoOf } from './repo.js';
import { resolveRef } from './refs.js';
import type { GitContext } from './run.js';
import { listPackDirs, packTrees, tree, treeOidAt } from './tree.js';
import { validatePath, validateRef } from './validate.js';
import type { Git, GitOptions } from './types.js';

export type { CommitInfo, Git, GitOptions, GitRemote, SyncResult, TreeEntry } from './types.js';
export { validateRef } from './validate.js';

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

export function createGit(opts: GitOptions): Git {
  const layout = layoutOf(opts.stateDir);
  const ctx: GitContext = { layout, masker: opts.masker, logger: opts.logger, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, verified: new Set() };
  // simple-git's `debug` output bypasses the masker and includes each process's env, token too.
  if (/(^|[\s,])(\*|simple-git)/.test(process.env['DEBUG'] ?? '')) {
    opts.logger.warn('DEBUG enables simple-git debug output, which prints git environments (repository tokens included) unmasked to stderr');
  }
  // git's HOME, the empty hooks dir and the temp dir must exist before any git process runs.
  let ready: Promise<void> | undefined;
  const prepare = () =>
    (ready ??= Promise.all([layout.mirrorsDir, layout.homeDir, layout.hooksDir, layout.tmpDir].map((d) => mkdir(d, { recursive: true }))).then(
      () => undefined,
      (err: unknown) => {
        ready = undefined;
        throw err;
      },
    ));

  // Every method validates the remote and every user value before anything touches the disk.
  return {
    async sync(remote) {
      const repo = repoOf(ctx, remote);
      await prepare();
      return syncMirror(ctx, repo);
    },
    async resolveRef(remote, ref) {
      const repo = repoOf(ctx, remote);
      validateRef(ref);
      await prepare();
      return resolveRef(ctx, repo, ref);
    },
    async treeId(remote, commit, path) {
      const repo = repoOf(ctx, remote);
      validateRef(commit);
      validatePath(path);
      await prepare();
      return (await treeOidAt(ctx, repo, commit, path)).oid;
    },
    async tree(remote, commit, path) {
      const repo = repoOf(ctx, remote);
      validateRef(commit);
      validatePath(path);
      await prepare();
      return tree(ctx, repo, commit, path);
    },
    async listPackDirs(remote, commit) {
      const repo = repoOf(ctx, remote);
      validateRef(commit);
      await prepare();
      return listPackDirs(ctx, repo, commit);
    },
    async packTrees(remote, commit) {
      const repo = repoOf(ctx, remote);
      validateRef(commit);
      await prepare();
      return packTrees(ctx, repo, commit);
    },
    async materialize(remote, commit, path, dest) {
      const repo = repoOf(ctx, remote);
      validateRef(commit);
      validatePath(path);
      await prepare();
      return materialize(ctx, repo, commit, path, dest);
    },
    async log(remote, from, to, path, max) {
      const repo = repoOf(ctx, remote);
      if (from !== null) validateRef(from);
      validateRef(to);
      validatePath(path);
      await prepare();
      return log(ctx, repo, from, to, path, max);
    },
    async changedPaths(remote, from, to) {
      const repo = repoOf(ctx, remote);
      validateRef(from);
      validateRef(to);
      await prepare();
      return changedPaths(ctx, repo, from, to);
    },
  };
}
