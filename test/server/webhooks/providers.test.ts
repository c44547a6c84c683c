import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isPackbotError, type PackbotError } from '../../../src/core/errors.js';
import { parseDelivery } from '../../../src/interfaces/server/webhooks/providers/index.js';
import type { Delivery } from '../../../src/interfaces/server/webhooks/types.js';
import type { Provider, PushEvent } from '../../../src/services/autodeploy/push-event.js';

type Json = Record<string, unknown>;
const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../../fixtures/webhooks/${name}`, import.meta.url), 'utf8')) as Json;

const GH = { 'x-github-event': 'push' };
const GL = { 'x-gitlab-event': 'Push Hook' };
const BB = { 'x-event-key': 'repo:push' };

function pushes(d: Delivery): PushEvent[] {
  if (d.kind !== 'push') throw new Error(`expected a push, got ${JSON.stringify(d)}`);
  expect(d.events.length).toBeGreaterThan(0);
  return d.events;
}
const onlyPush = (d: Delivery): PushEvent => {
  const events = pushes(d);
  expect(events).toHaveLength(1);
  return events[0] as PushEvent;
};

function payloadError(provider: Provider, headers: Record<string, string>, body: unknown): PackbotError {
  try {
    parseDelivery(provider, headers, body);
  } catch (err) {
    if (isPackbotError(err)) {
      expect(err.code).toBe('webhook_payload');
      expect(err.message).not.toContain('\n');
      return err;
    }
    throw err;
  }
  throw new Error('expected parseDelivery to throw');
}

/** A deep copy of a fixture with one change applied. */
function edited(name: string, change: (p: Json) => void): Json {
  const p = fixture(name);
  change(p);
  return p;
}
const at = (p: Json, ...keys: (string | number)[]): Json =>
  keys.reduce<Json>((o, k) => (o as unknown as Record<string | number, Json>)[k] as Json, p);

describe('GitHub', () => {
  it('reads a branch push', () => {
    expect(onlyPush(parseDelivery('github', GH, fixture('github-push.json')))).toEqual({
      provider: 'github',
      repoUrls: [
        'https://github.com/acme/st2-packs.git',
        'git@github.com:acme/st2-packs.git',
        'https://github.com/acme/st2-packs',
        'git://github.com/acme/st2-packs.git',
      ],
      repoName: 'acme/st2-packs',
      branch: 'release/1.x',
      before: 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
      after: '89e6c98d92887913cadf06b2adb97f26cde4849b',
      created: false,
      deleted: false,
      forced: false,
      pusher: { name: 'jdoe', login: 'jdoe' },
      headCommit: {
        sha: '89e6c98d92887913cadf06b2adb97f26cde4849b',
        message: 'Bump pack version to 1.4.0\n\nAlso fixes the rule trigger.',
        author: 'Jane Doe',
      },
      commitCount: 2,
    } satisfies PushEvent);
  });

  it('reads a tag push as a push with no branch', () => {
    const e = onlyPush(parseDelivery('github', GH, fixture('github-push-tag.json')));
    expect(e).toMatchObject({ branch: null, before: null, created: true, deleted: false, commitCount: 0 });
    expect(e.headCommit?.sha).toBe('89e6c98d92887913cadf06b2adb97f26cde4849b');
  });

  it('reads a branch deletion', () => {
    const e = onlyPush(parseDelivery('github', GH, fixture('github-delete.json')));
    expect(e).toMatchObject({
      branch: 'feature/old-rule',
      before: '3f786850e387550fdab836ed7e6dc881de23001b',
      after: null,
      created: false,
      deleted: true,
      headCommit: null,
      commitCount: 0,
    });
  });

  it('reads a force push', () => {
    const body = edited('github-push.json', (p) => (p['forced'] = true));
    expect(onlyPush(parseDelivery('github', GH, body)).forced).toBe(true);
  });

  it('answers a ping without reading its body', () => {
    expect(parseDelivery('github', { 'X-GitHub-Event': 'ping' }, fixture('github-ping.json'))).toEqual({ kind: 'ping' });
    expect(parseDelivery('github', { 'x-github-event': 'ping' }, 'not even json')).toEqual({ kind: 'ping' });
  });

  it('ignores other events and deliveries without an event header', () => {
    expect(parseDelivery('github', { 'x-github-event': 'pull_request' }, {})).toEqual({
      kind: 'ignored',
      reason: 'github event "pull_request" is not acted on',
    });
    expect(parseDelivery('github', {}, fixture('github-push.json'))).toEqual({ kind: 'ignored', reason: 'no X-GitHub-Event header' });
  });

  it('names every problem of a malformed push on one line', () => {
    const body = edited('github-push.json', (p) => {
      at(p, 'repository')['clone_url'] = 42;
      p['after'] = 'ABCDEF';
      delete p['pusher'];
    });
    expect(payloadError('github', GH, body).message).toBe(
      'github push payload: after: expected a 40-hex sha; pusher: is missing; repository.clone_url: expected a string',
    );
  });

  it('rejects a body that is not an object', () => {
    expect(payloadError('github', GH, ['push']).message).toBe('github push payload: expected an object');
    expect(payloadError('github', GH, null).message).toBe('github push payload: expected an object');
  });

  it.each([
    ['a space', 'refs/heads/feature/my branch', 'only letters, digits'],
    ['".."', 'refs/heads/a..b', 'must not contain ".."'],
    ['a leading "-"', 'refs/heads/-rf', 'must not start with "-"'],
    ['an empty name', 'refs/heads/', 'only letters, digits'],
    ['a ".lock" component', 'refs/heads/x/y.lock', 'ends with ".lock"'],
  ])('refuses a branch with %s instead of treating it as a non-branch', (_what, ref, problem) => {
    const err = payloadError('github', GH, edited('github-push.json', (p) => (p['ref'] = ref)));
    expect(err.message).toContain(`ref ${JSON.stringify(ref)} is not a branch name packbot accepts`);
    expect(err.message).toContain(problem);
  });

  it('accepts 64-hex (SHA-256 repository) shas and refuses abbreviated ones', () => {
    const sha256 = 'ab'.repeat(32);
    const body = edited('github-push.json', (p) => (p['after'] = sha256));
    expect(onlyPush(parseDelivery('github', GH, body)).after).toBe(sha256);
    const short = edited('github-push.json', (p) => (p['before'] = 'a94a8fe'));
    expect(payloadError('github', GH, short).message).toBe('github push payload: before: expected a 40-hex sha');
  });

  it('tolerates fields it does not read and a missing git_url', () => {
    const body = edited('github-push.json', (p) => {
      p['brand_new_field'] = { nested: true };
      delete at(p, 'repository')['git_url'];
    });
    expect(onlyPush(parseDelivery('github', GH, body)).repoUrls).toHaveLength(3);
  });
});

describe('GitLab', () => {
  it('reads a branch push', () => {
    expect(onlyPush(parseDelivery('gitlab', GL, fixture('gitlab-push.json')))).toEqual({
      provider: 'gitlab',
      repoUrls: [
        'https://gitlab.example.com/ops/st2-packs.git',
        'git@gitlab.example.com:ops/st2-packs.git',
        'https://gitlab.example.com/ops/st2-packs',
      ],
      repoName: 'ops/st2-packs',
      branch: 'master',
      before: '95790bf891e76fee5e1747ab589903a6a1f80f22',
      after: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
      created: false,
      deleted: false,
      forced: null,
      pusher: { name: 'Ana Ruiz', login: 'aruiz' },
      headCommit: { sha: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7', message: 'Fix typo in README\n', author: 'Ana Ruiz' },
      commitCount: 2,
    } satisfies PushEvent);
  });

  it('reads a branch deletion from the all-zero after sha', () => {
    expect(onlyPush(parseDelivery('gitlab', GL, fixture('gitlab-delete.json')))).toMatchObject({
      branch: 'feature/cleanup',
      before: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
      after: null,
      created: false,
      deleted: true,
      headCommit: null,
      commitCount: 0,
    });
  });

  it('reads a branch creation from the all-zero before sha', () => {
    const body = edited('gitlab-push.json', (p) => (p['before'] = '0'.repeat(40)));
    expect(onlyPush(parseDelivery('gitlab', GL, body))).toMatchObject({ before: null, created: true, deleted: false });
  });

  it('takes the commit whose id is `after` as the head, else the last listed', () => {
    const reordered = edited('gitlab-push.json', (p) => (p['commits'] as unknown[]).reverse());
    expect(onlyPush(parseDelivery('gitlab', GL, reordered)).headCommit?.message).toBe('Fix typo in README\n');
    const unlisted = edited('gitlab-push.json', (p) => (p['after'] = 'c'.repeat(40)));
    expect(onlyPush(parseDelivery('gitlab', GL, unlisted)).headCommit?.sha).toBe('da1560886d4f094c3e6c9ef40349f7d38b5d27d7');
  });

  it('counts total_commits_count, not the (capped) commits list', () => {
    const body = edited('gitlab-push.json', (p) => (p['total_commits_count'] = 57));
    expect(onlyPush(parseDelivery('gitlab', GL, body)).commitCount).toBe(57);
  });

  it('reads older payloads that only have `repository`', () => {
    const body = edited('gitlab-push.json', (p) => {
      delete p['project'];
      delete p['user_username'];
    });
    expect(onlyPush(parseDelivery('gitlab', GL, body))).toMatchObject({
      repoName: 'ops/st2-packs',
      repoUrls: [
        'https://gitlab.example.com/ops/st2-packs.git',
        'git@gitlab.example.com:ops/st2-packs.git',
        'https://gitlab.example.com/ops/st2-packs',
      ],
      pusher: { name: 'Ana Ruiz' },
    });
  });

  it('refuses a push with no project at all', () => {
    const body = edited('gitlab-push.json', (p) => {
      delete p['project'];
      delete p['repository'];
    });
    expect(payloadError('gitlab', GL, body).message).toBe('gitlab push payload: project: is missing');
  });

  it('treats a system hook push as a push, and other system hooks as ignored', () => {
    const sys = { 'x-gitlab-event': 'System Hook' };
    expect(onlyPush(parseDelivery('gitlab', sys, fixture('gitlab-push.json'))).branch).toBe('master');
    expect(parseDelivery('gitlab', sys, { object_kind: 'merge_request' })).toEqual({
      kind: 'ignored',
      reason: 'gitlab event "System Hook" is not acted on',
    });
  });

  it('ignores tag pushes and other events', () => {
    expect(parseDelivery('gitlab', { 'x-gitlab-event': 'Tag Push Hook' }, {}).kind).toBe('ignored');
    expect(parseDelivery('gitlab', { 'x-gitlab-event': 'Merge Request Hook' }, {}).kind).toBe('ignored');
  });

  it('names every problem of a malformed push', () => {
    const body = edited('gitlab-push.json', (p) => {
      at(p, 'commits', 1)['id'] = 'not-a-sha';
      at(p, 'project')['git_ssh_url'] = null;
      p['total_commits_count'] = -1;
    });
    expect(payloadError('gitlab', GL, body).message).toBe(
      'gitlab push payload: commits[1].id: expected a 40-hex sha; total_commits_count: expected a count; ' +
        'project.git_ssh_url: expected a string',
    );
  });
});

describe('Bitbucket', () => {
  it('reads every change of a push as its own event', () => {
    const [master, release, ...rest] = pushes(parseDelivery('bitbucket', BB, fixture('bitbucket-push.json')));
    expect(rest).toEqual([]);
    const repo = {
      provider: 'bitbucket',
      repoUrls: [
        'https://bitbucket.org/acme-ops/st2-packs.git',
        'git@bitbucket.org:acme-ops/st2-packs.git',
        'https://bitbucket.org/acme-ops/st2-packs',
      ],
      repoName: 'acme-ops/st2-packs',
      pusher: { name: 'Sam Lee', login: 'slee' },
    };
    expect(master).toEqual({
      ...repo,
      branch: 'master',
      before: '1c0de51dcb6ac4ba8e6e0f8d1c5b6a7e8f9a0b1c',
      after: '2d1ef62edc7bd5cb9f7f1a9e2d6c7b8f9a0b1c2d',
      created: false,
      deleted: false,
      forced: false,
      headCommit: { sha: '2d1ef62edc7bd5cb9f7f1a9e2d6c7b8f9a0b1c2d', message: 'Merge feature/disk-rule into master\n', author: 'Sam Lee' },
      commitCount: 2,
    });
    expect(release).toEqual({
      ...repo,
      branch: 'release/1.x',
      before: '5e2f073fed8ce6dca0a02b0f3e7d8c9a0b1c2d3e',
      after: '6f30184a0e9df7edb1b13c1a4f8e9dab1c2d3e4f',
      created: false,
      deleted: false,
      forced: true,
      // No linked Bitbucket user: the name comes from the raw "Name <email>" author.
      headCommit: { sha: '6f30184a0e9df7edb1b13c1a4f8e9dab1c2d3e4f', message: 'Hotfix: quote channel names\n', author: 'Pat Kim' },
      commitCount: 1,
    });
  });

  it('reads a branch creation', () => {
    expect(onlyPush(parseDelivery('bitbucket', BB, fixture('bitbucket-created.json')))).toMatchObject({
      branch: 'feature/new-sensor',
      before: null,
      after: '7a41295b1fa0e8fec2c24d2b5a9fa0ebc2d3e4f5',
      created: true,
      deleted: false,
      headCommit: { sha: '7a41295b1fa0e8fec2c24d2b5a9fa0ebc2d3e4f5', message: 'Start new pack feature\n', author: 'Sam Lee' },
    });
  });

  it('reads a branch deletion from `closed` and the old ref', () => {
    const body = edited('bitbucket-push.json', (p) => {
      const change = at(p, 'push', 'changes', 1);
      change['new'] = null;
      change['closed'] = true;
      change['commits'] = [];
    });
    expect(pushes(parseDelivery('bitbucket', BB, body))[1]).toMatchObject({
      branch: 'release/1.x',
      before: '5e2f073fed8ce6dca0a02b0f3e7d8c9a0b1c2d3e',
      after: null,
      deleted: true,
      headCommit: null,
      commitCount: 0,
    });
  });

  it('reads a tag change as an event with no branch', () => {
    const body = edited('bitbucket-created.json', (p) => {
      const ref = at(p, 'push', 'changes', 0, 'new');
      ref['type'] = 'tag';
      ref['name'] = 'v2.0.0';
    });
    expect(onlyPush(parseDelivery('bitbucket', BB, body)).branch).toBeNull();
  });

  it('takes the head commit from new.target when the commits list does not have it', () => {
    const body = edited('bitbucket-created.json', (p) => delete at(p, 'push', 'changes', 0)['commits']);
    expect(onlyPush(parseDelivery('bitbucket', BB, body)).headCommit).toEqual({
      sha: '7a41295b1fa0e8fec2c24d2b5a9fa0ebc2d3e4f5',
      message: 'Start new pack feature\n',
      author: 'Sam Lee',
    });
  });

  it('falls back to the deprecated username when there is no nickname', () => {
    const body = edited('bitbucket-created.json', (p) => {
      delete at(p, 'actor')['nickname'];
      at(p, 'actor')['username'] = 'sam-lee';
    });
    expect(onlyPush(parseDelivery('bitbucket', BB, body)).pusher).toEqual({ name: 'Sam Lee', login: 'sam-lee' });
  });

  it('ignores a push that changed no refs', () => {
    const body = edited('bitbucket-created.json', (p) => (at(p, 'push')['changes'] = []));
    expect(parseDelivery('bitbucket', BB, body)).toEqual({ kind: 'ignored', reason: 'bitbucket push changed no refs' });
  });

  it('answers the diagnostics ping and ignores other events', () => {
    expect(parseDelivery('bitbucket', { 'X-Event-Key': 'diagnostics:ping' }, {})).toEqual({ kind: 'ping' });
    expect(parseDelivery('bitbucket', { 'x-event-key': 'pullrequest:created' }, {})).toEqual({
      kind: 'ignored',
      reason: 'bitbucket event "pullrequest:created" is not acted on',
    });
  });

  it('refuses a full name the clone URLs could not be derived from', () => {
    const body = edited('bitbucket-push.json', (p) => (at(p, 'repository')['full_name'] = 'acme-ops/st2-packs@evil.example'));
    expect(payloadError('bitbucket', BB, body).message).toBe(
      'bitbucket push payload: repository.full_name: expected "workspace/repository"',
    );
  });

  it('refuses a branch name packbot does not accept', () => {
    const body = edited('bitbucket-push.json', (p) => (at(p, 'push', 'changes', 1, 'new')['name'] = 'release/..x'));
    expect(payloadError('bitbucket', BB, body).message).toBe(
      'bitbucket push payload: ref "release/..x" is not a branch name packbot accepts (it must not contain "..")',
    );
  });

  it('names every problem of a malformed push, with list positions', () => {
    const body = edited('bitbucket-push.json', (p) => {
      at(p, 'push', 'changes', 0, 'new', 'target')['hash'] = '2d1ef62';
      delete at(p, 'push', 'changes', 1)['forced'];
    });
    expect(payloadError('bitbucket', BB, body).message).toBe(
      'bitbucket push payload: push.changes[0].new.target.hash: expected a 40-hex sha; push.changes[1].forced: is missing',
    );
  });
});

it('matches header names case-insensitively and ignores repeated event headers', () => {
  expect(pushes(parseDelivery('github', { 'X-GITHUB-EVENT': 'push' }, fixture('github-push.json')))).toHaveLength(1);
  expect(parseDelivery('github', { 'x-github-event': ['push', 'push'] }, fixture('github-push.json'))).toEqual({
    kind: 'ignored',
    reason: 'no X-GitHub-Event header',
  });
});
