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
import { withMirrorLock } from './lock.js';
import { inMirror, type Repo } from './repo.js';
import { runGit, tryGit, type GitContext } from './run.js';
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
      await updateOrigin(ctx, repo);
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
    await runGit(ctx, { what: 'cloning', remote: repo.remote, protocol: repo.protocol, cwd: mirrorsDir, args: ['init', '--bare', '--quiet', '--', tmp] });
    await setOrigin(ctx, repo, tmp);
    await fetchInto(ctx, repo, tmp, 'cloning');
    if (await stat(repo.mirrorDir).then(() => true, () => false)) {
      const old = path.join(mirrorsDir, `.${repo.remote.name}.git.old-${randomUUID()}`);
      await rename(repo.mirrorDir, old);
      await rename(tmp, repo.mirrorDir);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, repo.mirrorDir);
    }
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** The URL is recorded for operators (`git remote -v`); fetches always name the configured URL. */
async function setOrigin(ctx: GitContext, repo: Repo, gitDir: string): Promise<void> {
  await runGit(ctx, inMirror(repo, 'recording the URL', ['config', '--', 'remote.origin.url', repo.remote.url], { cwd: gitDir, gitDir }));
}

async function updateOrigin(ctx: GitContext, repo: Repo): Promise<void> {
  const current = await tryGit(ctx, inMirror(repo, 'reading the URL', ['config', '--get', '--', 'remote.origin.url']));
  if (current?.trim() === repo.remote.url) return;
  ctx.logger.info({ repo: repo.remote.name }, 'repository URL changed; updating the mirror');
  await setOrigin(ctx, repo, repo.mirrorDir);
}

async function fetchInto(ctx: GitContext, repo: Repo, gitDir: string, what: string): Promise<void> {
  // The URL is positional after "--", never read from the mirror's config.
  const args = ['fetch', '--prune', '--no-tags', '--no-write-fetch-head', '--no-recurse-submodules', '--', repo.remote.url, ...REFSPECS];
  await runGit(ctx, inMirror(repo, what, args, { cwd: gitDir, gitDir, network: true }));
}
