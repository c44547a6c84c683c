import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startConsoleBot } from '../helpers/bot.js';
import { pack } from '../helpers/deploy.js';
import { startGitHttpServer, type GitHttpServer } from '../helpers/git-http-server.js';
import { createRepo, filesContaining, listFiles, tempDir } from '../helpers/git-repo.js';

// Planted secrets, each of a different kind. Registered ones come from config; the others
// must be caught by their shape wherever they show up.
const S = {
  repoToken: 'ghp_Leak0RepoToken0123456789abcdefABCDEF',
  slackBot: 'xoxb-1111111111-2222222222-LeakBotTokenAbCdEf',
  slackApp: 'xapp-1-A0LEAK-3333333333-leakapptoken0123456789abcdef',
  signing: '8f7e6d5c4b3a29180716253443526170',
  discord: 'MTAxLeakDiscordBotToken.GhIjKl.mnopqrstuvwxyz0123456789ABCD',
  st2Key: 'st2-api-key-LeakValue-0123456789',
  // Printed by a failing register hook; never registered anywhere.
  gitlab: 'glpat-LeakGitlabToken012345',
  aws: 'AKIALEAKAWSKEY012345',
  // Pasted into chat.
  slackUser: 'xoxp-4444444444-5555555555-LeakUserTokenXyZ',
  bearer: 'Bearer eyJhbGciOiJIUzI1NiJ9.LeakBearerPayload.LeakSignature0123',
  pem: '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAleakleakleakleakleakleakleakleak\nleakleakleakleakleakleakleakleakleakleak==\n-----END RSA PRIVATE KEY-----',
} as const;

/** A secret in the forms it usually leaks in. */
function forms(secret: string): string[] {
  const core = secret.includes('\n') ? secret.split('\n')[1]! : secret.replace(/^Bearer /, '');
  return [core, Buffer.from(core).toString('base64'), Buffer.from(`x-access-token:${core}`).toString('base64'), encodeURIComponent(core)];
}

describe('secrets never leak', () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });

  it('plants a dozen kinds of secret, runs good and failing deploys and locks, and finds none in any sink', async () => {
    const root = await tempDir('packbot-leak-');
    const repo = await createRepo({
      dir: path.join(root, 'private'),
      files: { ...pack('alpha'), ...pack('shady'), ...pack('leaky') },
    });
    await repo.branch('feature-x');
    const git: GitHttpServer = await startGitHttpServer({ root, token: S.repoToken });
    closers.push(() => git.close());

    // StackStorm's register API, which echoes the API key back in its error for the "leaky" pack.
    const api: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        if (body.includes('leaky')) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ faultstring: `bad key ${String(req.headers['st2-api-key'])} for ${body}` }));
        } else res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => api.close(() => r())));
    const port = (api.address() as AddressInfo).port;

    // A register command that prints credentials it should never have, for the "shady" pack.
    const hook = `if (process.argv.slice(1).join(",").includes("shady")) { console.error("token ${S.gitlab} key ${S.aws}"); process.exit(2); }`;
    const yaml = [
      'state_dir: ./var',
      'log: {level: debug}',
      'adapters:',
      '  console: {}',
      '  slack: {bot_token: "${SLACK_BOT_TOKEN}", app_token: "${SLACK_APP_TOKEN}", signing_secret: "${SLACK_SIGNING_SECRET}", mode: socket}',
      '  discord: {token: "${DISCORD_TOKEN}"}',
      'repositories:',
      `  private: {repo: ${JSON.stringify(git.repoUrl('private'))}, branch: main, token: "\${REPO_TOKEN}", notify_channel: ops, announce_channel: releases}`,
      `  wrong: {repo: ${JSON.stringify(git.repoUrl('private'))}, branch: main, token: "\${REPO_TOKEN}-wrong"}`,
      'register:',
      `  command: [${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(hook)}, "{packs}"]`,
      `  http: {url: "http://127.0.0.1:${port}/api/v1/packs/register", headers: {St2-Api-Key: "\${ST2_API_KEY}"}}`,
    ].join('\n');
    const bot = await startConsoleBot(yaml, {
      REPO_TOKEN: S.repoToken, SLACK_BOT_TOKEN: S.slackBot, SLACK_APP_TOKEN: S.slackApp, SLACK_SIGNING_SECRET: S.signing,
      DISCORD_TOKEN: S.discord, ST2_API_KEY: S.st2Key,
    });
    const out = await bot.converse([
      '@alice !pack deploy private alpha',
      '@alice !pack deploy private shady',
      '@alice !pack deploy private leaky',
      '@bob !pack deploy private alpha feature-x',
      '@alice !pack deploy private alpha feature-x',
      '@alice !pack deploy wrong shady',
      `@alice !pack deploy private alpha ${S.repoToken}`,
      `@alice !pack deploy private ${S.slackUser}`,
      `@alice my key is ${S.bearer}`,
      `@alice !pack deploy private alpha ${S.pem.replace(/\n/g, ' ')}`,
      '@alice !pack locks',
      '@alice !pack history alpha',
      '@alice !pack deploy private alpha main',
    ]);
    const chat = out.map((m) => m.text).join('\n');
    // The runs really happened: a success, both failures, a lock, a refusal.
    expect(chat).toMatch(/✓ alpha 1\.0\.0 — deployed/);
    expect(chat).toMatch(/shady 1\.0\.0 — register command .* failed \(exit 2\): token \*\*\* key \*\*\*/);
    expect(chat).toMatch(/leaky 1\.0\.0 — register request .* answered 500: .*bad key \*\*\*/);
    expect(chat).toMatch(/alpha on private _feature-x_ — @bob/);
    expect(chat.match(/I did not run it/g)).toHaveLength(3);
    expect(chat).toMatch(/repositories\.wrong\.token/);

    const everywhere = [chat, bot.logs()].join('\n');
    const files = await listFiles(bot.dir);
    expect(files.some((f) => f.includes('mirrors'))).toBe(true);
    for (const [kind, secret] of Object.entries(S)) {
      for (const form of forms(secret)) {
        expect(everywhere.includes(form), `${kind} (${form.slice(0, 12)}…) in chat or logs`).toBe(false);
      }
      expect(await filesContaining(bot.dir, forms(secret)), `${kind} in a file under state_dir`).toEqual([]);
    }
  }, 120_000);

  it('masks credentials in the output of the tools packbot runs (pip), in chat, logs and history', async () => {
    const pipSecret = 'pipS3cretLeakValue';
    const repo = await createRepo({
      files: { ...pack('pyleak', { extra: { 'packs/pyleak/requirements.txt': `--index-url http://pipuser:${pipSecret}@127.0.0.1:9/simple\nno-such-package-packbot==1.0\n` } }) },
    });
    const bot = await startConsoleBot([
      'state_dir: ./var', 'log: {level: debug}', 'envs: {python: venv}',
      'repositories:', `  demo: {repo: ${JSON.stringify(repo.url)}, branch: main}`,
    ].join('\n'));
    const out = await bot.converse(['!pack deploy demo pyleak']);
    const chat = out.map((m) => m.text).join('\n');
    expect(chat).toMatch(/✗ pyleak/);
    expect(chat).toContain('127.0.0.1:9');
    expect(chat + bot.logs()).not.toContain(pipSecret);
    // The secret is in the pack's own files (its requirements.txt); packbot's state must not copy it anywhere else.
    expect(await filesContaining(path.join(bot.app.config.state_dir, 'state'), [pipSecret])).toEqual([]);
  }, 120_000);
});
