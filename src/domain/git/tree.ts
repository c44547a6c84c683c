/**
 * Reading trees straight from the mirror's object store: no checkout, no work tree. Paths
 * come back exactly as stored (`ls-tree -z`, no quoting), so callers see hostile names too.
 */
import { PackbotError } from '../../core/errors.js';
import { markBroken, readMirror, tryReadMirror } from './health.js';
import { peelCommit } from './refs.js';
import type { Repo } from './repo.js';
import type { GitContext } from './run.js';
import { isFullSha, validatePath } from './validate.js';
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
  const where = `at ${sha.slice(0, 7)} in repository "${repo.remote.name}"`;
  if (path === '') {
    const root = (await tryReadMirror(ctx, repo, 'reading the tree', ['rev-parse', '--verify', '--quiet', '--end-of-options', `${sha}^{tree}`]))?.trim() ?? '';
    if (root === '') throw new PackbotError('pack_unknown', `There is no tree ${where}.`);
    return { sha, oid: root };
  }
  // One ls-tree names the entry's type and id: a file where a directory should be is refused.
  const out = await readMirror(ctx, repo, 'reading the tree', ['ls-tree', '-z', '--end-of-options', sha, '--', path]);
  const entry = out.split('\0').map((r) => /^\d{6} (\w+) ([0-9a-f]+)\t(.*)$/s.exec(r)).find((m) => m?.[3] === path);
  if (!entry) throw new PackbotError('pack_unknown', `There is no directory "${path}" ${where}.`);
  if (entry[1] !== 'tree') throw new PackbotError('pack_unknown', `"${path}" is not a directory ${where}.`);
  return { sha, oid: entry[2] ?? '' };
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

/** The directories under packs/ at commit, with their tree ids, in one ls-tree. */
export async function packTrees(ctx: GitContext, repo: Repo, commit: string): Promise<Array<{ name: string; treeId: string }>> {
  // A full sha (what resolveRef returns) needs no check: ls-tree itself refuses a missing one.
  const sha = isFullSha(commit) ? commit : await peelCommit(ctx, repo, commit);
  // A trailing slash lists the directory's children; an absent packs/ lists nothing.
  let out: string;
  try {
    out = await readMirror(ctx, repo, 'reading the tree', ['ls-tree', '-z', '--end-of-options', sha, '--', 'packs/']);
  } catch (err) {
    // Say why properly: an unknown commit, or a damaged mirror (peelCommit tells them apart).
    await peelCommit(ctx, repo, commit);
    throw err;
  }
  const packs: Array<{ name: string; treeId: string }> = [];
  for (const record of out.split('\0')) {
    const m = /^\d{6} tree ([0-9a-f]+)\tpacks\/([^/]+)$/s.exec(record);
    if (m) packs.push({ name: m[2] ?? '', treeId: m[1] ?? '' });
  }
  return packs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function listPackDirs(ctx: GitContext, repo: Repo, commit: string): Promise<string[]> {
  return (await packTrees(ctx, repo, commit)).map((p) => p.name);
}
