/**
 * Issue 15, finding 7: the leaks the first round missed. Each case plants a secret, makes the
 * path that leaked it run (or the config that allowed it load), and greps every sink: chat,
 * logs, history and every file under the bot's directory (packbot.yaml's dir and state_dir).
 */
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startConsoleBot, type ConsoleBot } from '../helpers/bot.js';
import { rejectedConfig } from '../helpers/config.js';
import { pack } from '../helpers/deploy.js';
import { createRepo, filesContaining } from '../helpers/git-repo.js';

/** What a bot said and logged, with the history it recorded. */
async function sinks(bot: ConsoleBot, lines: string[]): Promise<string> {
  const out = await bot.converse(lines);
  return [out.map((m) => m.text).join('\n'), bot.logs()].join('\n');
}

function configProblems(err: { message: string; details?: readonly string[] }): string {
  return [err.message, ...(err.details ?? [])].join('\n');
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('leaks, round two', () => {
  it('refuses a token in a repository URL\'s query string, naming the key and the fix, never the token', () => {
    const token = 'glqs-QueryStringToken-0123456789';
    const err = rejectedConfig([
      'repositories:',
      `  private: {repo: "https://git.example/x.git?private_token=${token}"}`,
      `  other: {repo: "https://git.example/y.git?ref=main&access_token=${token}"}`,
      `url_allowlist: ["https://git.example/packs/?token=${token}"]`,
      `registry: {indexes: [{url: "https://index.example/v1/index.json?api_key=${token}"}]}`,
    ].join('\n'));
    const text = configProblems(err);
    expect(text).toMatch(/repositories\.private\.repo: .*query string.*repositories\.private\.token/);
    expect(text).toMatch(/repositories\.other\.repo: .*repositories\.other\.token/);
    expect(text).toMatch(/url_allowlist\[0\]: .*credentials/);
    expect(text).toMatch(/registry\.indexes\[0\]\.url: .*credentials/);
    expect(text).not.toContain(token);
    expect(text).not.toContain('QueryStringToken');
  });

  it('gives register hooks an allow-listed environment: the process\'s credentials stay out, register.env arrives', async () => {
    const aws = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYLeakAwsSecret';
    const db = 'hunter2-db-password-leak-77';
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', aws);
    vi.stubEnv('DB_PASSWORD', db);
    vi.stubEnv('LC_TIME', 'C.UTF-8');
    const repo = await createRepo({ files: pack('envy') });
    // Prints its whole environment (the wanted variables first) and fails, as a broken st2 CLI would.
    const hook = 'const e = process.env; const first = ["ST2_BASE_URL", "ST2_API_KEY", "LC_TIME"];'
      + ' console.error([...first, ...Object.keys(e).filter((k) => !first.includes(k)).sort()].map((k) => k + "=" + e[k]).join(" ")); process.exit(3);';
    const bot = await startConsoleBot([
      'state_dir: ./var', 'log: {level: debug}',
      'repositories:', `  demo: {repo: ${JSON.stringify(repo.url)}, branch: main}`,
      'register:',
      `  command: [${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(hook)}, "{packs}"]`,
      '  env: {ST2_BASE_URL: "http://127.0.0.1:9101", ST2_API_KEY: "${ST2_API_KEY}"}',
    ].join('\n'), { ST2_API_KEY: 'st2-api-key-from-the-environment-42' });
    const text = await sinks(bot, ['!pack deploy demo envy', '!pack history envy']);
    expect(text).toMatch(/register command .* failed \(exit 3\): ST2_BASE_URL=http:\/\/127\.0\.0\.1:9101 ST2_API_KEY=\*\*\* LC_TIME=C\.UTF-8/);
    for (const leaked of [aws, db, 'AWS_SECRET_ACCESS_KEY', 'DB_PASSWORD', 'st2-api-key-from-the-environment-42']) {
      expect(text.includes(leaked), `${leaked} in chat or logs`).toBe(false);
      expect(await filesContaining(bot.dir, [leaked]), `${leaked} in a file`).toEqual([]);
    }
  }, 120_000);

  it('masks an operator\'s PIP_INDEX_URL token when pip fails', async () => {
    const queryToken = 'pipQueryTokenLeak0123456789';
    const userToken = 'pipUserinfoTokenLeak0123456';
    const env = {
      PIP_INDEX_URL: `http://127.0.0.1:9/simple?private_token=${queryToken}`,
      PIP_EXTRA_INDEX_URL: `http://${userToken}:@127.0.0.1:9/extra/`,
      PIP_RETRIES: '0',
    };
    // The process's environment is what pip gets; the same environment is what the config is loaded with.
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    const repo = await createRepo({
      files: pack('pyidx', { extra: { 'packs/pyidx/requirements.txt': 'no-such-package-packbot-idx==1.0\n' } }),
    });
    const bot = await startConsoleBot([
      'state_dir: ./var', 'log: {level: debug}', 'envs: {python: venv}',
      'repositories:', `  demo: {repo: ${JSON.stringify(repo.url)}, branch: main}`,
    ].join('\n'), env);
    const text = await sinks(bot, ['!pack deploy demo pyidx', '!pack history pyidx']);
    expect(text).toMatch(/✗ pyidx/);
    expect(text).toContain('127.0.0.1:9');
    for (const token of [queryToken, userToken]) {
      expect(text.includes(token), `${token} in chat or logs`).toBe(false);
      expect(await filesContaining(bot.dir, [token]), `${token} in a file`).toEqual([]);
    }
  }, 180_000);

  it('shows no prefix of a long registered secret quoted (and cut) in a validation error', async () => {
    const secret = `Zq7vLongRegisteredSecret${'x9Y8w7V6u5'.repeat(7)}K4j3h2`;
    expect(secret.length).toBe(100);
    const manifest = `---\nref: longv\nname: longv\ndescription: The longv pack.\nversion: 1.0.0\nauthor: Ada\npython_versions: [${JSON.stringify(secret)}]\n`;
    const repo = await createRepo({ files: pack('longv', { extra: { 'packs/longv/pack.yaml': manifest } }) });
    const bot = await startConsoleBot([
      'state_dir: ./var', 'log: {level: debug}',
      'repositories:', `  demo: {repo: ${JSON.stringify(repo.url)}, branch: main}`,
      'register: {env: {ST2_API_KEY: "${ST2_API_KEY}"}}',
    ].join('\n'), { ST2_API_KEY: secret });
    const text = await sinks(bot, ['!pack deploy demo longv', '!pack history longv']);
    expect(text).toMatch(/python_versions\[0\]: expected "2" or "3"/);
    for (const prefix of [secret.slice(0, 12), secret.slice(0, 30)]) {
      expect(text.includes(prefix), `prefix ${prefix} in chat or logs`).toBe(false);
    }
    // The pack's own files hold the secret; packbot's state (store, history, logs) must not.
    expect(await filesContaining(path.join(bot.app.config.state_dir, 'state'), [secret.slice(0, 12)])).toEqual([]);
  }, 120_000);

  it('refuses a registered secret shorter than 8 characters, naming the key, never the value', () => {
    const err = rejectedConfig([
      'adapters: {console: {}}',
      'repositories:',
      '  private: {repo: "https://git.example/x.git", token: "${REPO_TOKEN}"}',
      'register:',
      '  env: {ST2_API_KEY: "k3y9z", ST2_BASE_URL: "http://st2"}',
      '  http: {url: "http://127.0.0.1:9101/api/v1/packs/register", headers: {Authorization: "Bearer b7x2q"}}',
    ].join('\n'), '/srv/packbot/packbot.yaml', { REPO_TOKEN: 't0k3n' });
    const text = configProblems(err);
    expect(text).toMatch(/repositories\.private\.token: .*shorter than 8 characters/);
    expect(text).toMatch(/register\.env\.ST2_API_KEY: .*shorter than 8 characters/);
    expect(text).toMatch(/register\.http\.headers\.Authorization: .*shorter than 8 characters/);
    expect(text).not.toMatch(/ST2_BASE_URL/);
    for (const value of ['t0k3n', 'k3y9z', 'b7x2q']) expect(text).not.toContain(value);
  });
});
