/**
 * A remote as this layer works with it: validated once (name and protocol) before anything
 * touches the disk, with the path of its mirror.
 */
import path from 'node:path';
import { protocolOf, type GitProtocol } from './protocol.js';
import type { GitContext, RunSpec } from './run.js';
import type { GitRemote } from './types.js';
import { validateRemoteName } from './validate.js';

export interface Repo {
  remote: GitRemote;
  protocol: GitProtocol;
  mirrorDir: string;
}

export function repoOf(ctx: GitContext, remote: GitRemote): Repo {
  validateRemoteName(remote.name);
  const protocol = protocolOf(remote);
  return { remote, protocol, mirrorDir: path.join(ctx.layout.mirrorsDir, `${remote.name}.git`) };
}

/** A git command against the mirror (GIT_DIR set explicitly: no discovery of a parent repo). */
export function inMirror(repo: Repo, what: string, args: string[], extra: Partial<RunSpec> = {}): RunSpec {
  return { what, remote: repo.remote, protocol: repo.protocol, cwd: repo.mirrorDir, gitDir: repo.mirrorDir, args, ...extra };
}
