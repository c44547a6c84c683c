import { createHmac } from 'node:crypto';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pack } from '../helpers/deploy.js';
import { startGitHttpServer, type GitHttpServer } from '../helpers/git-http-server.js';
import { createRepo, filesContaining, tempDir } from '../helpers/git-repo.js';
import { startLiveBot, type LiveBot } from '../helpers/live-bot.js';
import { deliver, githubPush, gitlabPush, type Signed } from '../helpers/webhooks.js';

// Secrets a webhook path can meet: the providers' secrets (config), a repository token (config,
// sent to git), and credentials that arrive inside deliveries (commit messages, URLs, fields).
const S = {
  github: 'gh-hook-Leak-Secret-0123456789',
  gitlab: 'gl-hook-Leak-Token-0123456789',
  repoToken: 'ghp_LeakHookRepoToken0123456789abcdefAB',
  inMessage: 'glpat-LeakInCommitMessage0123',
  aws: 'AKIALEAKHOOKKEY01234',
  inUrl: 'ghp_LeakInPayloadUrl0123456789abcdefABCD',
} as const;

function forms(secret: string): string[] {
  return [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret), Buffer.from(`x-access-token:${secret}`).toString('base64')];
}

describe('secrets never leak through webhooks', () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });

  it('deliveries good, forged, failing and malformed leave no secret in answers, chat, logs or state_dir', async () => {
    const root = await tempDir('packbot-leak-hooks-');
    const repo = await createRepo({ dir: path.join(root, 'private'), files: { ...pack('alpha'), ...pack('beta') } });
    const git: GitHttpServer = await startGitHttpServer({ root, token: S.repoToken });
    closers.push(() => git.close());
    const url = git.repoUrl('private');
    const bot: LiveBot = await startLiveBot([
      'state_dir: ./var',
      'log: {level: debug}',
      'server:',
      '  port: 0',
      `  webhooks: {github: {secret: "${S.github}"}, gitlab: {token: "${S.gitlab}"}}`,
      'repositories:',
      `  private: {repo: ${JSON.stringify(url)}, branch: main, token: "${S.repoToken}", notify_channel: ops, auto_deployment: {}}`,
      // Same repository, wrong token: its fetch fails with git's error, which names the URL.
      `  wrong: {repo: ${JSON.stringify(url)}, branch: main, token: "${S.repoToken}-wrong", notify_channel: ops, auto_deployment: {}}`,
    ].join('\n'));
    closers.push(() => bot.stop());
    const base = bot.app.httpUrl() ?? '';
    const answers: string[] = [];
    const send = async (provider: string, d: Signed) => {
      const res = await deliver(base, provider, d);
      answers.push(`${res.status} ${res.text}`);
      return res;
    };

    const before = await repo.revParse('HEAD');
    const after = await repo.commit(`Rotate alpha (old key ${S.inMessage}, aws ${S.aws})`, pack('alpha', { version: '1.1.0' }));
    const good = githubPush({ url, branch: 'main', before, after, message: `Rotate alpha (old key ${S.inMessage}, aws ${S.aws})` }, S.github);
    const res = await send('github', good);
    expect(res.status).toBe(202);
    expect(res.json['results']).toEqual([
      expect.objectContaining({ repo: 'private', status: 'queued', packs: ['alpha'] }),
      expect.objectContaining({ repo: 'wrong', status: 'failed' }),
    ]);
    await bot.app.services.coordinator.settled();
    const notice = await bot.waitFor((m) => m.text.includes('Auto deployment of *private*'));
    // The commit message is shown, with its credentials masked.
    expect(notice.text).toMatch(/Rotate alpha \(old key \*\*\*, aws \*\*\*\)/);
    await bot.waitFor((m) => m.text.includes('Auto deployment of *wrong*') && m.text.includes('failed'));
    await bot.waitFor((m) => /1 ok, 0 failed/.test(m.text));

    // Forged: the right body with a signature made with a guess, and a body carrying secrets.
    const forgedBody = JSON.stringify({ ...JSON.parse(good.body), note: S.inUrl });
    await send('github', { body: forgedBody, headers: { ...good.headers, 'x-github-delivery': 'forged-1', 'x-hub-signature-256': `sha256=${createHmac('sha256', 'guess').update(forgedBody).digest('hex')}` } });
    await send('gitlab', gitlabPush({ url, branch: 'main', before, after }, `${S.gitlab}x`));
    // Signed but malformed, with credentials in the fields that are wrong.
    const bad = JSON.stringify({ ref: `refs/heads/${S.inUrl}`, before: S.inMessage, after: S.aws, repository: { clone_url: `https://x:${S.inUrl}@github.com/a/b.git` } });
    await send('github', { body: bad, headers: { ...good.headers, 'x-github-delivery': 'malformed-1', 'x-hub-signature-256': `sha256=${createHmac('sha256', S.github).update(bad).digest('hex')}` } });
    // A push whose repository URL carries credentials.
    const withUserinfo = githubPush({ url: `https://bot:${S.inUrl}@github.com/acme/other.git`, branch: 'main', before, after }, S.github);
    await send('github', withUserinfo);

    expect(answers.map((a) => a.slice(0, 3))).toEqual(['202', '401', '401', '400', '202']);
    const everywhere = [...answers, ...bot.said.map((m) => m.text), bot.logs()].join('\n');
    for (const [kind, secret] of Object.entries(S)) {
      for (const form of forms(secret)) expect(everywhere.includes(form), `${kind} (${form.slice(0, 10)}…) in an answer, chat or logs`).toBe(false);
      expect(await filesContaining(bot.app.config.state_dir, forms(secret)), `${kind} in a file under state_dir`).toEqual([]);
    }
  }, 120_000);
});
