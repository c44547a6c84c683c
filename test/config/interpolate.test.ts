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

  it('does not interpolate the env of the process', () => {
    process.env['PACKBOT_TEST_ONLY_IN_PROCESS'] = 'leak';
    try {
      expect(() => parseConfig('bot: {name: "${PACKBOT_TEST_ONLY_IN_PROCESS}"}', { file, env: {} })).toThrow(PackbotError);
    } finally {
      delete process.env['PACKBOT_TEST_ONLY_IN_PROCESS'];
    }
  });
});
