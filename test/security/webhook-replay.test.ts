/**
 * Finding 8: GitHub's and Bitbucket's signatures cover the body, not the delivery-id header,
 * so a captured push resent under a new id verified and redeployed the branch tip, undoing
 * an admin's rollback. A body is now remembered by its digest: a resend does nothing, while
 * the provider's own retry of a delivery whose handling failed (same id, same body) deploys.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { rename } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo, type GitRepo } from '../helpers/git-repo.js';
import { pack } from '../helpers/deploy.js';
import { startLiveBot, type LiveBot } from '../helpers/live-bot.js';
import { bitbucketPush, deliver, githubPush, type Signed } from '../helpers/webhooks.js';

const GH = 'gh-replay-secret-81';
const BB = 'bb-replay-secret-82';

/** The same signed body under another delivery id, as someone who captured it would send it. */
function resent(d: Signed, idHeader: string): Signed {
  return { ...d, headers: { ...d.headers, [idHeader]: randomUUID() } };
}

/** A Bitbucket push whose repository link is the local test repository (so it matches), re-signed. */
function bitbucketLocal(url: string, before: string, after: string): Signed {
  const d = bitbucketPush({ url, branch: 'main', before, after, fullName: 'acme/packs' }, BB);
  const body = JSON.parse(d.body) as { repository: { links: { html: { href: string } } } };
  body.repository.links.html.href = url;
  const text = JSON.stringify(body);
  return { body: text, headers: { ...d.headers, 'x-hub-signature': `sha256=${createHmac('sha256', BB).update(text).digest('hex')}` } };
}

/** A GitHub push with `repository.pushed_at` (signed with the body, as GitHub sends it), re-signed. */
function githubPushedAt(d: Signed, pushedAtSeconds: number): Signed {
  const body = JSON.parse(d.body) as { repository: Record<string, unknown> };
  body.repository['pushed_at'] = pushedAtSeconds;
  const text = JSON.stringify(body);
  return { body: text, headers: { ...d.headers, 'x-hub-signature-256': `sha256=${createHmac('sha256', GH).update(text).digest('hex')}` } };
}

describe('a replayed webhook body does nothing', () => {
  let repo: GitRepo;
  let bot: LiveBot;
  let base: string;
  let head: string;
  const version = async () => (await bot.app.services.store.active('alpha'))?.meta.version;
  const settle = async () => {
    await bot.app.services.coordinator.settled();
    await bot.app.idle();
  };
  const deploys = async () => (await bot.app.services.history.list()).filter((r) => r.kind === 'deploy').length;
  const rollBack = async () => {
    bot.say('@root #ops !pack rollback alpha');
    await bot.waitFor((m) => /rolled back|back to/i.test(m.text) && m.text.includes('alpha'));
    await settle();
  };

  beforeAll(async () => {
    repo = await createRepo({ files: pack('alpha') });
    head = await repo.revParse('HEAD');
    bot = await startLiveBot([
      'state_dir: ./var',
      'server:',
      '  port: 0',
      `  webhooks: {github: {secret: ${GH}}, bitbucket: {secret: ${BB}}}`,
      'repositories:',
      `  packs: {repo: ${JSON.stringify(repo.url)}, branch: main, notify_channel: ops, auto_deployment: {branch: main}}`,
    ].join('\n'));
    base = bot.app.httpUrl() ?? '';
    bot.say('@root #ops !pack deploy packs alpha');
    await bot.waitFor((m) => /alpha 1\.0\.0 — deployed/.test(m.text));
    await settle();
  }, 60_000);
  afterAll(async () => bot?.stop());

  it('GitHub: a push is deployed; after a rollback, its body under a new X-GitHub-Delivery is ignored', async () => {
    const after = await repo.commit('alpha 1.1.0', pack('alpha', { version: '1.1.0' }));
    const push = githubPush({ url: repo.url, branch: 'main', before: head, after }, GH);
    const first = await deliver(base, 'github', push);
    expect(first.json['results']).toEqual([expect.objectContaining({ status: 'queued', packs: ['alpha'] })]);
    await settle();
    expect(await version()).toBe('1.1.0');
    head = after;

    await rollBack();
    expect(await version()).toBe('1.0.0');
    const before = await deploys();

    const replay = await deliver(base, 'github', resent(push, 'x-github-delivery'));
    expect(replay.status).toBe(200);
    expect(replay.json).toMatchObject({ status: 'duplicate', reason: expect.stringMatching(/already handled/) });
    // The plain redelivery (same id) is a duplicate as before.
    expect((await deliver(base, 'github', push)).json).toMatchObject({ status: 'duplicate' });
    await settle();
    expect(await version()).toBe('1.0.0');
    expect(await deploys()).toBe(before);
  }, 60_000);

  it('Bitbucket: the same, with a new X-Request-UUID', async () => {
    const after = await repo.commit('alpha 1.2.0', pack('alpha', { version: '1.2.0' }));
    const push = bitbucketLocal(repo.url, head, after);
    const first = await deliver(base, 'bitbucket', push);
    expect(first.json['results']).toEqual([expect.objectContaining({ status: 'queued', packs: ['alpha'] })]);
    await settle();
    expect(await version()).toBe('1.2.0');
    head = after;

    await rollBack();
    const rolledBack = await version();
    expect(rolledBack).not.toBe('1.2.0');
    const before = await deploys();

    const replay = await deliver(base, 'bitbucket', resent(push, 'x-request-uuid'));
    expect(replay).toMatchObject({ status: 200, json: { status: 'duplicate' } });
    await settle();
    expect(await version()).toBe(rolledBack);
    expect(await deploys()).toBe(before);
  }, 60_000);

  it('a delivery whose handling failed is taken on the provider\'s retry (same id), never under a new id', async () => {
    const after = await repo.commit('alpha 1.3.0', pack('alpha', { version: '1.3.0' }));
    const push = githubPush({ url: repo.url, branch: 'main', before: head, after }, GH);
    // The repository is unreachable for the first attempt: its fetch fails.
    const away = `${repo.dir}-away`;
    await rename(repo.dir, away);
    try {
      const failed = await deliver(base, 'github', push);
      expect(failed.json['results']).toEqual([expect.objectContaining({ status: 'failed' })]);
    } finally {
      await rename(away, repo.dir);
    }
    expect((await deliver(base, 'github', resent(push, 'x-github-delivery'))).json).toMatchObject({ status: 'duplicate' });
    await settle();
    expect(await version()).not.toBe('1.3.0');

    const retry = await deliver(base, 'github', push);
    expect(retry.json['results']).toEqual([expect.objectContaining({ status: 'queued', packs: ['alpha'] })]);
    await settle();
    expect(await version()).toBe('1.3.0');
  }, 60_000);

  it('a GitHub push signed as pushed longer ago than the replay window (7d) is ignored, whatever its id', async () => {
    const after = await repo.commit('alpha 1.4.0', pack('alpha', { version: '1.4.0' }));
    const eightDaysAgo = Math.floor(Date.now() / 1000) - 8 * 24 * 3600;
    const stale = githubPushedAt(githubPush({ url: repo.url, branch: 'main', before: head, after }, GH), eightDaysAgo);
    expect(await deliver(base, 'github', stale)).toMatchObject({ status: 200, json: { status: 'duplicate', reason: expect.stringMatching(/older than the replay window/) } });
    await settle();
    expect(await version()).toBe('1.3.0');
    const fresh = githubPushedAt(githubPush({ url: repo.url, branch: 'main', before: head, after }, GH), Math.floor(Date.now() / 1000));
    expect((await deliver(base, 'github', fresh)).json['results']).toEqual([expect.objectContaining({ status: 'queued' })]);
    await settle();
    expect(await version()).toBe('1.4.0');
  }, 60_000);
});
