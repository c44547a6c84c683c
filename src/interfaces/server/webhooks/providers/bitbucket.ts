/**
 * Bitbucket Cloud deliveries: X-Event-Key names the event. One repo:push delivery can change
 * several refs (push.changes[]), so it becomes one PushEvent per change. The payload has no
 * clone URLs; they are derived from the repository's full name.
 */
import type { z } from 'zod';
import { header, type Headers } from '../headers.js';
import type { Delivery } from '../types.js';
import type { PushEvent } from '../../../../services/autodeploy/push-event.js';
import { bool, checkedBranch, ignored, list, nameOnly, obj, parsePayload, payloadError, sha, str, urls } from './common.js';

const author = obj({
  raw: str().optional(),
  user: obj({ display_name: str().optional() }).optional(),
}).optional();

const commit = obj({
  hash: sha(),
  message: str().optional(),
  author,
});

/** A branch, tag (or, historically, Mercurial bookmark) as it was before or after the push. */
const ref = obj({
  type: str(),
  name: str(),
  target: commit,
}).nullable();

const change = obj({
  old: ref.optional(),
  new: ref.optional(),
  created: bool(),
  closed: bool(),
  forced: bool(),
  commits: list(commit).optional(),
  truncated: bool().optional(),
});

/** Workspace and repository slugs: anything else would make the derived URLs lie. */
const FULL_NAME = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

const pushSchema = obj({
  actor: obj({
    display_name: str().optional(),
    nickname: str().optional(),
    username: str().optional(),
  }),
  repository: obj({
    full_name: str().regex(FULL_NAME, 'expected "workspace/repository"'),
    links: obj({ html: obj({ href: str() }).optional() }).optional(),
  }),
  push: obj({ changes: list(change) }),
});

type Change = z.output<typeof change>;
type Commit = z.output<typeof commit>;

export function parseBitbucket(headers: Headers, body: unknown): Delivery {
  const event = header(headers, 'X-Event-Key');
  if (event === 'diagnostics:ping') return { kind: 'ping' };
  if (event !== 'repo:push') return ignored('bitbucket', event, 'X-Event-Key');

  const p = parsePayload('bitbucket', pushSchema, body);
  if (p.push.changes.length === 0) return { kind: 'ignored', reason: 'bitbucket push changed no refs' };

  const name = p.repository.full_name;
  const repoUrls = urls(`https://bitbucket.org/${name}.git`, `git@bitbucket.org:${name}.git`, p.repository.links?.html?.href);
  const login = p.actor.nickname ?? p.actor.username;
  const displayName = p.actor.display_name ?? login;
  if (displayName === undefined) throw payloadError('bitbucket', 'actor: has no display_name or nickname');
  const pusher = login === undefined ? { name: displayName } : { name: displayName, login };

  const events = p.push.changes.map(
    (c): PushEvent => ({
      provider: 'bitbucket',
      repoUrls,
      repoName: name,
      branch: branchOf(c),
      before: c.old?.target.hash ?? null,
      after: c.new?.target.hash ?? null,
      created: c.created,
      deleted: c.closed,
      forced: c.forced,
      pusher,
      headCommit: headOf(c),
      // At most 5 commits are listed (`truncated` says there were more): a lower bound then.
      commitCount: c.commits?.length ?? 0,
    }),
  );
  return { kind: 'push', events };
}

/** The branch a change touched: its new state, or for a deleted branch its old one. */
function branchOf(c: Change): string | null {
  const state = c.new ?? c.old;
  if (!state || state.type !== 'branch') return null;
  return checkedBranch('bitbucket', state.name);
}

/** The new tip: commits are listed newest first, and `new.target` is the tip itself. */
function headOf(c: Change): PushEvent['headCommit'] {
  if (!c.new) return null;
  const tip = c.new.target;
  const listed: Commit | undefined = c.commits?.find((x) => x.hash === tip.hash);
  const best = listed ?? tip;
  return { sha: tip.hash, message: best.message ?? tip.message ?? '', author: authorOf(best) ?? authorOf(tip) ?? '' };
}

function authorOf(c: Commit): string | undefined {
  const display = c.author?.user?.display_name;
  if (display) return display;
  return c.author?.raw ? nameOnly(c.author.raw) : undefined;
}
