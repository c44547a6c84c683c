/**
 * What changed between two deployed commits: the commit list for announcements and the
 * changed paths for push webhooks. Both read the mirror only.
 */
import { readMirror } from './health.js';
import { peelCommit } from './refs.js';
import type { Repo } from './repo.js';
import type { GitContext } from './run.js';
import { validatePath } from './validate.js';
import type { CommitInfo } from './types.js';

const DEFAULT_MAX = 20;
const HARD_MAX = 1000;
const FIELD = '\x1f';
const RECORD = '\x1e';

export async function log(
  ctx: GitContext,
  repo: Repo,
  from: string | null,
  to: string,
  dir: string,
  max = DEFAULT_MAX,
): Promise<CommitInfo[]> {
  validatePath(dir);
  const toSha = await peelCommit(ctx, repo, to);
  const fromSha = from === null ? null : await peelCommit(ctx, repo, from);
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
  const out = await readMirror(ctx, repo, 'reading the history', args);
  return out
    .split(RECORD)
    .map((r) => r.replace(/^\n/, ''))
    .filter((r) => r !== '')
    .map((r) => {
      const [sha = '', subject = '', author = '', date = ''] = r.split(FIELD);
      return { sha, subject, author, date };
    });
}

export async function changedPaths(ctx: GitContext, repo: Repo, from: string, to: string): Promise<string[]> {
  const [fromSha, toSha] = [await peelCommit(ctx, repo, from), await peelCommit(ctx, repo, to)];
  const args = ['diff-tree', '-r', '-z', '--name-only', '--no-renames', '--no-commit-id', '--end-of-options', fromSha, toSha];
  const out = await readMirror(ctx, repo, 'comparing commits', args);
  return [...new Set(out.split('\0').filter((p) => p !== ''))].sort();
}
