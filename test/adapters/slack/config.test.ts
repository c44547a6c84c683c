import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/domain/config/index.js';
import { rejectedConfig } from '../../helpers/config.js';
import type { PackbotError } from '../../../src/core/errors.js';

const file = '/srv/packbot/packbot.yaml';

const rejected = (text: string): PackbotError => rejectedConfig(text, file);

describe('config: server and adapters.slack', () => {
  it('fills the server defaults and leaves server out when it is not written', () => {
    expect(parseConfig('server: {}\n', { file, env: {} }).config.server).toEqual({
      host: '127.0.0.1', port: 3000, body_limit: 5 * 1024 * 1024, webhooks: {},
      timeouts: { headers: 10_000, request: 30_000, idle: 30_000, keep_alive: 5_000 }, webhook_replay_window: 7 * 24 * 3600_000,
    });
    expect(parseConfig('server: {host: 0.0.0.0, port: 8080}\n', { file, env: {} }).config.server).toMatchObject({ host: '0.0.0.0', port: 8080 });
    expect(parseConfig('', { file, env: {} }).config.server).toBeUndefined();
  });

  it('reports every server and slack problem at once, one line each, naming the fix', () => {
    const err = rejected(['adapters:', '  slack: {bot_token: xoxb-secret-1, mode: socket}', 'server: {host: "", port: 70000, hots: x, webhooks: {github: {}, gitlab: {}, gitea: {secret: s}}}'].join('\n'));
    const paths = err.details.map((d) => d.split(' ')[2]);
    expect(paths).toEqual(expect.arrayContaining([
      'server.host:', 'server.port:', 'server.hots:', 'adapters.slack.app_token:',
      'server.webhooks.github.secret:', 'server.webhooks.gitlab:', 'server.webhooks.gitea:',
    ]));
    expect(err.details.find((d) => d.includes('server.webhooks.gitlab:'))).toMatch(/set token .* or signing_secret/);
    for (const d of err.details) expect(d).not.toContain('\n');
    expect(err.details.find((d) => d.includes('server.port'))).toMatch(/port number from 0 to 65535/);
    expect(err.details.find((d) => d.includes('app_token'))).toMatch(/socket mode needs app_token/);
    expect(err.describe()).not.toContain('xoxb-secret-1');
  });

  it('asks for signing_secret in http mode', () => {
    const err = rejected('adapters:\n  slack: {bot_token: xoxb-test-1, mode: http}\n');
    expect(err.details).toHaveLength(1);
    expect(err.details[0]).toMatch(/adapters\.slack\.signing_secret: http mode needs signing_secret/);
  });

  it('takes api_url (GovSlack, an egress proxy, a test double) in either mode, and reports a bad one with the rest', () => {
    for (const mode of ['socket', 'http']) {
      const config = parseConfig(`adapters:\n  slack: {bot_token: xoxb-test-1, app_token: xapp-test-1, signing_secret: signing-test-1, mode: ${mode}, api_url: "https://slack-gov.com/api/"}\n`, { file, env: {} }).config;
      expect(config.adapters.slack?.api_url).toBe('https://slack-gov.com/api/');
    }
    const err = rejected('adapters:\n  slack: {bot_token: xoxb-secret-2, mode: http, api_url: "file:///etc/passwd"}\n');
    expect(err.details.map((d) => d.split(' ')[2])).toEqual(expect.arrayContaining(['adapters.slack.api_url:', 'adapters.slack.signing_secret:']));
    expect(err.describe()).not.toContain('xoxb-secret-2');
  });
});
