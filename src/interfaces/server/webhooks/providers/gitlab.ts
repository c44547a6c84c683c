/**
 * GitLab deliveries: X-Gitlab-Event names the event; a push delivery covers exactly one ref.
 * GitLab does not say whether a push was forced, and infers created/deleted only from the
 * all-zero before/after shas.
 */
import { header, type Headers } from '../headers.js';
import type { Delivery } from '../types.js';
import type { PushEvent } from '../../../../services/autodeploy/push-event.js';
import { branchOfRef, count, ignored, list, obj, parsePayload, payloadError, sha, shaOrNull, str, urls, pushCommit as commit } from './common.js';

const pushSchema = obj({
  ref: str(),
  before: sha(),
  after: sha(),
  user_name: str(),
  user_username: str().optional(),
  commits: list(commit),
  total_commits_count: count().optional(),
  project: obj({
    path_with_namespace: str(),
    git_http_url: str(),
    git_ssh_url: str(),
    web_url: str(),
  }).optional(),
  // Older payloads (and current ones, redundantly) describe the repository here.
  repository: obj({
    name: str().optional(),
    homepage: str().optional(),
    git_http_url: str().optional(),
    git_ssh_url: str().optional(),
  }).optional(),
});

export function parseGitlab(headers: Headers, body: unknown): Delivery {
  const event = header(headers, 'X-Gitlab-Event');
  // A system hook carries every kind of event under one header value; only its pushes count.
  const systemPush = event === 'System Hook' && isObject(body) && body['object_kind'] === 'push';
  if (event !== 'Push Hook' && !systemPush) return ignored('gitlab', event, 'X-Gitlab-Event');

  const p = parsePayload('gitlab', pushSchema, body);
  const repoUrls = urls(
    p.project?.git_http_url,
    p.project?.git_ssh_url,
    p.project?.web_url,
    p.repository?.git_http_url,
    p.repository?.git_ssh_url,
    p.repository?.homepage,
  );
  const repoName = p.project?.path_with_namespace ?? nameFromHomepage(p.repository?.homepage) ?? p.repository?.name;
  if (repoUrls.length === 0 || !repoName) throw payloadError('gitlab', 'project: is missing');

  const before = shaOrNull(p.before);
  const after = shaOrNull(p.after);
  // Commits are listed oldest first; the pushed tip is the one whose id is `after`.
  const head = after === null ? undefined : (p.commits.find((c) => c.id === after) ?? p.commits.at(-1));
  const push: PushEvent = {
    provider: 'gitlab',
    repoUrls,
    repoName,
    branch: branchOfRef('gitlab', p.ref),
    before,
    after,
    created: before === null,
    deleted: after === null,
    forced: null,
    pusher: p.user_username === undefined ? { name: p.user_name } : { name: p.user_name, login: p.user_username },
    headCommit: head ? { sha: head.id, message: head.message, author: head.author.name } : null,
    // GitLab lists at most 20 commits; the total is the real count.
    commitCount: p.total_commits_count ?? p.commits.length,
  };
  return { kind: 'push', events: [push] };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** "https://gitlab.example.com/acme/st2-packs" → "acme/st2-packs". */
function nameFromHomepage(homepage: string | undefined): string | undefined {
  if (!homepage) return undefined;
  try {
    const path = new URL(homepage).pathname.replace(/^\/+|\/+$/g, '');
    return path || undefined;
  } catch {
    return undefined;
  }
}
