/**
 * What a deploy changed in one pack, for the friendly announcement after a default-branch
 * deploy: the commits that touched the pack since the release it replaced, the version
 * change, and which actions, rules, sensors and aliases were added, removed or changed.
 *
 * Components are compared on disk, release against release (what actually went live),
 * not by diffing git: a component is its metadata file plus the files of the same stem in
 * its directory (`actions/check_disk.yaml` + `actions/check_disk.py`), hashed.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DeployResult } from './types.js';
import type { Git } from '../../domain/git/index.js';
import type { GitRemote } from '../../domain/git/types.js';
import type { ContentKind } from '../../domain/packs/summary.js';
import { walkPack } from '../../domain/packs/walk.js';
import type { PackStore } from '../../domain/packstore/index.js';

/** Commits listed per pack; the rest are counted. */
export const MAX_COMMITS = 10;
/** How far back the count of further commits goes. */
const LOG_MAX = 200;
/** The kinds an announcement talks about (policies are rarely news). */
export const ANNOUNCED_KINDS = ['actions', 'rules', 'sensors', 'aliases'] as const satisfies readonly ContentKind[];
type Kind = (typeof ANNOUNCED_KINDS)[number];

export interface PackChange {
  pack: string;
  fromVersion: string | null;
  toVersion: string;
  fromCommit: string | null;
  toCommit: string;
  commits: Array<{ sha: string; subject: string; author: string }>;
  /** Commits past MAX_COMMITS. */
  moreCommits: number;
  added: Record<Kind, string[]>;
  removed: Record<Kind, string[]>;
  changed: Record<Kind, string[]>;
}

const METADATA_RE = /^([^/.][^/]*)\.(?:ya?ml|json)$/;

/** Per kind: component name → hash of its metadata file and the same-stem files beside it. */
async function fingerprints(dir: string): Promise<Record<Kind, Map<string, string>>> {
  const tree = await walkPack(dir, { maxFiles: 100_000, maxBytes: Number.MAX_SAFE_INTEGER });
  const out = Object.fromEntries(ANNOUNCED_KINDS.map((k) => [k, new Map<string, string>()])) as Record<Kind, Map<string, string>>;
  const files = [...tree.files.keys()].sort();
  for (const kind of ANNOUNCED_KINDS) {
    const direct = files.filter((f) => f.startsWith(`${kind}/`) && !f.slice(kind.length + 1).includes('/'));
    for (const meta of direct) {
      const name = METADATA_RE.exec(meta.slice(kind.length + 1))?.[1];
      if (!name) continue;
      const hash = createHash('sha256');
      for (const f of direct.filter((x) => path.posix.basename(x).split('.')[0] === name)) {
        hash.update(f).update('\0').update(await readFile(path.join(dir, f))).update('\0');
      }
      out[kind].set(name, hash.digest('hex'));
    }
  }
  return out;
}

function compare(before: Record<Kind, Map<string, string>> | null, after: Record<Kind, Map<string, string>>) {
  const pick = () => Object.fromEntries(ANNOUNCED_KINDS.map((k) => [k, [] as string[]])) as Record<Kind, string[]>;
  const added = pick();
  const removed = pick();
  const changed = pick();
  for (const kind of ANNOUNCED_KINDS) {
    const old = before?.[kind] ?? new Map<string, string>();
    for (const [name, hash] of after[kind]) {
      if (!old.has(name)) added[kind].push(name);
      else if (old.get(name) !== hash) changed[kind].push(name);
    }
    for (const name of old.keys()) if (!after[kind].has(name)) removed[kind].push(name);
  }
  return { added, removed, changed };
}

export interface ChangeDeps {
  git: Pick<Git, 'log'>;
  store: Pick<PackStore, 'releases'>;
}

/**
 * The change of every pack this deploy actually installed (not unchanged or failed ones).
 * `packPath` maps a pack's directory name to its path in the repository.
 */
export async function deployChanges(deps: ChangeDeps, remote: GitRemote, result: DeployResult, packPath: (source: string) => string): Promise<PackChange[]> {
  const out: PackChange[] = [];
  for (const p of result.packs) {
    if (p.status !== 'deployed' || !p.release) continue;
    const releases = await deps.store.releases(p.pack);
    const now = releases.find((r) => r.release === p.release);
    if (!now) continue;
    const before = p.previous_release ? (releases.find((r) => r.release === p.previous_release) ?? null) : null;
    // A previous release from another repository shares no history with this one.
    const sameRepo = before !== null && before.meta.repo === now.meta.repo;
    const from = sameRepo ? before.meta.commit : null;
    const log = from === now.meta.commit ? [] : await deps.git.log(remote, from, now.meta.commit, packPath(p.source), LOG_MAX);
    const diff = compare(before ? await fingerprints(before.dir) : null, await fingerprints(now.dir));
    out.push({
      pack: p.pack,
      fromVersion: before?.meta.version ?? null,
      toVersion: now.meta.version,
      fromCommit: before?.meta.commit ?? null,
      toCommit: now.meta.commit,
      commits: log.slice(0, MAX_COMMITS).map((c) => ({ sha: c.sha, subject: c.subject, author: c.author })),
      moreCommits: Math.max(0, log.length - MAX_COMMITS),
      ...diff,
    });
  }
  return out;
}
