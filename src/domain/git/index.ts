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
import { ObjectReaders } from './object-reader.js';
import { commitTree, fileAt, treeAt, treeEntries, type ObjectAccess } from './objects.js';
import { repoOf, type Repo } from './repo.js';
import { refNames, resolveRef } from './refs.js';
import { PackbotError } from '../../core/errors.js';
import type { GitContext } from './run.js';
import { listPackDirs, packTrees, tree } from './tree.js';
import { validatePath, validateRef } from './validate.js';
import type { Git, GitOptions, GitRemote, SyncResult } from './types.js';

export type { CommitInfo, DirEntry, Git, GitOptions, GitRemote, PackTreeEntry, SyncResult, TreeEntry } from './types.js';
export { validateRef } from './validate.js';
export { PackTooBig } from './materialize.js';

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

  /** The remote and every user value validated, and git's dirs present, before anything runs. */
  const open = async (remote: GitRemote, refs: ReadonlyArray<string | null>, path?: string): Promise<Repo> => {
    const repo = repoOf(ctx, remote);
    for (const ref of refs) if (ref !== null) validateRef(ref);
    if (path !== undefined) validatePath(path);
    await prepare();
    return repo;
  };
  // One cat-file per mirror serves every object read (object-reader.ts).
  const readers = new ObjectReaders(ctx);
  const reading = async (remote: GitRemote, refs: ReadonlyArray<string | null>, path?: string): Promise<ObjectAccess> => {
    const repo = await open(remote, refs, path);
    return { ctx, repo, reader: readers.of(repo) };
  };

  return {
    sync: async (remote) => {
      const repo = await open(remote, []);
      let result: SyncResult | undefined;
      try {
        result = await syncMirror(ctx, repo);
        return result;
      } finally {
        // A reader started before a re-clone holds the replaced mirror's files open: the next
        // read starts afresh. After a fetch into the same mirror it reads on (cat-file looks
        // for packs again when an object is not in those it knows), saving a process per read.
        if (!result || result.cloned) await readers.close(repo.mirrorDir);
      }
    },
    resolveRef: async (remote, ref) => resolveRef(ctx, await open(remote, [ref]), ref),
    refNames: async (remote) => refNames(ctx, await open(remote, [])),
    hasCommit: async (remote, sha) => {
      try {
        await commitTree(await reading(remote, [sha]), sha);
        return true;
      } catch (err) {
        if (err instanceof PackbotError && err.code === 'git_ref_unknown') return false;
        throw err;
      }
    },
    treeId: async (remote, commit, path) => (await treeAt(await reading(remote, [commit], path), commit, path)).oid,
    tree: async (remote, commit, path) => tree(await reading(remote, [commit], path), commit, path),
    listDir: async (remote, commit, path) => {
      const a = await reading(remote, [commit], path);
      return [...(await treeEntries(a, (await treeAt(a, commit, path)).oid, path || '.'))];
    },
    readFile: async (remote, commit, path) => fileAt(await reading(remote, [commit], path), commit, path),
    listPackDirs: async (remote, commit) => listPackDirs(await reading(remote, [commit]), commit),
    packTrees: async (remote, commit) => packTrees(await reading(remote, [commit]), commit),
    materialize: async (remote, commit, path, dest, opts) => materialize(await reading(remote, [commit], path), commit, path, dest, opts),
    log: async (remote, from, to, path, max) => log(await reading(remote, [from, to], path), from, to, path, max),
    changedPaths: async (remote, from, to) => changedPaths(await reading(remote, [from, to]), from, to),
    closeReaders: async (remote) => {
      if (remote === undefined) return readers.close();
      return readers.close(repoOf(ctx, remote).mirrorDir);
    },
  };
}
