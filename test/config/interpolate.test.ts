import { describe, expect, it } from 'vitest';
import { interpolateString, interpolateTree } from '../../src/domain/config/interpolate.js';
import { parseConfig } from '../../src/domain/config/index.js';
import { PackbotError } from '../../src/core/errors.js';

const env = { SET: 'value', EMPTY: '' };

describe('interpolateString', () => {
  it.each([
    ['plain', 'plain'],
    ['${SET}', 'value'],
    ['a-${SET}-b', 'a-value-b'],
    ['${UNSET:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${SET:-fallback}', 'value'],
    ['${UNSET:-}', ''],
    ['$${SET}', '${SET}'],
    ['cost $5', 'cost $5'],
    ['$SET', '$SET'],
    ['${SET}${SET}', 'valuevalue'],
  ])('%j → %j', (text, out) => {
    const r = interpolateString(text, env);
    expect(r).toMatchObject({ ok: true, value: out });
  });

  it.each([
    ['${UNSET}', 'environment variable UNSET is not set'],
    ['${SET', 'unterminated'],
    ['${1BAD}', 'invalid environment variable name'],
    ['${}', 'invalid environment variable name'],
  ])('%j fails with %j', (text, message) => {
    const r = interpolateString(text, env);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
  });
});

describe('interpolateTree', () => {
  it('reports every unset variable with its path and leaves keys alone', () => {
    const r = interpolateTree({ '${SET}': 'x', a: ['${NOPE}', { b: '${ALSO_NOPE}' }] }, env);
    expect(r.value).toEqual({ '${SET}': 'x', a: ['${NOPE}', { b: '${ALSO_NOPE}' }] });
    expect(r.issues.map((i) => i.path)).toEqual([
      ['a', 0],
      ['a', 1, 'b'],
    ]);
  });
});

describe('interpolation in packbot.yaml', () => {
  const file = '/etc/packbot/packbot.yaml';

  it('substitutes after parsing, so a value cannot inject YAML', () => {
    const text = 'bot:\n  name: ${NAME}\n';
    const { config } = parseConfig(text, { file, env: { NAME: 'x\nprefix: "?"' } });
    expect(config.bot.name).toBe('x\nprefix: "?"');
    expect(config.bot.prefix).toBe('!');
  });

  it('applies defaults and the $${ escape', () => {
    const text = 'bot:\n  name: ${BOT_NAME:-deploybot}\n  prefix: "$${"\n';
    const { config } = parseConfig(text, { file, env: {} });
    expect(config.bot).toEqual({ name: 'deploybot', prefix: '${' });
  });

  it('reports an unset variable at its path, once', () => {
    const text = 'adapters:\n  slack:\n    bot_token: ${SLACK_BOT_TOKEN}\n    app_token: xapp-test-1\n';
    let err: unknown;
    try {
      parseConfig(text, { file, env: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PackbotError);
    const details = (err as PackbotError).details;
    expect(details).toEqual(['line 3:16 adapters.slack.bot_token: environment variable SLACK_BOT_TOKEN is not set']);
  });

  // docker compose's `VAR: ${VAR:-}` passes an unset host variable as an empty one; the schema's
  // "expected a non-empty string" alone does not say which variable to set.
  it('names a variable that is set but empty where the value it made is refused', () => {
    const text = 'adapters:\n  slack:\n    bot_token: ${SLACK_BOT_TOKEN}\n    app_token: ${SLACK_APP_TOKEN:-}\n';
    let err: unknown;
    try {
      parseConfig(text, { file, env: { SLACK_BOT_TOKEN: '', SLACK_APP_TOKEN: '' } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PackbotError);
    const details = (err as PackbotError).details ?? [];
    expect(details.filter((d) => d.includes('bot_token'))).toEqual([
      'line 3:16 adapters.slack.bot_token: expected a non-empty string (environment variable SLACK_BOT_TOKEN is set but empty)',
    ]);
    // The default applied: the variable is not what made the value empty.
    expect(details.join('\n')).not.toMatch(/SLACK_APP_TOKEN/);
  });

  it('does not interpolate the env of the process', () => {
    process.env['PACKBOT_TEST_ONLY_IN_PROCESS'] = 'leak';
    try {
      expect(() => parseConfig('bot: {name: "${PACKBOT_TEST_ONLY_IN_PROCESS}"}', { file, env: {} })).toThrow(PackbotError);
    } finally {
      delete process.env['PACKBOT_TEST_ONLY_IN_PROCESS'];
    }
  });
});
