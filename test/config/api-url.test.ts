import { describe, expect, it } from 'vitest';
import { configJsonSchema, parseConfig } from '../../src/domain/config/index.js';
import { rejectedConfig } from '../helpers/config.js';

const file = '/srv/packbot/packbot.yaml';
const parse = (text: string) => parseConfig(text, { file, env: {} }).config;

describe('config: adapters.*.api_url', () => {
  it('keeps a Slack Web API base and a Discord REST base as written, and leaves them out when absent', () => {
    const config = parse([
      'adapters:',
      '  slack: {bot_token: xoxb-test-1, app_token: xapp-test-1, api_url: "https://slack-gov.com/api/"}',
      '  discord: {token: discord-test-1, api_url: "http://egress.internal:8080/discord/api"}',
    ].join('\n'));
    expect(config.adapters.slack?.api_url).toBe('https://slack-gov.com/api/');
    expect(config.adapters.discord?.api_url).toBe('http://egress.internal:8080/discord/api');
    const plain = parse('adapters:\n  slack: {bot_token: xoxb-test-1, app_token: xapp-test-1}\n  discord: {token: discord-test-1}\n');
    expect(plain.adapters.slack).not.toHaveProperty('api_url');
    expect(plain.adapters.discord).not.toHaveProperty('api_url');
  });

  it('refuses what is not an http(s) URL, one line per field, naming an example', () => {
    const err = rejectedConfig([
      'adapters:',
      '  slack: {bot_token: xoxb-test-1, app_token: xapp-test-1, api_url: "slack-gov.com/api"}',
      '  discord: {token: discord-test-1, api_url: "ws://127.0.0.1:9/gateway"}',
    ].join('\n'), file);
    const slack = err.details.find((d) => d.includes('adapters.slack.api_url:'));
    const discord = err.details.find((d) => d.includes('adapters.discord.api_url:'));
    expect(slack).toMatch(/expected an http\(s\) URL like https:\/\/slack-gov\.com\/api\//);
    expect(discord).toMatch(/expected an http\(s\) URL like https:\/\/discord\.com\/api, got a ws: URL/);
    expect(rejectedConfig('adapters:\n  slack: {bot_token: xoxb-test-1, app_token: xapp-test-1, api_url: 42}\n', file).details[0]).toMatch(/api_url: expected an http\(s\) URL/);
  });

  it('refuses credentials in the URL without ever echoing them', () => {
    const err = rejectedConfig([
      'adapters:',
      '  slack: {bot_token: xoxb-test-1, app_token: xapp-test-1, api_url: "https://proxyuser:Pr0xyPassw0rd@egress.internal/api/"}',
      '  discord: {token: discord-test-1, api_url: "https://Pr0xyPassw0rd@egress.internal/api"}',
    ].join('\n'), file);
    expect(err.details.filter((d) => /api_url: must not carry a user or password/.test(d))).toHaveLength(2);
    expect(err.describe()).not.toContain('Pr0xyPassw0rd');
    expect(err.describe()).not.toContain('proxyuser');
  });

  it('is described in the JSON Schema', () => {
    const adapters = (configJsonSchema() as { properties: Record<string, { properties: Record<string, { properties: Record<string, { description?: string }> }> }> }).properties['adapters']!.properties;
    expect(adapters['slack']!.properties['api_url']!.description).toMatch(/Web API base URL/);
    expect(adapters['discord']!.properties['api_url']!.description).toMatch(/REST API base URL/);
  });
});
