import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pack } from '../../helpers/deploy.js';
import { createRepo, tempDir } from '../../helpers/git-repo.js';
import { startGitHttpServer, type GitHttpServer } from '../../helpers/git-http-server.js';
import type { RecordedCall } from '../../helpers/fake-slack.js';
import { messageEvent, SECRETS, startSlackBot, type SlackBot } from './setup.js';

const REPO_TOKEN = 'ghp_SlackTestRepoToken0123456789abcdefABC';
const textOf = (c: RecordedCall) => c.params['text'] ?? '';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('Slack adapter: no secret in anything Slack receives', () => {
  it('keeps bot token, app token, signing secret and a repo token out of every body and frame', async () => {
    const root = await tempDir('packbot-slack-private-');
    await createRepo({ dir: path.join(root, 'private'), files: { ...pack('alpha') } });
    const server: GitHttpServer = await startGitHttpServer({ root, token: REPO_TOKEN });
    closers.push(() => server.close());
    const bot: SlackBot = await startSlackBot({
      mode: 'socket',
      repositories: [`private: {repo: ${JSON.stringify(server.repoUrl('private'))}, branch: main, token: "\${REPO_TOKEN}"}`],
      env: { REPO_TOKEN },
    });
    closers.push(() => bot.close());
    const { fake } = bot;
    await fake.connected();

    await fake.sendEvent(messageEvent('!pack deploy private alpha'));
    await fake.waitForCall('chat.update', (c) => textOf(c).includes('alpha 1.0.0 — deployed'));
    // Secrets typed into chat are refused without being repeated, in text and blocks alike.
    for (const leak of [REPO_TOKEN, SECRETS.bot, SECRETS.signing]) {
      await fake.sendEvent(messageEvent(`!pack deploy private alpha ${leak}`, { channel: 'C0LEAK' }));
    }
    await fake.sendEvent(messageEvent(`!help ${SECRETS.app}`, { channel: 'C0HELP' }));
    await fake.waitForCall('chat.postMessage', (c) => c.params['channel'] === 'C0HELP');
    await bot.app.idle();
    expect(fake.callsOf('chat.postMessage').filter((c) => c.params['channel'] === 'C0LEAK').length).toBeGreaterThan(0);
    expect(fake.callsOf('chat.postMessage').filter((c) => c.params['channel'] === 'C0LEAK' && textOf(c).includes('I did not run it'))).toHaveLength(3);

    const secrets = [SECRETS.bot, SECRETS.app, SECRETS.signing, REPO_TOKEN];
    const forms = secrets.flatMap((s) => [s, Buffer.from(s).toString('base64'), encodeURIComponent(s)]);
    const received = fake.everythingReceived();
    expect(received.length).toBeGreaterThan(1000);
    for (const form of forms) expect(received).not.toContain(form);
    // Tokens travel only in Authorization headers: the bot token for the Web API, the app token to open the socket.
    for (const call of fake.calls) {
      const expected = call.method === 'apps.connections.open' ? SECRETS.app : SECRETS.bot;
      expect(call.headers.authorization).toBe(`Bearer ${expected}`);
      const { authorization: _auth, ...otherHeaders } = call.headers;
      for (const form of forms) expect(JSON.stringify(otherHeaders)).not.toContain(form);
    }
    // Bolt's and the web client's debug lines went through the masking logger.
    expect(bot.rt.logs()).toContain('"component":"slack"');
    for (const form of forms) expect(bot.rt.logs()).not.toContain(form);
  });
});
