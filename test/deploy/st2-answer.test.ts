import { describe, expect, it } from 'vitest';
import { failureMessage, oneLine, relativePaths } from '../../src/services/deploy/st2-answer.js';
import { registeredText } from '../../src/interfaces/presenter/deploy-view.js';

const ctx = { base: 'https://st2.example.com/api', endpoint: 'https://st2.example.com/api/v1/packs/register', credential: 'api_key' as const, packs: ['alpha'] };
const fault = (faultstring: string) => JSON.stringify({ faultstring });

describe("StackStorm's register answers, in one line", () => {
  it('names a refused file relative to its pack, without jsonschema\'s schema dump', () => {
    const dump = `'runner_type' is a required property\n\nFailed validating 'required' in schema:\n    {"type": "object"}\n\nOn instance:\n    {"name": "x"}`;
    expect(failureMessage(400, fault(`Failed to register action "/opt/stackstorm/packs/alpha/actions/x.yaml" from pack "alpha": ${dump}`), ctx))
      .toBe("StackStorm refused action actions/x.yaml of pack alpha: 'runner_type' is a required property");
  });

  it("keeps PyYAML's position, with the file relative, and a config by its place in configs/", () => {
    const yaml = 'while parsing a block mapping\n  in "/opt/stackstorm/packs/alpha/rules/r.yaml", line 2, column 1\nexpected <block end>';
    expect(failureMessage(400, fault(`Failed to register rule "/opt/stackstorm/packs/alpha/rules/r.yaml" from pack "alpha": ${yaml}`), ctx))
      .toBe('StackStorm refused rule rules/r.yaml of pack alpha: while parsing a block mapping in "rules/r.yaml", line 2, column 1 expected <block end>');
    expect(failureMessage(400, fault('Failed to register config "/opt/stackstorm/configs/alpha.yaml" for pack "alpha": bad'), ctx))
      .toBe('StackStorm refused config configs/alpha.yaml of pack alpha: bad');
  });

  it('cuts any other server path to its file name, and leaves URLs alone', () => {
    expect(relativePaths('see /var/log/st2/st2api.log and https://docs.stackstorm.com/a/b.html', ['alpha']))
      .toBe('see st2api.log and https://docs.stackstorm.com/a/b.html');
    expect(oneLine('x'.repeat(400), [])).toHaveLength(300);
  });

  it('says which credential a 401 refused, and reads a non-StackStorm error body as nothing said', () => {
    expect(failureMessage(401, fault('Unauthorized - API key is disabled.'), ctx))
      .toBe('StackStorm refused register.st2.api_key (401 Unauthorized - API key is disabled.): check that the key exists and is enabled (`st2 apikey list`)');
    expect(failureMessage(401, '<html>401</html>', { ...ctx, credential: 'auth_token' }))
      .toMatch(/^StackStorm refused register\.st2\.auth_token \(401 Unauthorized\): auth tokens expire/);
    expect(failureMessage(502, '<html>Bad Gateway</html>', ctx)).toBe("StackStorm failed to register alpha (502); st2api's log has the cause");
  });
});

describe('registered counts in a summary', () => {
  it("lists the pack's content, singular or plural, without StackStorm's own runners and types", () => {
    expect(registeredText({ runners: 14, rule_types: 2, policy_types: 6, triggers: 0, sensors: 1, actions: 12, rules: 2, aliases: 0, policies: 0, configs: 0 }))
      .toBe('registered 12 actions, 2 rules, 1 sensor');
    expect(registeredText({ runners: 14, actions: 0 })).toBe('registered no actions, rules or sensors');
    expect(registeredText(undefined)).toBe('');
  });
});
