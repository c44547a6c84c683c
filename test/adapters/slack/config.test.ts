import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/index.js';
import { rejectedConfig } from '../../helpers/config.js';
import type { PackbotError } from '../../../src/errors.js';

const file = '/srv/packbot/packbot.yaml';

const rejected = (text: string): PackbotError => rejectedConfig(text, file);

describe('config: http and adapters.slack', () => {
  it('fills the http defaults and leaves http out when it is not written', () => {
    expect(parseConfig('http: {}\n', { file, env: {} }).config.http).toEqual({ host: '127.0.0.1', port: 3000 });
    expect(parseConfig('http: {host: 0.0.0.0, port: 8080}\n', { file, env: {} }).config.http).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(parseConfig('', { file, env: {} }).config.http).toBeUndefined();
  });

  it('reports every http and slack problem at once, one line each, naming the fix', () => {
    const err = rejected(['adapters:', '  slack: {bot_token: xoxb-secret-1, mode: socket}', 'http: {host: "", port: 70000, hots: x}'].join('\n'));
    const paths = err.details.map((d) => d.split(' ')[2]);
    expect(paths).toEqual(expect.arrayContaining(['http.host:', 'http.port:', 'http.hots:', 'adapters.slack.app_token:']));
    for (const d of err.details) expect(d).not.toContain('\n');
    expect(err.details.find((d) => d.includes('http.port'))).toMatch(/port number from 0 to 65535/);
    expect(err.details.find((d) => d.includes('app_token'))).toMatch(/socket mode needs app_token/);
    expect(err.describe()).not.toContain('xoxb-secret-1');
  });

  it('asks for signing_secret in http mode', () => {
    const err = rejected('adapters:\n  slack: {bot_token: xoxb-1, mode: http}\n');
    expect(err.details).toHaveLength(1);
    expect(err.details[0]).toMatch(/adapters\.slack\.signing_secret: http mode needs signing_secret/);
  });
});
