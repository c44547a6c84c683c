/**
 * One name for a pack: StackStorm installs a pack under its pack.yaml `ref` (else its
 * directory, else its `name`: manifest.ts), so that ref is what the queue, the branch locks,
 * the permission checks and the pack store use. Here a request's directories (or refs) become
 * refs, read from the mirror's object store (pack.yaml blobs, no staging) before anything is
 * queued; the pipeline then checks each pack still has the ref it was planned under.
 */
import { PackbotError } from '../../core/errors.js';
import type { YamlPool } from '../../core/yaml-safe/index.js';
import { tooManyBytes } from '../../core/yaml-safe/index.js';
import type { Git, GitRemote } from '../../domain/git/index.js';
import { MAX_YAML_BYTES } from '../../domain/packs/content.js';
import { checkManifest, MANIFEST_FILE, type ManifestCheck } from '../../domain/packs/manifest.js';
import { formatProblem, parseYaml } from '../../domain/packs/problems.js';

export interface RefReader {
  git: Git;
  remote: GitRemote;
  commit: string;
  yaml?: YamlPool;
  /**
   * Directories whose ref is already known without reading pack.yaml: their tree is the one an
   * installed release came from (same tree, same pack.yaml, same ref). A warm redeploy of
   * `all` otherwise reads and parses every manifest to learn what it already has.
   */
  known?: ReadonlyMap<string, string>;
}

/**
 * The ref pack.yaml at `path` gives a pack in directory `dirName`, as validation derives it;
 * null when it cannot be derived (no pack.yaml, too big, unreadable): such a pack fails
 * validation and installs nothing, so its directory name is a safe key meanwhile.
 */
export async function refAt(r: RefReader, path: string, dirName: string): Promise<string | null> {
  const read = await manifestAt(r, path, dirName);
  return 'check' in read ? read.check.ref : null;
}

/**
 * pack.yaml at `path` checked as validation checks it (the plan's version, ref, dependencies),
 * or why it cannot be: absent, too big, not YAML.
 */
export async function manifestAt(r: RefReader, path: string, dirName: string): Promise<{ check: ManifestCheck } | { problem: string }> {
  const file = path === '' ? MANIFEST_FILE : `${path}/${MANIFEST_FILE}`;
  const bytes = await r.git.readFile(r.remote, r.commit, file);
  if (bytes === null) return { problem: `${MANIFEST_FILE}: missing; a pack needs one` };
  if (tooManyBytes(bytes.length, { maxBytes: MAX_YAML_BYTES })) return { problem: `${MANIFEST_FILE}: too big to be a pack's metadata` };
  const parsed = await parseYaml(MANIFEST_FILE, bytes.toString('utf8'), r.yaml);
  if (!parsed.ok) return { problem: parsed.problems.map(formatProblem).join('; ') };
  return { check: checkManifest(parsed.yaml, dirName) };
}

/** The key a pack directory goes by: its ref, or (underivable) its directory name. */
export const keyOf = (refs: Readonly<Record<string, string>>, dir: string): string => refs[dir] ?? dir;

/** Every subtree directory's ref (underivable ones left out), read a few at a time. */
export async function refsOf(r: RefReader, dirs: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const queue = [...dirs];
  const worker = async () => {
    for (let dir = queue.shift(); dir !== undefined; dir = queue.shift()) {
      const ref = r.known?.get(dir) ?? (await refAt(r, `packs/${dir}`, dir));
      if (ref !== null) out[dir] = ref;
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, dirs.length) }, worker));
  return out;
}

export interface Targets {
  /** The directories to deploy, in the order asked. */
  dirs: string[];
  /** Directory → the ref it installs as (only those whose ref could be read). */
  refs: Record<string, string>;
}

/**
 * `named` (directories or refs; [] for every pack) → directories and their refs. A name that
 * is no directory is looked up as a ref. Two directories that are one pack are refused: they
 * would be installed over each other.
 */
export async function subtreeTargets(r: RefReader, dirs: readonly string[], named: readonly string[], where: { repo: string; ref: string }): Promise<Targets | { missing: string[] }> {
  const direct = named.filter((n) => dirs.includes(n));
  const needAll = named.length === 0 || direct.length < named.length;
  const refs = await refsOf(r, needAll ? dirs : direct);
  let chosen: string[];
  if (named.length === 0) chosen = [...dirs];
  else {
    chosen = [];
    const missing: string[] = [];
    for (const name of named) {
      if (dirs.includes(name)) chosen.push(name);
      else {
        const by = dirs.filter((d) => refs[d] === name);
        if (by.length === 0) missing.push(name);
        chosen.push(...by);
      }
    }
    if (missing.length > 0) return { missing };
    chosen = [...new Set(chosen)];
  }
  assertDistinct(chosen, refs, where);
  return { dirs: chosen, refs: Object.fromEntries(chosen.filter((d) => refs[d] !== undefined).map((d) => [d, refs[d] as string])) };
}

/** Throws usage when two of `dirs` install as the same ref. */
export function assertDistinct(dirs: readonly string[], refs: Readonly<Record<string, string>>, where: { repo: string; ref: string }): void {
  const byKey = new Map<string, string[]>();
  for (const d of dirs) byKey.set(keyOf(refs, d), [...(byKey.get(keyOf(refs, d)) ?? []), d]);
  for (const [key, same] of byKey) {
    if (same.length < 2) continue;
    const names = `${same.slice(0, -1).join(', ')} and ${same.at(-1) ?? ''}`;
    throw new PackbotError('usage', `${names} in ${where.repo} at ${where.ref} are both the pack ${key} (their pack.yaml ref); deploy one of them.`);
  }
}

/** What a pack whose ref changed after it was checked is told (the pipeline refuses it). */
export function refMoved(dir: string, planned: string, now: string): string {
  return `${dir} is the pack ${now} now (pack.yaml ref), but this deploy was checked (queue, locks, permissions) as ${planned}; ask again.`;
}
