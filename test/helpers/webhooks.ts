/**
 * Push deliveries as GitHub, GitLab and Bitbucket send them (the fields packbot reads and a
 * few it doesn't), signed the way each provider signs, for tests that POST to the server.
 */
import { createHmac, randomUUID } from 'node:crypto';

export const ZERO_SHA = '0'.repeat(40);

export interface PushSpec {
  url: string;
  branch: string;
  before: string | null;
  after: string | null;
  forced?: boolean;
  pusher?: string;
  message?: string;
  author?: string;
}

export interface Signed {
  headers: Record<string, string>;
  body: string;
}

export function githubPush(spec: PushSpec, secret: string, opts: { delivery?: string; event?: string } = {}): Signed {
  const after = spec.after ?? ZERO_SHA;
  const body = JSON.stringify({
    ref: `refs/heads/${spec.branch}`,
    before: spec.before ?? ZERO_SHA,
    after,
    created: spec.before === null,
    deleted: spec.after === null,
    forced: spec.forced ?? false,
    base_ref: null,
    compare: 'https://github.com/acme/packs/compare/x...y',
    pusher: { name: spec.pusher ?? 'alice', email: 'alice@example.com' },
    sender: { login: spec.pusher ?? 'alice', id: 1 },
    head_commit: spec.after === null ? null : { id: after, message: spec.message ?? 'Update packs', author: { name: spec.author ?? 'Alice Doe', email: 'a@example.com' } },
    commits: spec.after === null ? [] : [{ id: after, message: spec.message ?? 'Update packs' }],
    repository: { full_name: 'acme/packs', clone_url: spec.url, ssh_url: 'git@github.com:acme/packs.git', html_url: 'https://github.com/acme/packs' },
  });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': opts.event ?? 'push',
      'x-github-delivery': opts.delivery ?? randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
  };
}

export function gitlabPush(spec: PushSpec, token: string, opts: { delivery?: string } = {}): Signed {
  const after = spec.after ?? ZERO_SHA;
  const body = JSON.stringify({
    object_kind: 'push',
    event_name: 'push',
    ref: `refs/heads/${spec.branch}`,
    before: spec.before ?? ZERO_SHA,
    after,
    user_name: spec.author ?? 'Alice Doe',
    user_username: spec.pusher ?? 'alice',
    project: { path_with_namespace: 'acme/packs', git_http_url: spec.url, git_ssh_url: 'git@gitlab.example.com:acme/packs.git', web_url: 'https://gitlab.example.com/acme/packs' },
    commits: spec.after === null ? [] : [{ id: after, message: spec.message ?? 'Update packs', author: { name: spec.author ?? 'Alice Doe', email: 'a@example.com' } }],
    total_commits_count: spec.after === null ? 0 : 1,
  });
  return {
    body,
    headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Push Hook', 'x-gitlab-event-uuid': opts.delivery ?? randomUUID(), 'x-gitlab-token': token },
  };
}

export function bitbucketPush(spec: PushSpec & { fullName: string }, secret: string, opts: { delivery?: string } = {}): Signed {
  const side = (sha: string | null) => (sha === null ? null : { type: 'branch', name: spec.branch, target: { type: 'commit', hash: sha } });
  const body = JSON.stringify({
    actor: { display_name: spec.author ?? 'Alice Doe', nickname: spec.pusher ?? 'alice' },
    repository: { full_name: spec.fullName, links: { html: { href: `https://bitbucket.org/${spec.fullName}` } } },
    push: {
      changes: [{
        old: side(spec.before), new: side(spec.after),
        created: spec.before === null, closed: spec.after === null, forced: spec.forced ?? false, truncated: false,
        commits: spec.after === null ? [] : [{ hash: spec.after, message: spec.message ?? 'Update packs', author: { raw: `${spec.author ?? 'Alice Doe'} <a@example.com>` } }],
      }],
    },
  });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-event-key': 'repo:push',
      'x-request-uuid': opts.delivery ?? randomUUID(),
      'x-hub-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
  };
}

/** POSTs a delivery; resolves with the status and the parsed JSON answer. */
export async function deliver(base: string, provider: string, d: Signed): Promise<{ status: number; json: Record<string, unknown>; text: string; headers: Record<string, string> }> {
  const res = await fetch(`${base}/webhooks/${provider}`, { method: 'POST', headers: d.headers, body: d.body });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = {};
  }
  return { status: res.status, json, text, headers: Object.fromEntries(res.headers) };
}

/** packbot.yaml for a bot that takes signed GitHub pushes on a free port: `repositories` are `name: {...}` lines. */
export function pushBotConfig(secret: string, repositories: readonly string[], extra: readonly string[] = []): string {
  return [
    'state_dir: ./var',
    'log: {level: info}',
    'server:',
    '  port: 0',
    `  webhooks: {github: {secret: ${secret}}}`,
    'repositories:',
    ...repositories.map((r) => `  ${r}`),
    ...extra,
  ].join('\n');
}
