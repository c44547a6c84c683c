/**
 * What changed between two deployed commits: the commit list for announcements and the
 * changed paths for push webhooks. Both read the mirror only.
 */
import { readMirror } from './health.js';
import { commitTree, type ObjectAccess } from './objects.js';
import { validatePath } from './validate.js';
import type { CommitInfo } from './types.js';

const DEFAULT_MAX = 20;
const HARD_MAX = 1000;
const FIELD = '\x1f';
const RECORD = '\x1e';

/** A commit argument: checked to exist through the object reader (no git process for a full sha). */
async function commitOf(a: ObjectAccess, commit: string): Promise<string> {
  return (await commitTree(a, commit)).sha;
}

export async function log(
  a: ObjectAccess,
  from: string | null,
  to: string,
  dir: string,
  max = DEFAULT_MAX,
): Promise<CommitInfo[]> {
  validatePath(dir);
  const toSha = await commitOf(a, to);
  const fromSha = from === null ? null : await commitOf(a, from);
  const count = Math.min(HARD_MAX, Math.max(1, Math.floor(Number.isFinite(max) ? max : DEFAULT_MAX)));
  const range = fromSha === null ? toSha : `${fromSha}..${toSha}`;
  const args = [
    'log',
    `--max-count=${count}`,
    '--no-show-signature',
    `--format=%H%x1f%s%x1f%an%x1f%aI%x1e`,
    '--end-of-options',
    range,
    ...(dir === '' ? [] : ['--', dir]),
  ];
  const out = await readMirror(a.ctx, a.repo, 'reading the history', args);
  return out
    .split(RECORD)
    .map((r) => r.replace(/^\n/, ''))
    .filter((r) => r !== '')
    .map((r) => {
      const [sha = '', subject = '', author = '', date = ''] = r.split(FIELD);
      return { sha, subject, author, date };
    });
}

export async function changedPaths(a: ObjectAccess, from: string, to: string): Promise<string[]> {
  const [fromSha, toSha] = [await commitOf(a, from), await commitOf(a, to)];
  const args = ['diff-tree', '-r', '-z', '--name-only', '--no-renames', '--no-commit-id', '--end-of-options', fromSha, toSha];
  const out = await readMirror(a.ctx, a.repo, 'comparing commits', args);
  return [...new Set(out.split('\0').filter((p) => p !== ''))].sort();
}
