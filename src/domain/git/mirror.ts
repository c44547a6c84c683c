/**
 * Bare mirrors under <stateDir>/mirrors: cloned once, fetched after. A clone is built in a
 * dot-dir beside the mirror and renamed into place, so a mirror directory only ever appears
 * complete; one that is broken anyway (a disk hiccup, a fetch killed at the wrong moment,
 * someone's rm, damage found by a read) is replaced the same way.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { hasMirror, isCorruption, isHealthy } from './health.js';
import { withMirrorLock } from './mirror-lock.js';
import { inMirror, type Repo } from './repo.js';
import { runGit, type GitContext } from './run.js';
import type { SyncResult } from './types.js';

// Heads and tags only: refs/pull/*, refs/changes/* and the like are not deployable and can be huge.
const REFSPECS = ['+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'];

export async function syncMirror(ctx: GitContext, repo: Repo): Promise<SyncResult> {
  const started = Date.now();
  const name = repo.remote.name;
  return withMirrorLock(repo.mirrorDir, { repo: name, waitMs: ctx.timeoutMs * 2, logger: ctx.logger }, async () => {
    await removeLeftovers(ctx, name);
    let cloned = false;
    if (await isHealthy(ctx, repo)) {
      try {
        await fetchInto(ctx, repo, repo.mirrorDir, 'fetching');
      } catch (err) {
        if (!isCorruption(err)) throw err;
        ctx.logger.warn({ repo: name, reason: err.message }, 'git mirror is corrupt; cloning it again');
        await cloneInto(ctx, repo);
        cloned = true;
      }
    } else {
      if (await stat(repo.mirrorDir).then(() => true, () => false)) ctx.logger.warn({ repo: name }, 'git mirror is broken; cloning it again');
      await cloneInto(ctx, repo);
      cloned = true;
    }
    const durationMs = Date.now() - started;
    ctx.logger.info({ repo: name, cloned, ms: durationMs }, cloned ? 'git mirror cloned' : 'git mirror fetched');
    return { mirrorDir: repo.mirrorDir, cloned, durationMs };
  });
}

/** Read operations on a repository never fetched yet clone it first. */
export async function ensureMirror(ctx: GitContext, repo: Repo): Promise<void> {
  if (!(await hasMirror(repo))) await syncMirror(ctx, repo);
}

/** Clones (and swapped-out old mirrors) left behind by a process killed mid-way. */
async function removeLeftovers(ctx: GitContext, name: string): Promise<void> {
  const prefixes = [`.${name}.git.tmp-`, `.${name}.git.old-`];
  const entries = await readdir(ctx.layout.mirrorsDir);
  await Promise.all(
    entries.filter((e) => prefixes.some((p) => e.startsWith(p))).map((e) => rm(path.join(ctx.layout.mirrorsDir, e), { recursive: true, force: true })),
  );
}

async function cloneInto(ctx: GitContext, repo: Repo): Promise<void> {
  const { mirrorsDir } = ctx.layout;
  const tmp = await mkdtemp(path.join(mirrorsDir, `.${repo.remote.name}.git.tmp-`));
  try {
    // Not --quiet: simple-git waits an extra 50 ms after any git that prints nothing.
    await runGit(ctx, { what: 'cloning', remote: repo.remote, protocol: repo.protocol, cwd: mirrorsDir, args: ['init', '--bare', '--', tmp] });
    await fetchInto(ctx, repo, tmp, 'cloning');
    if (await stat(repo.mirrorDir).then(() => true, () => false)) {
      const old = path.join(mirrorsDir, `.${repo.remote.name}.git.old-${randomUUID()}`);
      await rename(repo.mirrorDir, old);
      await rename(tmp, repo.mirrorDir);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, repo.mirrorDir);
    }
    // A clone just read every object it has: no need to check its tips on the next sync.
    ctx.verified.add(repo.mirrorDir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

async function fetchInto(ctx: GitContext, repo: Repo, gitDir: string, what: string): Promise<void> {
  // The URL is positional after "--", never read from (or written to) the mirror's config.
  // --verbose: a fetch with nothing new is otherwise silent, and simple-git waits an extra
  // 50 ms after any git that prints nothing.
  const args = ['fetch', '--verbose', '--prune', '--no-tags', '--no-write-fetch-head', '--no-recurse-submodules', '--', repo.remote.url, ...REFSPECS];
  await runGit(ctx, inMirror(repo, what, args, { cwd: gitDir, gitDir, network: true }));
}
