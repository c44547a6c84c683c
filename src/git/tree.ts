/**
 * Reading trees straight from the mirror's object store: no checkout, no work tree. Paths
 * come back exactly as stored (`ls-tree -z`, no quoting), so callers see hostile names too.
 */
import { PackbotError } from '../errors.js';
import { markBroken, readMirror, tryReadMirror } from './health.js';
import { peelCommit } from './refs.js';
import type { Repo } from './repo.js';
import type { GitContext } from './run.js';
import { validatePath } from './validate.js';
import type { TreeEntry } from './types.js';

export interface RawEntry extends TreeEntry {
  oid: string;
}

// <mode> SP <type> SP <object> SP+ <size> TAB <path>; the size is BAD when the blob is missing.
const LINE = /^(\d{6}) (blob|tree|commit) ([0-9a-f]+) +(-|\d+|BAD)\t(.+)$/s;

/** The tree object of `path` at commit; pack_unknown when it is missing or not a directory. */
export async function treeOidAt(ctx: GitContext, repo: Repo, commit: string, path: string): Promise<{ sha: string; oid: string }> {
  validatePath(path);
  const sha = await peelCommit(ctx, repo, commit);
  const spec = path === '' ? `${sha}^{tree}` : `${sha}:${path}`;
  const oid = (await tryReadMirror(ctx, repo, 'reading the tree', ['rev-parse', '--verify', '--quiet', '--end-of-options', spec]))?.trim() ?? '';
  const where = `at ${sha.slice(0, 7)} in repository "${repo.remote.name}"`;
  if (oid === '') throw new PackbotError('pack_unknown', `There is no directory "${path}" ${where}.`);
  const type = (await readMirror(ctx, repo, 'reading the tree', ['cat-file', '-t', '--end-of-options', oid])).trim();
  if (type !== 'tree') throw new PackbotError('pack_unknown', `"${path}" is not a directory ${where}.`);
  return { sha, oid };
}

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

export async function tree(ctx: GitContext, repo: Repo, commit: string, path: string): Promise<TreeEntry[]> {
  const { oid } = await treeOidAt(ctx, repo, commit, path);
  return (await listTree(ctx, repo, oid, { recursive: true })).map(({ oid: _oid, ...entry }) => entry);
}

export async function listPackDirs(ctx: GitContext, repo: Repo, commit: string): Promise<string[]> {
  const { oid: root } = await treeOidAt(ctx, repo, commit, '');
  const packs = (await listTree(ctx, repo, root, { recursive: false })).find((e) => e.path === 'packs' && e.type === 'tree');
  if (!packs) return [];
  return (await listTree(ctx, repo, packs.oid, { recursive: false }))
    .filter((e) => e.type === 'tree')
    .map((e) => e.path)
    .sort();
}
