/**
 * `.packbot.json`: what a release is and where it came from. It is written inside the
 * release before the release is renamed into view, so every visible release has one; a
 * directory without a readable one is not a release and is never listed or activated.
 */
import type { Identity } from '../../core/identity.js';
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from '../../core/caught.js';
import { PackbotError } from '../../core/errors.js';
import { META_FILE } from './layout.js';
import { isCommitSha } from './names.js';

/** Where a release came from: `repo` names the repository, or `registry`, or a URL's `url-…` name. */
export type ReleaseOrigin = 'repository' | 'registry' | 'url';

export interface ReleaseMeta {
  pack: string;
  version: string;
  repo: string;
  /**
   * What `repo` names (written since issue 15; its owner decides who may replace the pack).
   * Older releases lack it: permissions/ownership.ts says how they are read.
   */
  origin?: ReleaseOrigin;
  branch: string;
  commit: string;
  deployed_by: Identity;
  deploy_id: string;
  [k: string]: unknown;
}

export type StoredMeta = ReleaseMeta & { release: string; deployed_at: string };

export interface Release {
  pack: string;
  release: string;
  /** The release directory itself (not the `<packsDir>/<pack>` symlink). */
  dir: string;
  meta: StoredMeta;
  active: boolean;
}

const REQUIRED = ['pack', 'version', 'repo', 'branch', 'commit', 'deployed_by', 'deploy_id'] as const;

export function checkMeta(pack: string, meta: ReleaseMeta): void {
  for (const key of REQUIRED) {
    if (typeof meta[key] !== 'string') {
      throw new PackbotError('release_invalid', `release metadata for ${pack} lacks ${key}`);
    }
  }
  if (!isCommitSha(meta.commit)) {
    const commit = JSON.stringify(meta.commit.slice(0, 80));
    throw new PackbotError('release_invalid', `release metadata for ${pack}: commit ${commit} is not a git sha`);
  }
  if (meta.pack !== pack) {
    throw new PackbotError('release_invalid', `release metadata names pack ${meta.pack}, not ${pack}`);
  }
}

/** The documented fields first, in a fixed order, then whatever else the caller recorded. */
export function storedMeta(meta: ReleaseMeta, release: string, deployedAt: Date): StoredMeta {
  const { pack, version, repo, origin, branch, commit, deployed_by, deploy_id, ...extra } = meta;
  delete extra['release'];
  delete extra['deployed_at'];
  return {
    pack,
    release,
    version,
    repo,
    ...(origin ? { origin } : {}),
    branch,
    commit,
    deployed_by,
    deployed_at: deployedAt.toISOString(),
    deploy_id,
    ...extra,
  };
}

/** Synchronous: a small file, written by writeRelease among dozens of others (store.ts). */
export function writeMetaSync(dir: string, meta: StoredMeta): void {
  writeFileSync(join(dir, META_FILE), `${JSON.stringify(meta, null, 2)}\n`, { mode: 0o644 });
}

/** The release's metadata, or null when the directory is not a (complete) release of this pack. */
export async function readMeta(dir: string, pack: string, release: string): Promise<StoredMeta | null> {
  let text: string;
  try {
    text = await readFile(join(dir, META_FILE), 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENOTDIR')) return null;
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const meta = parsed as StoredMeta;
  return meta.pack === pack && meta.release === release ? meta : null;
}
