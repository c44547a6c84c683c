/**
 * The commits a deploy brings to a pack, for the plan before it and the announcement after:
 * those since the active release's commit that touched the pack's directory, newest first,
 * the first few listed and the rest counted.
 */
import { PackbotError } from '../../core/errors.js';
import type { Git, GitRemote } from '../../domain/git/index.js';
import type { PreviewCommit } from './preview-types.js';

/** Commits listed per pack; the rest are counted. */
export const MAX_COMMITS = 10;
/** How far back the count of further commits goes. */
const LOG_MAX = 200;

export interface CommitsSince {
  commits: PreviewCommit[];
  /** Commits past MAX_COMMITS (counted up to a limit). */
  moreCommits: number;
}

/**
 * Where the history starts: the commit of the release replaced, when it came from the same
 * repository (another repository's commit shares no history with this one); null = from the start.
 */
export function historyStart(before: { repo: string; commit: string } | null, repo: string): string | null {
  return before !== null && before.repo === repo ? before.commit : null;
}

/** `from` (exclusive, null for the whole history) to `to`, touching `dir` ('' = the whole repository). */
export async function commitsSince(git: Pick<Git, 'log'>, remote: GitRemote, from: string | null, to: string, dir: string): Promise<CommitsSince> {
  if (from === to) return { commits: [], moreCommits: 0 };
  let log;
  try {
    log = await git.log(remote, from, to, dir, LOG_MAX);
  } catch (err) {
    // The release's commit is gone from the branch's history (a force-push): there is no "since".
    if (err instanceof PackbotError && err.code === 'git_ref_unknown' && from !== null) return { commits: [], moreCommits: 0 };
    throw err;
  }
  return {
    commits: log.slice(0, MAX_COMMITS).map((c) => ({ sha: c.sha, subject: c.subject, author: c.author })),
    moreCommits: Math.max(0, log.length - MAX_COMMITS),
  };
}
