import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { startConsoleBot } from '../helpers/bot.js';
import { createRepo, filesContaining, tempDir } from '../helpers/git-repo.js';
import { startGitHttpServer, type GitHttpServer } from '../helpers/git-http-server.js';
import { pack } from '../helpers/deploy.js';

const TOKEN = 'ghp_TopSecretToken0123456789abcdefABCDEF';
const forms = [TOKEN, Buffer.from(TOKEN).toString('base64'), Buffer.from(`x-access-token:${TOKEN}`).toString('base64')];

describe('a private repository with a token', () => {
  const servers: GitHttpServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it('deploys with the token and leaves it in no file, log line or chat message, after success and failure', async () => {
    const root = await tempDir('packbot-private-');
    await createRepo({ dir: path.join(root, 'private'), files: { ...pack('alpha'), ...pack('beta', { dependencies: ['missing_pack'] }) } });
    const server = await startGitHttpServer({ root, token: TOKEN });
    servers.push(server);
    const yaml = [
      'state_dir: ./var',
      'log: {level: debug}',
      'repositories:',
      `  private: {repo: ${JSON.stringify(server.repoUrl('private'))}, branch: main, token: "\${REPO_TOKEN}"}`,
      `  wrongtoken: {repo: ${JSON.stringify(server.repoUrl('private'))}, branch: main, token: "\${REPO_TOKEN}-wrong"}`,
    ].join('\n');
    const bot = await startConsoleBot(yaml, { REPO_TOKEN: TOKEN });
    const out = await bot.converse([
      '!pack deploy private alpha',
      '!pack deploy private beta',
      '!pack deploy private alpha no-such-branch',
      '!pack deploy wrongtoken alpha',
      `!pack deploy private alpha ${TOKEN}`,
      '!pack history alpha',
    ]);
    const chat = out.map((m) => m.text).join('\n');
    expect(chat).toMatch(/✓ alpha 1\.0\.0 — deployed/);
    expect(chat).toMatch(/✗ beta .*missing_pack/);
    // Checked before queueing (the deploy's preflight fetches): answered at once, never queued.
    expect(chat).toMatch(/^There is no branch `no-such-branch` in private\. Branches: `main`\.$/m);
    expect(chat).toMatch(/^Cloning failed for repository "wrongtoken": .*repositories\.wrongtoken\.token/m);
    expect(server.requests.some((r) => r.authorized && String(r.headers.authorization).startsWith('Basic '))).toBe(true);
    for (const form of forms) {
      expect(chat).not.toContain(form);
      expect(bot.logs()).not.toContain(form);
    }
    expect(await filesContaining(bot.dir, forms)).toEqual([]);
  });
});
