/**
 * `register.st2` against a stand-in that follows StackStorm's OpenAPI definition
 * (test/helpers/fake-st2.ts), through the real deploy pipeline from chat: the counts StackStorm
 * answers end up in the deploy's summary; a file StackStorm refuses rolls the pack back and is
 * named (relative to the pack, never the server's path); a refused credential is named by its
 * key; the credential itself shows up nowhere.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PackbotError } from '../../src/core/errors.js';
import { createMasker } from '../../src/core/masking/masker.js';
import { registerPacks } from '../../src/services/deploy/register.js';
import { startConsoleBot } from '../helpers/bot.js';
import { pack } from '../helpers/deploy.js';
import { startFakeSt2, type FakeSt2 } from '../helpers/fake-st2.js';
import { createRepo, tempDir } from '../helpers/git-repo.js';
import { testRuntime } from '../helpers/runtime.js';

const KEY = 'st2-api-key-4f1c9a0b7d2e6c83a5';
const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A pack StackStorm registers as 2 actions, 1 rule and 1 sensor. */
function alpha(version: string, extra: Record<string, string> = {}) {
  return pack('alpha', {
    version, actions: ['hello', 'bye'], extra: {
      'packs/alpha/rules/on_hello.yaml': 'name: on_hello\ntrigger: {type: core.st2.IntervalTimer}\naction: {ref: alpha.hello}\n',
      'packs/alpha/sensors/watch.yaml': 'class_name: Watch\nentry_point: watch.py\n',
      'packs/alpha/sensors/watch.py': 'class Watch:\n    pass\n',
      ...extra,
    },
  });
}

/** An action packbot accepts and today's StackStorm refuses: its runner was removed in 3.3. */
const LEGACY = {
  'packs/alpha/actions/legacy.yaml': 'name: legacy\nrunner_type: mistral-v2\nentry_point: workflows/legacy.yaml\n',
  'packs/alpha/actions/workflows/legacy.yaml': 'version: "2.0"\n',
};

interface Setup {
  st2?: Partial<Parameters<typeof startFakeSt2>[0]>;
  /** The register.st2 mapping's credential line. */
  credential?: string;
  env?: Record<string, string>;
}

async function deployInChat(lines: string[], setup: Setup = {}) {
  const packsDir = await tempDir('packbot-st2-packs-');
  const st2 = await startFakeSt2({ packsDir, apiKeys: [KEY], ...setup.st2 });
  servers.push(st2);
  const repo = await createRepo({ files: alpha('1.0.0') });
  await repo.branch('feature');
  await repo.checkout('feature');
  await repo.commit('alpha 2 with a legacy workflow', alpha('2.0.0', LEGACY));
  await repo.checkout('main');
  const yaml = [
    'state_dir: ./var',
    `packs_dir: ${JSON.stringify(packsDir)}`,
    'repositories:',
    `  demo: {repo: ${JSON.stringify(repo.url)}, branch: main}`,
    'log: {level: debug}',
    'register:',
    `  st2: {url: ${JSON.stringify(st2.url)}, ${setup.credential ?? 'api_key: "${ST2_API_KEY}"'}}`,
  ].join('\n');
  const bot = await startConsoleBot(yaml, setup.env ?? { ST2_API_KEY: KEY });
  const out = await bot.converse(lines);
  const texts = out.map((m) => m.text);
  const summaries = texts.filter((t) => /^Deploy `[0-9a-f]{8}` from `demo`/.test(t));
  return { st2, bot, texts, summaries };
}

/** Every file under `dir` (packbot's state: history, queue, journal) as one text. */
async function everythingUnder(dir: string): Promise<string> {
  const texts: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) texts.push(await readFile(path.join(entry.parentPath, entry.name), 'utf8'));
  }
  return texts.join('\n');
}

async function neverLeaks(secret: string, run: { texts: string[]; bot: { logs(): string; dir: string } }) {
  expect(run.texts.join('\n')).not.toContain(secret);
  expect(run.bot.logs()).toContain('register');
  expect(run.bot.logs()).not.toContain(secret);
  expect(await everythingUnder(path.join(run.bot.dir, 'var'))).not.toContain(secret);
}

describe('register.st2 through a deploy', () => {
  it("sends StackStorm's register body with the api key and reports its counts in the summary", async () => {
    const run = await deployInChat(['!pack deploy demo alpha']);
    expect(run.st2.requests).toHaveLength(1);
    const [request] = run.st2.requests;
    expect(request?.path).toBe('/api/v1/packs/register');
    expect(request?.headers['st2-api-key']).toBe(KEY);
    expect(request?.headers['x-auth-token']).toBeUndefined();
    expect(request?.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(request?.body ?? '')).toEqual({ packs: ['alpha'], fail_on_failure: true });
    expect(run.summaries).toHaveLength(1);
    expect(run.summaries[0]).toMatch(/: 1 ok, 0 failed/);
    // Runners, rule types and policy types StackStorm re-registers are its own, not the pack's.
    expect(run.summaries[0]).toMatch(/registered 2 actions, 1 rule, 1 sensor\b/);
    expect(run.summaries[0]).not.toMatch(/runner/);
    await neverLeaks(KEY, run);
  });

  it('rolls back when StackStorm refuses a file (400), naming the file, and registers the previous release again', async () => {
    const run = await deployInChat(['!pack deploy demo alpha', '!pack deploy demo alpha feature', '!pack status alpha']);
    expect(run.summaries).toHaveLength(2);
    const failed = run.summaries[1] ?? '';
    expect(failed).toMatch(/0 ok, 1 failed/);
    // One line for the pack: the file relative to it (the server's own path stays on the server).
    expect(failed).toMatch(/\n↩ alpha 2\.0\.0 — StackStorm refused action actions\/legacy\.yaml of pack alpha: RunnerType mistral-v2 is not found\.[^\n]* — rolled back to 1\.0\.0-[^\n]*, registered with StackStorm again$/m);
    expect(failed).not.toContain('/opt/stackstorm');
    expect(run.texts.find((t) => /is active: release/.test(t))).toMatch(/^alpha 1\.0\.0 is active/);
    // StackStorm saw part of 2.0.0: the release back on disk is registered again.
    expect(run.st2.requests.map((r) => r.status)).toEqual([200, 400, 200]);
    expect(JSON.parse(run.st2.requests[2]?.body ?? '')).toEqual({ packs: ['alpha'], fail_on_failure: true });
    await neverLeaks(KEY, run);
  });

  it('says which credential StackStorm refused (401), and removes a first install again', async () => {
    const wrong = 'st2-api-key-revoked-77c0e19d';
    const run = await deployInChat(['!pack deploy demo alpha'], { env: { ST2_API_KEY: wrong } });
    expect(run.st2.requests.map((r) => r.status)).toEqual([401]);
    const summary = run.summaries[0] ?? '';
    expect(summary).toMatch(/↩ alpha 1\.0\.0 — StackStorm refused register\.st2\.api_key \(401 Unauthorized/);
    expect(summary).toMatch(/removed again/);
    await neverLeaks(wrong, run);
  });

  it('names register.st2.auth_token when the token has expired', async () => {
    const token = 'c0ffee00d15ea5e0b0a7f00d12345678';
    const run = await deployInChat(['!pack deploy demo alpha'], {
      credential: 'auth_token: "${ST2_AUTH_TOKEN}"', env: { ST2_AUTH_TOKEN: token }, st2: { expiredTokens: [token] },
    });
    expect(run.st2.requests[0]?.headers['x-auth-token']).toBe(token);
    expect(run.st2.requests[0]?.headers['st2-api-key']).toBeUndefined();
    expect(run.summaries[0]).toMatch(/StackStorm refused register\.st2\.auth_token \(401 Unauthorized - Token has expired\.\)/);
    await neverLeaks(token, run);
  });
});

/** register.st2 called directly, for the answers a deploy needs no repository to meet. */
async function registerWith(st2: string, packsDir: string) {
  const dir = await tempDir('packbot-st2-direct-');
  const rt = await testRuntime(`state_dir: ./var\npacks_dir: ${JSON.stringify(packsDir)}\nregister:\n  st2: {${st2}}\n`, dir, { ST2_API_KEY: KEY });
  const masker = createMasker([KEY]);
  return registerPacks(['alpha'], { config: rt.config, masker }).then(
    (counts) => ({ counts, error: null }),
    (err: unknown) => {
      expect(err).toBeInstanceOf(PackbotError);
      const message = (err as PackbotError).message;
      expect(message).not.toContain(KEY);
      expect(message.split('\n')).toHaveLength(1);
      return { counts: null, error: message };
    },
  );
}

describe('register.st2 answers', () => {
  it('sends the configured types and fail_on_failure, and returns the counts', async () => {
    const packsDir = await tempDir('packbot-st2-packs-');
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(path.join(packsDir, 'alpha', 'actions'), { recursive: true });
    await writeFile(path.join(packsDir, 'alpha', 'actions', 'a.yaml'), 'name: a\nrunner_type: local-shell-cmd\n');
    await writeFile(path.join(packsDir, 'alpha', 'actions', 'b.yaml'), 'name: b\n');
    const st2 = await startFakeSt2({ packsDir, apiKeys: [KEY] });
    servers.push(st2);
    const r = await registerWith(`url: "${st2.origin}/api/", api_key: "\${ST2_API_KEY}", types: [actions], fail_on_failure: false`, packsDir);
    expect(JSON.parse(st2.requests[0]?.body ?? '')).toEqual({ packs: ['alpha'], types: ['actions'], fail_on_failure: false });
    expect(st2.requests[0]?.path).toBe('/api/v1/packs/register');
    expect(r.counts).toEqual({ runners: 14, actions: 1 });
  });

  it('explains a 403 (RBAC), a 404 (wrong url), a pack StackStorm does not have, and a refused connection', async () => {
    const packsDir = await tempDir('packbot-st2-packs-');
    const denied = await startFakeSt2({ packsDir, apiKeys: [KEY], denyRegister: true });
    servers.push(denied);
    expect((await registerWith(`url: "${denied.url}", api_key: "\${ST2_API_KEY}"`, packsDir)).error)
      .toMatch(/StackStorm refused register\.st2\.api_key's user the pack_register permission \(403: User "packbot" doesn't have required permission "pack_register"\)/);
    expect((await registerWith(`url: "${denied.origin}/st2", api_key: "\${ST2_API_KEY}"`, packsDir)).error)
      .toMatch(/answered 404 at http:\/\/127\.0\.0\.1:\d+\/st2\/v1\/packs\/register.*register\.st2\.url/);
    const fine = await startFakeSt2({ packsDir, apiKeys: [KEY] });
    servers.push(fine);
    expect((await registerWith(`url: "${fine.url}", api_key: "\${ST2_API_KEY}"`, packsDir)).error)
      .toMatch(/StackStorm has no pack alpha in its packs directory.*packs_dir/);
    await fine.close();
    expect((await registerWith(`url: "${fine.url}", api_key: "\${ST2_API_KEY}"`, packsDir)).error)
      .toMatch(/^cannot reach StackStorm at http:\/\/127\.0\.0\.1:\d+\/api \(connection refused\)/);
  });

  it('gives up on a StackStorm that does not answer within register.st2.timeout, and on an answer that is not its counts', async () => {
    const packsDir = await tempDir('packbot-st2-packs-');
    const silent = createServer(() => undefined);
    const html = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Sign in</html>'));
    for (const s of [silent, html]) {
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      servers.push({ close: () => new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); }) });
    }
    const port = (s: typeof silent) => (s.address() as AddressInfo).port;
    expect((await registerWith(`url: "http://127.0.0.1:${port(silent)}/api", api_key: "\${ST2_API_KEY}", timeout: 1s`, packsDir)).error)
      .toMatch(/^StackStorm at http:\/\/127\.0\.0\.1:\d+\/api did not answer within 1s \(register\.st2\.timeout\)/);
    expect((await registerWith(`url: "http://127.0.0.1:${port(html)}/api", api_key: "\${ST2_API_KEY}"`, packsDir)).error)
      .toMatch(/answered 200 without StackStorm's register counts.*register\.st2\.url/);
  });
});
