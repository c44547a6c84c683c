import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { registerPacks } from '../../src/services/deploy/register.js';
import { createMasker, MASK } from '../../src/core/masking/index.js';
import { PackbotError } from '../../src/core/errors.js';
import { tempDir } from '../helpers/config.js';
import { testRuntime } from '../helpers/runtime.js';

const keyLines = ['-----BEGIN EC PRIVATE KEY-----', 'MHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49', 'AwEHoUQDQgAEPR3tU2Fta6Ma', 'ZWNyZXQta2V5LWJvZHk=', '-----END EC PRIVATE KEY-----'];

describe('register hook output', () => {
  it('is masked whole before its tail is quoted: a key spanning more lines than the tail still goes', async () => {
    const rt = await testRuntime('state_dir: ./var\n', await tempDir());
    const masker = createMasker(['hook-secret-value-9']);
    const script = `console.log(${JSON.stringify(['registering', ...keyLines, 'using hook-secret-value-9', 'failed'].join('\n'))}); process.exit(2);`;
    const config = { ...rt.config, register: { ...rt.config.register, command: [process.execPath, '-e', script] } };
    const err = await registerPacks(['demo'], { config, masker }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PackbotError);
    const message = (err as PackbotError).message;
    expect(message).toContain('exit 2');
    expect(message).toContain(`using ${MASK}`);
    for (const line of keyLines.slice(1, -1)) expect(message).not.toContain(line);
    expect(message).not.toContain('hook-secret-value-9');
  });

  it('an HTTP hook\'s error body is masked whole too', async () => {
    const rt = await testRuntime('state_dir: ./var\n', await tempDir());
    const masker = createMasker();
    const body = ['error', ...keyLines, 'bye'].join('\n');
    const server = createServer((_req, res) => res.writeHead(500).end(body));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const config = { ...rt.config, register: { env: {}, http: { url: `http://127.0.0.1:${port}/api/v1/packs/register`, headers: {} } } };
    const err = await registerPacks(['demo'], { config, masker }).catch((e: unknown) => e);
    server.close();
    expect((err as PackbotError).message).toContain('answered 500');
    for (const line of keyLines.slice(1, -1)) expect((err as PackbotError).message).not.toContain(line);
  });
});

describe('register hook environment', () => {
  it("gets packbot's environment without its credentials, plus exactly what register.env passes", async () => {
    const dir = await tempDir();
    const out = `${dir}/env.json`;
    const rt = await testRuntime([
      'state_dir: ./var',
      'repositories: {demo: {repo: "https://example.invalid/demo.git", token: "${REPO_TOKEN}"}}',
      'register: {env: {ST2_API_KEY: "${ST2_API_KEY}"}}',
    ].join('\n'), dir, { REPO_TOKEN: 'repo-token-value-0123', ST2_API_KEY: 'st2-key-value-4567' });
    const script = `require("fs").writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.env))`;
    const config = { ...rt.config, register: { ...rt.config.register, command: [process.execPath, '-e', script, '{packs}'] } };
    const base = {
      PATH: process.env['PATH'] ?? '', HOME: '/home/packbot', LANG: 'C.UTF-8',
      REPO_TOKEN: 'repo-token-value-0123', GITHUB_TOKEN: 'ghp_UnregisteredButShaped0123456789abcdef', SLACK_BOT_TOKEN: 'xoxb-1-2-shapedtoken',
    };
    const saved = { ...process.env };
    Object.assign(process.env, base);
    try {
      await registerPacks(['alpha', 'beta'], { config, masker: rt.masker });
    } finally {
      for (const key of Object.keys(base)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
    const { readFile } = await import('node:fs/promises');
    const env = JSON.parse(await readFile(out, 'utf8')) as Record<string, string>;
    expect(env).toMatchObject({ HOME: '/home/packbot', LANG: 'C.UTF-8', ST2_API_KEY: 'st2-key-value-4567', PACKBOT_PACKS: 'alpha,beta' });
    expect(Object.keys(env)).not.toContain('REPO_TOKEN');
    expect(Object.keys(env)).not.toContain('GITHUB_TOKEN');
    expect(Object.keys(env)).not.toContain('SLACK_BOT_TOKEN');
    expect(JSON.stringify(env)).not.toContain('repo-token-value-0123');
  });
});
