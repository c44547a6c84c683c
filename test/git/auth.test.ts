import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PackbotError } from '../../src/core/errors.js';
import { startGitHttpServer, type GitHttpServer } from '../helpers/git-http-server.js';
import { createSubtreeRepo, createTestGit, filesContaining, runGit, tempDir } from '../helpers/git-repo.js';

const TOKEN = 'ghp_T0kenForPackbotTests1234567890';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** Every form of the token that could end up on disk or in a message. */
function forms(token: string, user = 'x-access-token'): string[] {
  return [token, b64(token), b64(`${user}:${token}`), `${user}:${token}`];
}

describe('a private repository over HTTP with a token', () => {
  let server: GitHttpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function serve() {
    const root = await tempDir('packbot-served-');
    const repo = await createSubtreeRepo(['a', 'b'], { dir: path.join(root, 'private') });
    server = await startGitHttpServer({ root, token: TOKEN });
    return { repo, server, url: server.repoUrl('private') };
  }

  it('the test server itself demands the token (Basic or Bearer) and answers 401 otherwise', async () => {
    const { server: s } = await serve();
    const refs = `${s.url}/private/info/refs?service=git-upload-pack`;
    const none = await fetch(refs);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect((await fetch(refs, { headers: { Authorization: `Basic ${b64(`anyone:${TOKEN}`)}` } })).status).toBe(200);
    expect((await fetch(refs, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await fetch(refs, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    expect(s.requests.map((r) => r.status)).toEqual([401, 200, 200, 401]);
  });

  it('syncs with the token sent as a header, and leaves it in no file, log or URL', async () => {
    const { repo, server: s, url } = await serve();
    const { git, stateDir, logs } = await createTestGit();
    const remote = { name: 'private', url, token: TOKEN };
    const { mirrorDir, cloned } = await git.sync(remote);
    expect(cloned).toBe(true);
    await repo.commit('more', { 'packs/a/more.txt': 'more\n' });
    expect((await git.sync(remote)).cloned).toBe(false);
    expect(await git.resolveRef(remote, 'main')).toBe(await repo.revParse('HEAD'));

    const sent = s.requests.map((r) => r.headers.authorization);
    expect(sent.length).toBeGreaterThan(0);
    expect(new Set(sent)).toEqual(new Set([`Basic ${b64(`x-access-token:${TOKEN}`)}`]));
    expect(s.requests.every((r) => r.status === 200)).toBe(true);
    expect(s.requests.some((r) => r.url.includes(TOKEN))).toBe(false);

    expect(await filesContaining(stateDir, [...forms(TOKEN), 'Authorization'])).toEqual([]);
    await expect(runGit(mirrorDir, ['config', '--get', 'remote.origin.url'], { env: { GIT_DIR: mirrorDir } })).rejects.toThrow();
    expect(url).not.toContain(TOKEN);
    for (const form of forms(TOKEN)) expect(logs()).not.toContain(form);
  });

  it('sends the configured username with the token', async () => {
    const { server: s, url } = await serve();
    const { git } = await createTestGit();
    await git.sync({ name: 'private', url, token: TOKEN, username: 'deploy-bot' });
    expect(s.requests[0]?.headers.authorization).toBe(`Basic ${b64(`deploy-bot:${TOKEN}`)}`);
  });

  it.each([
    ['no token', undefined, /check repositories\.private\.token: the server asks for credentials and none is configured/],
    ['a wrong token', 'ghp_WrongTokenValue0987654321', /check repositories\.private\.token \(and username\); the server refused it/],
  ])('fails clearly with %s, and leaks nothing', async (_label, token, hint) => {
    const { server: s, url } = await serve();
    const { git, stateDir, logs } = await createTestGit();
    const remote = { name: 'private', url, ...(token ? { token } : {}) };
    const err = (await git.sync(remote).catch((e: unknown) => e)) as PackbotError;
    expect(err).toBeInstanceOf(PackbotError);
    expect(err.code).toBe('git_failed');
    expect(err.message).toMatch(/^Cloning failed for repository "private": authentication failed; /);
    expect(err.message).toMatch(hint);
    expect(err.message).not.toContain('\n');
    expect(s.requests.length).toBeGreaterThan(0);
    expect(s.requests.every((r) => r.status === 401)).toBe(true);
    const secrets = token ? forms(token) : [];
    for (const form of [...secrets, ...forms(TOKEN)]) {
      expect(err.message).not.toContain(form);
      expect(logs()).not.toContain(form);
    }
    // The half-made clone is gone and nothing holds the token.
    expect(await filesContaining(stateDir, [...secrets, 'Authorization'])).toEqual([]);
    expect(await readdir(path.join(stateDir, 'mirrors'))).toEqual([]);
  });

  it('after a failure, a later sync with the right token succeeds and still writes no token', async () => {
    const { url } = await serve();
    const { git, stateDir } = await createTestGit();
    await expect(git.sync({ name: 'private', url, token: 'ghp_WrongTokenValue0987654321' })).rejects.toMatchObject({ code: 'git_failed' });
    await git.sync({ name: 'private', url, token: TOKEN });
    expect(await filesContaining(stateDir, [...forms(TOKEN), ...forms('ghp_WrongTokenValue0987654321'), 'Authorization'])).toEqual([]);
  });
});
