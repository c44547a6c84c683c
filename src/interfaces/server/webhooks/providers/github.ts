/**
 * GitHub deliveries: X-GitHub-Event names the event; a push delivery covers exactly one ref.
 */
import { header, type Headers } from '../headers.js';
import type { Delivery } from '../types.js';
import type { PushEvent } from '../../../../services/autodeploy/push-event.js';
import { bool, branchOfRef, ignored, list, obj, parsePayload, sha, shaOrNull, str, urls, pushCommit as commit } from './common.js';

const pushSchema = obj({
  ref: str(),
  before: sha(),
  after: sha(),
  created: bool(),
  deleted: bool(),
  forced: bool(),
  pusher: obj({ name: str() }),
  sender: obj({ login: str() }).optional(),
  head_commit: commit.nullable(),
  commits: list(obj({})),
  repository: obj({
    full_name: str(),
    clone_url: str(),
    ssh_url: str(),
    html_url: str(),
    git_url: str().optional(),
  }),
});

export function parseGithub(headers: Headers, body: unknown): Delivery {
  const event = header(headers, 'X-GitHub-Event');
  if (event === 'ping') return { kind: 'ping' };
  if (event !== 'push') return ignored('github', event, 'X-GitHub-Event');

  const p = parsePayload('github', pushSchema, body);
  const repo = p.repository;
  const push: PushEvent = {
    provider: 'github',
    repoUrls: urls(repo.clone_url, repo.ssh_url, repo.html_url, repo.git_url),
    repoName: repo.full_name,
    branch: branchOfRef('github', p.ref),
    before: shaOrNull(p.before),
    after: shaOrNull(p.after),
    created: p.created,
    deleted: p.deleted,
    forced: p.forced,
    pusher: p.sender ? { name: p.pusher.name, login: p.sender.login } : { name: p.pusher.name },
    headCommit: p.head_commit
      ? { sha: p.head_commit.id, message: p.head_commit.message, author: p.head_commit.author.name }
      : null,
    commitCount: p.commits.length,
  };
  return { kind: 'push', events: [push] };
}
