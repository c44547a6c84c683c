import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/domain/config/index.js';
import { configSecrets } from '../../src/domain/config/derived-secrets.js';
import { rejectedConfig } from '../helpers/config.js';

const file = '/srv/packbot/packbot.yaml';
const KEY = 'st2-api-key-from-env-9c41d2';

describe('register.st2', () => {
  it('reads the API url and a key from the environment, registered for masking; fail_on_failure defaults to true', () => {
    const { config, secrets } = parseConfig('register:\n  st2: {url: "https://st2.example.com/api", api_key: "${ST2_API_KEY}"}\n', { file, env: { ST2_API_KEY: KEY } });
    expect(config.register.st2).toEqual({ url: 'https://st2.example.com/api', api_key: KEY, fail_on_failure: true });
    expect(secrets).toContain(KEY);
    expect(configSecrets(config)).toContain(KEY);
  });

  it('takes an auth token, the content types to register, fail_on_failure and a timeout', () => {
    const token = 'c0ffee00d15ea5e0b0a7f00d12345678';
    const { config } = parseConfig([
      'register:',
      '  st2:',
      '    url: "http://127.0.0.1:9101"',
      `    auth_token: ${token}`,
      '    types: [actions, rules, aliases]',
      '    fail_on_failure: false',
      '    timeout: 30s',
    ].join('\n'), { file, env: {} });
    expect(config.register.st2).toEqual({ url: 'http://127.0.0.1:9101', auth_token: token, types: ['actions', 'rules', 'aliases'], fail_on_failure: false, timeout: 30_000 });
    expect(configSecrets(config)).toContain(token);
  });

  it('reports every problem at once, naming keys and never the credential', () => {
    const err = rejectedConfig([
      'register:',
      '  http: {url: "https://st2.example.com/api/v1/packs/register"}',
      '  st2:',
      '    url: "https://admin:hunter2hunter2@st2.example.com/api"',
      `    api_key: ${KEY}`,
      '    auth_token: c0ffee00d15ea5e0b0a7f00d12345678',
      '    types: [actions, workflows]',
      '    fail_on_failure: sometimes',
    ].join('\n'), file);
    const text = err.describe();
    expect(text).toMatch(/register\.st2\.url: .*user or password/);
    expect(text).toMatch(/register\.st2\.types\[1\]: .*actions/);
    expect(text).toMatch(/register\.st2\.fail_on_failure: expected true or false/);
    expect(text).toMatch(/register\.st2: set api_key or auth_token, not both/);
    expect(text).toMatch(/register\.http: .*register\.st2/);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('c0ffee00d15ea5e0b0a7f00d12345678');
    expect(text).not.toContain('hunter2');
  });

  it('needs one credential, long enough to mask', () => {
    expect(rejectedConfig('register: {st2: {url: "https://st2.example.com/api"}}', file).describe())
      .toMatch(/register\.st2\.api_key: register\.st2 needs api_key \(sent as St2-Api-Key; `st2 apikey create`\) or auth_token \(sent as X-Auth-Token\)/);
    expect(rejectedConfig('register: {st2: {url: "https://st2.example.com/api", api_key: "k3y"}}', file).describe())
      .toMatch(/register\.st2\.api_key: is a secret shorter than 8 characters/);
  });

  it('runs alongside register.command', () => {
    const { config } = parseConfig('register: {command: [st2ctl, reload], st2: {url: "https://st2.example.com/api", api_key: "${K}"}}', { file, env: { K: KEY } });
    expect(config.register.command).toEqual(['st2ctl', 'reload']);
    expect(config.register.st2?.api_key).toBe(KEY);
  });
});
