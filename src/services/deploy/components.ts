/**
 * What a deploy changes inside a pack, worked out once for the plan before a deploy (from the
 * mirror's blobs) and for the announcement after it (from the release directories): which
 * actions, rules, sensors and aliases are added, removed or changed, and whether an
 * environment is rebuilt. Pure: both sides hand in a map of pack-relative path → content id.
 *
 * The content id is a git blob id, whichever side it comes from: the tree gives it for free,
 * and a file on disk gets it by hashing its bytes as git does (`blob <size>\0<bytes>`, a
 * symlink's bytes being its target). A release holds the committed bytes exactly
 * (materialize.ts), so the same content gives the same id from the mirror and from disk.
 */
import { createHash } from 'node:crypto';
import type { ComponentLists, PreviewKind } from './preview-types.js';

/** The kinds a plan and an announcement talk about, in the order they are shown. */
export const PREVIEW_KINDS = ['actions', 'rules', 'sensors', 'aliases'] as const satisfies readonly PreviewKind[];

/** Pack-relative path ('/'-separated) → its content id. */
export type FileIds = ReadonlyMap<string, string>;

/**
 * The files whose change rebuilds an environment: pip installs requirements.txt; npm ci reads
 * package.json and package-lock.json (node-env.ts keys its reuse on the lock file).
 */
export const ENV_FILES = { python: ['requirements.txt'], node: ['package.json', 'package-lock.json'] } as const;

/** Object formats git knows: a sha1 id has 40 hex digits, a sha256 one 64. */
export type BlobIdFormat = 'sha1' | 'sha256';

export function blobIdFormat(oid: string): BlobIdFormat {
  return oid.length === 64 ? 'sha256' : 'sha1';
}

/** The id git gives a blob of these bytes. */
export function blobId(bytes: Buffer, format: BlobIdFormat = 'sha1'): string {
  return createHash(format).update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** Whether a path matters to the comparison: a file directly in a kind's directory, or an env file at the root. */
export function tracked(file: string): boolean {
  const cut = file.indexOf('/');
  if (cut < 0) return ([...ENV_FILES.python, ...ENV_FILES.node] as string[]).includes(file);
  return (PREVIEW_KINDS as readonly string[]).includes(file.slice(0, cut)) && !file.slice(cut + 1).includes('/');
}

export function emptyLists(): ComponentLists {
  return { actions: [], rules: [], sensors: [], aliases: [] };
}

// A component's metadata file: `check_disk.yaml` (StackStorm reads .yaml, .yml and .json).
const METADATA_RE = /^([^/.][^/]*)\.(?:ya?ml|json)$/;

/**
 * Per kind: component name → one id for its metadata file and the files of the same stem
 * beside it (`actions/check_disk.yaml` + `actions/check_disk.py`).
 */
export function fingerprints(files: FileIds): Record<PreviewKind, Map<string, string>> {
  const out = { actions: new Map(), rules: new Map(), sensors: new Map(), aliases: new Map() } as Record<PreviewKind, Map<string, string>>;
  const paths = [...files.keys()].filter(tracked).sort();
  for (const kind of PREVIEW_KINDS) {
    const direct = paths.filter((f) => f.startsWith(`${kind}/`)).map((f) => f.slice(kind.length + 1));
    for (const meta of direct) {
      const name = METADATA_RE.exec(meta)?.[1];
      if (!name) continue;
      const hash = createHash('sha256');
      for (const f of direct.filter((x) => x === meta || x.split('.')[0] === name)) {
        hash.update(f).update('\0').update(files.get(`${kind}/${f}`) ?? '').update('\0');
      }
      out[kind].set(name, hash.digest('hex'));
    }
  }
  return out;
}

export interface ComponentDiff {
  added: ComponentLists;
  removed: ComponentLists;
  changed: ComponentLists;
}

/** `before` null: nothing was installed, every component is added. Names sorted. */
export function compareComponents(before: FileIds | null, after: FileIds): ComponentDiff {
  const old = fingerprints(before ?? new Map());
  const now = fingerprints(after);
  const diff: ComponentDiff = { added: emptyLists(), removed: emptyLists(), changed: emptyLists() };
  for (const kind of PREVIEW_KINDS) {
    for (const [name, id] of now[kind]) {
      if (!old[kind].has(name)) diff.added[kind].push(name);
      else if (old[kind].get(name) !== id) diff.changed[kind].push(name);
    }
    for (const name of old[kind].keys()) if (!now[kind].has(name)) diff.removed[kind].push(name);
  }
  return diff;
}

/** Which environments a change of these files rebuilds; a new pack builds the ones it has files for. */
export function envRebuild(before: FileIds | null, after: FileIds): { python: boolean; node: boolean } {
  const differs = (names: readonly string[]) => names.some((n) => (before?.get(n) ?? null) !== (after.get(n) ?? null));
  return { python: differs(ENV_FILES.python), node: differs(ENV_FILES.node) };
}
