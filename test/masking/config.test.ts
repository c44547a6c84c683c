import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/app.js';
import { checkPackConfig } from '../../src/domain/packs/index.js';
import { headerCredentials } from '../../src/domain/config/derived-secrets.js';
import { installedPackSecrets } from '../../src/domain/packstore/pack-secrets.js';
import { MASK } from '../../src/core/masking/index.js';
import { tempDir } from '../helpers/config.js';
import { testRuntime } from '../helpers/runtime.js';

const basic = Buffer.from('st2admin:basic-pass-123').toString('base64');

describe('secrets from packbot.yaml reach the app masker', () => {
  it('adapter tokens, repo tokens, header values and the credential inside them, URL passwords', async () => {
    const yaml = [
      'state_dir: ./var',
      'adapters:',
      '  slack: {bot_token: "${SLACK_BOT}", app_token: "app-level-token-1", signing_secret: "signing-secret-2", user_token: "user-token-12"}',
      '  discord: {token: "discord-token-3"}',
      'server:',
      '  webhooks: {github: {secret: "gh-hook-secret-9"}, bitbucket: {secret: "bb-hook-secret-10"}, gitlab: {token: "gl-token-11", signing_secret: "whsec_Z2wtc2lnbi0xMg=="}}',
      'repositories:',
      '  r: {repo: "https://git.example.com/r.git", token: "${REPO_TOKEN}", username: deployer}',
      'register:',
      '  http:',
      '    url: "https://hook:url-pass-4@st2.example.com/api/v1/packs/register?api_key=${ST2_QUERY_KEY}&pretty=1"',
      '    headers: {Authorization: "Bearer ${ST2_KEY}", X-Other: "Basic ' + basic + '"}',
    ].join('\n');
    const env = { SLACK_BOT: 'bot-token-from-env-5', REPO_TOKEN: 'repo-token-from-env-6', ST2_KEY: 'st2-api-key-7', ST2_QUERY_KEY: 'query-api-key-8' };
    const rt = await testRuntime(yaml, await tempDir(), env);
    await createApp(rt.config, { ...rt, adapters: [] });
    const values = ['bot-token-from-env-5', 'app-level-token-1', 'signing-secret-2', 'discord-token-3', 'repo-token-from-env-6',
      'st2-api-key-7', 'url-pass-4', 'query-api-key-8', 'basic-pass-123', 'st2admin:basic-pass-123',
      'gh-hook-secret-9', 'bb-hook-secret-10', 'gl-token-11', 'whsec_Z2wtc2lnbi0xMg==', 'user-token-12'];
    for (const value of values) {
      // Bare, where no shape would catch it: only the registry can.
      expect(rt.masker.mask(`x ${value} y`)).toBe(`x ${MASK} y`);
    }
    // The basic-auth header git builds from username + token.
    const header = Buffer.from('deployer:repo-token-from-env-6').toString('base64');
    expect(rt.masker.mask(header)).not.toContain(header.slice(12, 28));
  });

  it('headerCredentials: only a "<scheme> <credential>" value yields its credential', () => {
    expect(headerCredentials('Bearer abc.def')).toEqual(['abc.def']);
    expect(headerCredentials('token  t0k3n ')).toEqual(['t0k3n']);
    expect(headerCredentials(`Basic ${basic}`)).toEqual([basic, 'st2admin:basic-pass-123', 'basic-pass-123']);
    expect(headerCredentials('application/json')).toEqual([]);
    expect(headerCredentials('two words')).toEqual([]);
  });
});

const SCHEMA = `
api_key: {type: string, secret: true}
pin: {type: integer, secret: true}
oauth: {type: object, secret: true}
name: {type: string}
`;
const CONFIG = `
api_key: pack-api-key-1
pin: 987654
oauth: {client_id: client-id-2, client_secret: client-secret-3, scopes: [read-scope-4]}
name: not-a-secret
`;

async function installedPack(packsDir: string, configsDir: string, name: string): Promise<void> {
  const release = path.join(packsDir, '.releases', name, 'r1');
  await mkdir(release, { recursive: true });
  await writeFile(path.join(release, 'config.schema.yaml'), SCHEMA);
  await writeFile(path.join(release, 'pack.yaml'), `ref: ${name}\nname: ${name}\nversion: 1.0.0\n`);
  await symlink(release, path.join(packsDir, name));
  await mkdir(configsDir, { recursive: true });
  await writeFile(path.join(configsDir, `${name}.yaml`), CONFIG);
}

describe('pack config secrets (secret: true in config.schema.yaml)', () => {
  it('takes string, number and nested values of secret keys, nothing else', async () => {
    const dir = await tempDir();
    await installedPack(path.join(dir, 'packs'), path.join(dir, 'configs'), 'mon');
    const check = await checkPackConfig({ ref: 'mon', packDir: path.join(dir, 'packs', 'mon'), configsDir: path.join(dir, 'configs') });
    expect([...check.secrets].sort()).toEqual(['987654', 'client-id-2', 'client-secret-3', 'pack-api-key-1', 'read-scope-4']);
    expect(await installedPackSecrets(path.join(dir, 'packs'), path.join(dir, 'configs'))).toEqual(check.secrets);
    expect(await installedPackSecrets(path.join(dir, 'nowhere'), path.join(dir, 'configs'))).toEqual([]);
  });

  it('the app registers the secrets of packs installed before it started', async () => {
    const dir = await tempDir();
    const rt = await testRuntime('state_dir: ./var\n', dir);
    await installedPack(rt.config.packs_dir, rt.config.configs_dir, 'mon');
    expect(rt.masker.mask('key pack-api-key-1')).toBe('key pack-api-key-1');
    const app = await createApp(rt.config, { ...rt, adapters: [] });
    await app.start();
    try {
      expect(rt.masker.mask('key pack-api-key-1, pin 987654, client-secret-3, not-a-secret')).toBe(`key ${MASK}, pin ${MASK}, ${MASK}, not-a-secret`);
    } finally {
      await app.stop();
    }
  });
});
