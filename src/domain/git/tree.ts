/**
 * Reading trees straight from the mirror's object store: no checkout, no work tree. Paths
 * come back exactly as stored (`ls-tree -z` or raw tree objects, no quoting), so callers see
 * hostile names too.
 */
import { PackbotError } from '../../core/errors.js';
import { markBroken, readMirror } from './health.js';
import { commitTree, treeAt, treeEntries, type ObjectAccess } from './objects.js';
import type { Repo } from './repo.js';
import type { GitContext } from './run.js';
import type { PackTreeEntry, TreeEntry } from './types.js';

export interface RawEntry extends TreeEntry {
  oid: string;
}

// <mode> SP <type> SP <object> SP+ <size> TAB <path>; the size is BAD when the blob is missing.
const LINE = /^(\d{6}) (blob|tree|commit) ([0-9a-f]+) +(-|\d+|BAD)\t(.+)$/s;

export async function listTree(ctx: GitContext, repo: Repo, treeOid: string, opts: { recursive: boolean }): Promise<RawEntry[]> {
  const flags = opts.recursive ? ['-r', '-t'] : [];
  const out = await readMirror(ctx, repo, 'reading the tree', ['ls-tree', '-z', '-l', ...flags, '--end-of-options', treeOid]);
  const entries: RawEntry[] = [];
  for (const record of out.split('\0')) {
    if (record === '') continue;
    const m = LINE.exec(record);
    if (!m) throw new PackbotError('git_failed', `Reading the tree failed for repository "${repo.remote.name}": unexpected ls-tree output.`);
    const [, mode = '', type = 'blob', oid = '', size = '-', entryPath = ''] = m;
    if (size === 'BAD') {
      throw await markBroken(ctx, repo, new PackbotError('git_failed', `Reading the tree failed for repository "${repo.remote.name}": object ${oid} (${entryPath}) is missing.`));
    }
    entries.push({ path: entryPath, mode, type: type as TreeEntry['type'], oid, ...(size === '-' ? {} : { size: Number(size) }) });
  }
  return entries;
}

export async function tree(a: ObjectAccess, commit: string, path: string): Promise<TreeEntry[]> {
  const { oid } = await treeAt(a, commit, path);
  // ls-tree, not the reader: this listing gives blob sizes without reading every blob.
  return (await listTree(a.ctx, a.repo, oid, { recursive: true })).map(({ oid: _oid, ...entry }) => entry);
}

/**
 * The directories under packs/ at commit, with their tree ids and whether each holds a
 * pack.yaml (StackStorm takes only those for packs), read through the object reader: the
 * listings of every directory are asked for together.
 */
export async function packTrees(a: ObjectAccess, commit: string): Promise<PackTreeEntry[]> {
  const { tree: root } = await commitTree(a, commit);
  const packs = (await treeEntries(a, root, '.')).find((e) => e.name === 'packs' && e.type === 'tree');
  if (!packs) return [];
  const dirs = (await treeEntries(a, packs.oid, 'packs')).filter((e) => e.type === 'tree');
  const listed = await Promise.all(dirs.map((e) => treeEntries(a, e.oid, `packs/${e.name}`)));
  // Any entry named pack.yaml makes a pack: a symlinked or odd one is validation's to explain.
  return dirs.map((e, i) => ({ name: e.name, treeId: e.oid, manifest: (listed[i] ?? []).some((f) => f.name === 'pack.yaml') }))
    .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

export async function listPackDirs(a: ObjectAccess, commit: string): Promise<string[]> {
  return (await packTrees(a, commit)).map((p) => p.name);
}
