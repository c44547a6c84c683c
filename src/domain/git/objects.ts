/**
 * Commits and trees read through the mirror's object reader (object-reader.ts): a pack's
 * directory, its listing and its files cost no git process of their own. Whatever the reader
 * cannot explain (an unknown commit, a sha that is no commit) is left to git (refs.ts), so the
 * errors are the ones a user saw before; a missing object marks the mirror for a fresh clone.
 */
import { PackbotError } from '../../core/errors.js';
import { guarded, markBroken } from './health.js';
import { ensureMirror } from './mirror.js';
import type { GitObject, ObjectReader } from './object-reader.js';
import { peelCommit } from './refs.js';
import type { Repo } from './repo.js';
import type { GitContext } from './run.js';
import { headerId, ObjectFormatError, parseTree, type TreeObjectEntry } from './tree-object.js';
import type { RawEntry } from './tree.js';
import { isFullSha, validatePath } from './validate.js';

// Tags of tags of tags…: git peels any depth, a sane repository needs one or two.
const MAX_PEEL = 8;

export interface ObjectAccess {
  ctx: GitContext;
  reader: ObjectReader;
  repo: Repo;
}

function read(a: ObjectAccess, oid: string, opts: { maxBytes?: number } = {}): Promise<GitObject | null> {
  return guarded(a.ctx, a.repo, () => a.reader.read(oid, opts));
}

function malformed(a: ObjectAccess, oid: string, err: unknown): never {
  if (!(err instanceof ObjectFormatError)) throw err;
  throw new PackbotError('git_failed', `Reading the tree failed for repository "${a.repo.remote.name}": object ${oid} is malformed (${err.message}).`);
}

/** What reading the tree says about a missing object, marking the mirror as damaged. */
export async function missingObject(a: ObjectAccess, oid: string, where: string): Promise<PackbotError> {
  return markBroken(a.ctx, a.repo, new PackbotError('git_failed', `Reading the tree failed for repository "${a.repo.remote.name}": object ${oid} (${where}) is missing.`));
}

async function peeled(a: ObjectAccess, oid: string): Promise<{ sha: string; tree: string } | null> {
  for (let i = 0; i < MAX_PEEL; i++) {
    const obj = await read(a, oid);
    if (!obj || (obj.type !== 'commit' && obj.type !== 'tag')) return null;
    try {
      if (obj.type === 'commit') return { sha: oid, tree: headerId(obj.content, 'tree') };
      oid = headerId(obj.content, 'object');
    } catch (err) {
      malformed(a, oid, err);
    }
  }
  return null;
}

/** The commit `commit` names (a full sha, or a branch or tag) and its root tree. */
export async function commitTree(a: ObjectAccess, commit: string): Promise<{ sha: string; tree: string }> {
  if (isFullSha(commit)) {
    await ensureMirror(a.ctx, a.repo);
    const found = await peeled(a, commit);
    if (found) return found;
  }
  // Not a full sha, or none the reader could peel: git resolves it, or says why not.
  const sha = await peelCommit(a.ctx, a.repo, commit);
  const found = await peeled(a, sha);
  if (found) return found;
  throw await markBroken(a.ctx, a.repo, new PackbotError('git_failed', `Reading commit ${sha.slice(0, 12)} failed for repository "${a.repo.remote.name}": the object is missing.`));
}

/** The bytes of blob `oid` (found at `where`, for messages); ObjectTooBig past `opts.maxBytes`, unread. */
export async function readBlob(a: ObjectAccess, oid: string, where: string, opts: { maxBytes?: number } = {}): Promise<Buffer> {
  const obj = await read(a, oid, opts);
  if (!obj) throw await missingObject(a, oid, where);
  if (obj.type !== 'blob') malformed(a, oid, new ObjectFormatError(`a ${obj.type} where a file should be`));
  return obj.content;
}

/** How many parsed trees a reader keeps (a 1,000-pack repository's packs/ tree among them). */
const TREES_KEPT = 256;

/** The entries of tree `oid` (found at `where`, for messages); frozen, as they are shared. */
export function treeEntries(a: ObjectAccess, oid: string, where: string): Promise<readonly TreeObjectEntry[]> {
  const kept = a.reader.trees;
  const hit = kept.get(oid);
  if (hit) {
    kept.delete(oid);
    kept.set(oid, hit);
    return hit;
  }
  const read = readTreeEntries(a, oid, where).then((entries) => Object.freeze(entries));
  kept.set(oid, read);
  // A failure is not kept: the next read asks git again (and names the place it was found).
  read.catch(() => {
    if (kept.get(oid) === read) kept.delete(oid);
  });
  if (kept.size > TREES_KEPT) kept.delete(kept.keys().next().value as string);
  return read;
}

async function readTreeEntries(a: ObjectAccess, oid: string, where: string): Promise<TreeObjectEntry[]> {
  const obj = await read(a, oid);
  if (!obj) throw await missingObject(a, oid, where);
  if (obj.type !== 'tree') malformed(a, oid, new ObjectFormatError(`a ${obj.type} where a tree should be`));
  try {
    return parseTree(obj.content, oid.length / 2);
  } catch (err) {
    return malformed(a, oid, err);
  }
}

/** The tree object of `path` at commit; pack_unknown when it is missing or not a directory. */
export async function treeAt(a: ObjectAccess, commit: string, path: string): Promise<{ sha: string; oid: string }> {
  validatePath(path);
  const { sha, tree } = await commitTree(a, commit);
  if (path === '') return { sha, oid: tree };
  const where = `at ${sha.slice(0, 7)} in repository "${a.repo.remote.name}"`;
  const parts = path.split('/');
  let oid = tree;
  for (const [i, part] of parts.entries()) {
    const entry = (await treeEntries(a, oid, parts.slice(0, i).join('/') || '.')).find((e) => e.name === part);
    if (!entry || (entry.type !== 'tree' && i < parts.length - 1)) throw new PackbotError('pack_unknown', `There is no directory "${path}" ${where}.`);
    if (entry.type !== 'tree') throw new PackbotError('pack_unknown', `"${path}" is not a directory ${where}.`);
    oid = entry.oid;
  }
  return { sha, oid };
}

/**
 * Every entry under tree `oid`, directories included and listed before what they hold, with
 * paths relative to it: what `ls-tree -r -t` gives, without sizes. The subtrees of a directory
 * are asked for together, so the reader answers them in one go.
 */
export async function walkTree(a: ObjectAccess, oid: string, prefix = ''): Promise<RawEntry[]> {
  const entries = await treeEntries(a, oid, prefix || '.');
  const join = (name: string) => (prefix === '' ? name : `${prefix}/${name}`);
  const subtrees = entries.map((e) => {
    if (e.type !== 'tree') return undefined;
    const walked = walkTree(a, e.oid, join(e.name));
    walked.catch(() => undefined); // awaited in order below; a failure is not unhandled meanwhile
    return walked;
  });
  const out: RawEntry[] = [];
  for (const [i, e] of entries.entries()) {
    out.push({ path: join(e.name), mode: e.mode, type: e.type, oid: e.oid });
    const below = subtrees[i];
    if (below) out.push(...(await below));
  }
  return out;
}

/**
 * The bytes of the regular file `path` at commit, read through the object reader (no
 * checkout); null when there is no such file, or it is a symlink or a directory.
 */
export async function fileAt(a: ObjectAccess, commit: string, path: string): Promise<Buffer | null> {
  validatePath(path);
  const cut = path.lastIndexOf('/');
  const dir = cut < 0 ? '' : path.slice(0, cut);
  let oid: string;
  try {
    ({ oid } = await treeAt(a, commit, dir));
  } catch (err) {
    if (err instanceof PackbotError && err.code === 'pack_unknown') return null;
    throw err;
  }
  const entry = (await treeEntries(a, oid, dir || '.')).find((e) => e.name === path.slice(cut + 1));
  if (!entry || entry.type !== 'blob' || !/^1006[0-7]{2}$/.test(entry.mode)) return null;
  return readBlob(a, entry.oid, path);
}
