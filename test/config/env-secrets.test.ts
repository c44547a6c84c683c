import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/domain/config/index.js';
import { isCredentialName } from '../../src/domain/config/credential-values.js';
import { environmentSecrets } from '../../src/domain/config/env-secrets.js';

describe("the environment's credentials, registered at config load", () => {
  it('takes tool credentials by shape and by name, and leaves ordinary values alone', () => {
    const found = environmentSecrets({
      PIP_INDEX_URL: 'https://__token__:pypi-Secret%2F0123@pypi.internal/simple',
      PIP_EXTRA_INDEX_URL: 'https://pypi.org/simple https://GemfuryToken0123:@pypi.fury.io/acme/',
      PIP_FIND_LINKS: 'https://files.internal/wheels/?private_token=findLinksToken0123',
      'npm_config_//registry.internal/:_authToken': 'npm-scoped-token-0123',
      npm_config__auth: Buffer.from('deployer:npm-auth-pass-0123').toString('base64'),
      npm_config_always_auth: 'true',
      NPMRC_CONTENT: '//registry.internal/:_authToken=npmrc-line-token-0123',
      https_proxy: 'http://proxyuser:proxy-pass-0123@proxy.internal:3128',
      DB_PASSWORD: 'hunter2-db-password',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY',
      GIT_AUTHOR_NAME: 'Ada Lovelace-Byron',
      SSH_AUTH_SOCK: '/tmp/ssh-XXXX/agent.1234',
      ST2_AUTH_URL: 'https://st2.internal/auth',
      GIT_URL: 'ssh://deployer-account@git.internal/x.git',
      LANG: 'C.UTF-8',
    });
    for (const secret of ['pypi-Secret%2F0123', 'pypi-Secret/0123', 'GemfuryToken0123', 'findLinksToken0123', 'npm-scoped-token-0123',
      'npm-auth-pass-0123', 'npmrc-line-token-0123', 'proxy-pass-0123', 'hunter2-db-password', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY']) {
      expect(found).toContain(secret);
    }
    for (const ordinary of ['true', 'Ada Lovelace-Byron', '/tmp/ssh-XXXX/agent.1234', 'https://st2.internal/auth', 'deployer-account', '__token__', 'C.UTF-8']) {
      expect(found).not.toContain(ordinary);
    }
  });

  it('names: credentials, not where they live', () => {
    for (const name of ['ST2_API_KEY', 'DB_PASSWORD', 'X-Auth-Token', 'Authorization', 'St2-Api-Key', 'GITHUB_TOKEN', 'npm_config__authToken', 'DB_PWD']) {
      expect(isCredentialName(name), name).toBe(true);
    }
    for (const name of ['ST2_BASE_URL', 'ST2_AUTH_URL', 'TOKEN_FILE', 'SSH_AUTH_SOCK', 'GIT_AUTHOR_NAME', 'KEYBOARD', 'X-Trace', 'PWD', 'OLDPWD']) {
      expect(isCredentialName(name), name).toBe(false);
    }
  });

  it('reach the config\'s secrets; register.env values from the environment do too, short ones aside', () => {
    const { secrets } = parseConfig([
      'register:',
      '  env: {ST2_BASE_URL: "${ST2_BASE_URL}", ST2_DEBUG: "${ST2_DEBUG}", ST2_API_KEY: "literal-api-key-0123", NOTE: "literal note value"}',
    ].join('\n'), { file: '/srv/packbot/packbot.yaml', env: { ST2_BASE_URL: 'https://st2.internal', ST2_DEBUG: '1', PIP_INDEX_URL: 'https://u:pip-pass-0123@pypi.internal/simple' } });
    expect(secrets).toEqual(expect.arrayContaining(['https://st2.internal', 'literal-api-key-0123', 'pip-pass-0123']));
    expect(secrets).not.toContain('1');
    expect(secrets).not.toContain('literal note value');
  });
});
