import { describe, expect, it } from 'vitest';
import { isPackbotError } from '../../src/core/errors.js';
import { assertDependencies, parseDependency, planDependencies, type DeployingPack } from '../../src/domain/packs/index.js';

describe('parseDependency', () => {
  it.each<[string, string, string]>([
    ['monitoring', 'monitoring', '*'],
    ['  monitoring  ', 'monitoring', '*'],
    ['monitoring=1.2.0', 'monitoring', '=1.2.0'],
    ['monitoring=v1.2.0', 'monitoring', '=1.2.0'],
    ['monitoring=0.2', 'monitoring', '=0.2.0'],
    ['monitoring=1.0.0-rc.1', 'monitoring', '=1.0.0-rc.1'],
    ['monitoring@^1.2', 'monitoring', '^1.2'],
    ['monitoring@>=1.0.0 <2', 'monitoring', '>=1.0.0 <2'],
    ['monitoring@1.x || 2.x', 'monitoring', '1.x || 2.x'],
    ['monitoring>=1.0.0 <2', 'monitoring', '>=1.0.0 <2'],
    ['monitoring >=1.0.0', 'monitoring', '>=1.0.0'],
    ['monitoring~1.2.0', 'monitoring', '~1.2.0'],
    ['monitoring^2', 'monitoring', '^2'],
    ['monitoring>=1.0.0, <2.0.0', 'monitoring', '>=1.0.0 <2.0.0'],
    ['https://github.com/x/stackstorm-foo.git=1.0.0', 'foo', '=1.0.0'],
    ['https://github.com/x/stackstorm-foo.git', 'foo', '*'],
    ['https://github.com/x/bar_pack', 'bar_pack', '*'],
    ['git@github.com:x/stackstorm-foo.git=2.1.0', 'foo', '=2.1.0'],
    ['ssh://git@example.com:2222/team/stackstorm-ops.git=1.0', 'ops', '=1.0.0'],
  ])('%s → %s %s', (raw, ref, range) => {
    expect(parseDependency(raw)).toEqual({ ref, range, raw });
  });

  it.each<[string, string]>([
    ['', 'dependency "": empty; write ref, ref=1.2.0 (exact) or ref@^1.2 (a semver range)'],
    ['Monitoring', 'dependency "Monitoring": "Monitoring" is not a pack ref (lowercase letters, digits and _ only)'],
    ['my-pack', 'dependency "my-pack": "my-pack" is not a pack ref'],
    ['monitoring=master', 'dependency "monitoring=master": "master" is not a version (packbot pins dependencies by version, not by git ref)'],
    ['monitoring=', 'dependency "monitoring=": "" is not a version'],
    ['monitoring==1.0.0', 'dependency "monitoring==1.0.0": "==" is pip\'s syntax'],
    ['monitoring@', 'dependency "monitoring@": "" is not a semver range'],
    ['monitoring@latest', 'dependency "monitoring@latest": "latest" is not a semver range'],
    ['monitoring>=banana', 'dependency "monitoring>=banana": ">=banana" is not a semver range'],
    ['monitoring 1.0', 'dependency "monitoring 1.0": cannot read "1.0" after the ref'],
    ['https://github.com/x/stackstorm-my-pack.git', 'dependency "https://github.com/x/stackstorm-my-pack.git": the repository name gives "my-pack", which is not a pack ref (lowercase letters, digits and _ only); name the dependency by its ref instead'],
    ['https://github.com/x/stackstorm-foo.git=dev', 'dependency "https://github.com/x/stackstorm-foo.git=dev": "dev" is not a version'],
  ])('rejects %j', (raw, message) => {
    let thrown: unknown;
    try {
      parseDependency(raw);
    } catch (err) {
      thrown = err;
    }
    expect(isPackbotError(thrown) && thrown.code).toBe('pack_invalid');
    expect(isPackbotError(thrown) && thrown.message).toContain(message);
  });
});

const pack = (ref: string, version: string, dependencies: string[] = []): DeployingPack => ({ ref, version, dependencies });
const none = new Map<string, string>();

describe('planDependencies', () => {
  it('orders dependencies first, ties alphabetically, whatever the input order', () => {
    const deploying = [pack('incident', '1.2.0', ['monitoring']), pack('zeta', '1.0.0'), pack('monitoring', '0.2.0'), pack('alpha', '1.0.0')];
    const plan = planDependencies({ deploying, installed: none });
    expect(plan).toEqual({ order: ['alpha', 'monitoring', 'incident', 'zeta'], problems: [] });
    expect(planDependencies({ deploying: [...deploying].reverse(), installed: none }).order).toEqual(plan.order);
  });

  it('orders a diamond: the shared base first, the top last', () => {
    const plan = planDependencies({
      deploying: [pack('top', '1.0.0', ['left', 'right']), pack('right', '1.0.0', ['base']), pack('left', '1.0.0', ['base']), pack('base', '1.0.0')],
      installed: none,
    });
    expect(plan).toEqual({ order: ['base', 'left', 'right', 'top'], problems: [] });
  });

  it('accepts installed dependencies and builtins at any version', () => {
    const plan = planDependencies({
      deploying: [pack('incident', '1.2.0', ['monitoring>=0.1.0', 'core', 'linux', 'chatops', 'packs'])],
      installed: new Map([['monitoring', '0.2.0']]),
    });
    expect(plan).toEqual({ order: ['incident'], problems: [] });
  });

  it('lets the caller choose the builtins', () => {
    const plan = planDependencies({ deploying: [pack('a', '1.0.0', ['linux', 'mine'])], installed: none, builtins: ['mine'], repo: 'demo' });
    expect(plan.problems).toEqual(['a needs linux, which is neither installed nor part of this deploy — add it: pack deploy demo a,linux']);
  });

  it('reports a missing dependency with the deploy command that fixes it', () => {
    const plan = planDependencies({ deploying: [pack('incident', '1.2.0', ['monitoring>=1.0.0'])], installed: none });
    expect(plan.problems).toEqual([
      'incident needs monitoring (>=1.0.0), which is neither installed nor part of this deploy — add it: pack deploy <repo> incident,monitoring',
    ]);
    expect(plan.order).toEqual(['incident']);
  });

  it('names every missing pack in one suggested command', () => {
    const plan = planDependencies({ deploying: [pack('b', '1.0.0', ['y']), pack('a', '1.0.0', ['x'])], installed: none, repo: 'st2contrib' });
    expect(plan.problems).toEqual([
      'a needs x, which is neither installed nor part of this deploy — add it: pack deploy st2contrib a,b,x,y',
      'b needs y, which is neither installed nor part of this deploy — add it: pack deploy st2contrib a,b,x,y',
    ]);
  });

  it.each<[string, DeployingPack[], Map<string, string>, string[]]>([
    ['exact version, deploy brings another', [pack('incident', '1.2.0', ['monitoring=1.2.0']), pack('monitoring', '1.3.0')], none,
      ['incident needs monitoring =1.2.0 but this deploy brings 1.3.0']],
    ['exact version, another installed', [pack('incident', '1.2.0', ['monitoring=1.2.0'])], new Map([['monitoring', '1.1.0']]),
      ['incident needs monitoring =1.2.0 but installed is 1.1.0 — add monitoring to this deploy']],
    ['range, deploy satisfies it although the installed one would not', [pack('incident', '1.2.0', ['monitoring@^2']), pack('monitoring', '2.1.0')], new Map([['monitoring', '1.0.0']]),
      []],
    ['range not met by the installed version', [pack('incident', '1.2.0', ['monitoring>=1.0.0 <2'])], new Map([['monitoring', '2.0.0']]),
      ['incident needs monitoring >=1.0.0 <2 but installed is 2.0.0 — add monitoring to this deploy']],
    ['prerelease inside a range counts', [pack('a', '1.0.0', ['b@>=1.0.0']), pack('b', '1.1.0-rc.1')], none, []],
    ['two-part installed version is read as StackStorm does', [pack('a', '1.0.0', ['b@^0.2'])], new Map([['b', '0.2']]), []],
    ['installed version that is not semver', [pack('a', '1.0.0', ['b@^1'])], new Map([['b', 'banana']]),
      ['a needs b ^1 but installed is "banana", which is not semver — add b to this deploy']],
    ['unparseable dependency', [pack('a', '1.0.0', ['B'])], none,
      ['a: dependency "B": "B" is not a pack ref (lowercase letters, digits and _ only)']],
    ['the same ref twice', [pack('a', '1.0.0'), pack('a', '2.0.0')], none,
      ['a is in this deploy twice; two directories declare the same ref']],
  ])('%s', (_case, deploying, installed, problems) => {
    expect(planDependencies({ deploying, installed }).problems).toEqual(problems);
  });

  it('reports cycles, and still orders every pack', () => {
    const plan = planDependencies({
      deploying: [pack('b', '1.0.0', ['a']), pack('a', '1.0.0', ['b']), pack('self', '1.0.0', ['self']), pack('x', '1.0.0', ['z']), pack('y', '1.0.0', ['x']), pack('z', '1.0.0', ['y']), pack('free', '1.0.0')],
      installed: none,
    });
    expect(plan.problems).toEqual(['dependency cycle: a → b → a', 'dependency cycle: self → self', 'dependency cycle: x → z → y → x']);
    expect([...plan.order].sort()).toEqual(['a', 'b', 'free', 'self', 'x', 'y', 'z']);
    expect(plan.order[0]).toBe('free');
  });

  it('reports problems of every kind together', () => {
    const plan = planDependencies({
      deploying: [pack('a', '1.0.0', ['b', 'gone', 'c=2.0.0']), pack('b', '1.0.0', ['a']), pack('c', '1.0.0')],
      installed: none,
      installedDependencies: new Map([['d', ['c@^1']], ['e', ['c@^0.1']]]),
      repo: 'r',
    });
    expect(plan.problems).toEqual([
      'a needs c =2.0.0 but this deploy brings 1.0.0',
      'a needs gone, which is neither installed nor part of this deploy — add it: pack deploy r a,b,c,gone',
      'dependency cycle: a → b → a',
      'deploying c 1.0.0 would break installed e, which needs c ^0.1 — deploy e too (a version that accepts 1.0.0), or a c version that satisfies ^0.1',
    ]);
  });

  describe('installed dependants', () => {
    const installed = new Map([['incident', '1.2.0'], ['monitoring', '1.0.0']]);
    const installedDependencies = new Map<string, readonly string[]>([['incident', ['monitoring@^1.0.0']], ['monitoring', []]]);

    it('refuses an upgrade that the installed dependant does not accept', () => {
      const plan = planDependencies({ deploying: [pack('monitoring', '2.0.0')], installed, installedDependencies });
      expect(plan.problems).toEqual([
        'deploying monitoring 2.0.0 would break installed incident, which needs monitoring ^1.0.0 — deploy incident too (a version that accepts 2.0.0), or a monitoring version that satisfies ^1.0.0',
      ]);
    });

    it('accepts a compatible upgrade', () => {
      expect(planDependencies({ deploying: [pack('monitoring', '1.4.0')], installed, installedDependencies }).problems).toEqual([]);
    });

    it('accepts the upgrade when the dependant is deployed along with it, judged by its new dependencies', () => {
      const plan = planDependencies({ deploying: [pack('monitoring', '2.0.0'), pack('incident', '2.0.0', ['monitoring@^2'])], installed, installedDependencies });
      expect(plan).toEqual({ order: ['monitoring', 'incident'], problems: [] });
    });

    it('ignores installed dependency strings it cannot parse', () => {
      const plan = planDependencies({ deploying: [pack('monitoring', '2.0.0')], installed, installedDependencies: new Map([['incident', ['Not Valid']]]) });
      expect(plan.problems).toEqual([]);
    });
  });
});

describe('assertDependencies', () => {
  it('throws pack_dependencies listing every problem', () => {
    assertDependencies({ order: ['a'], problems: [] });
    let thrown: unknown;
    try {
      assertDependencies({ order: [], problems: ['one', 'two'] });
    } catch (err) {
      thrown = err;
    }
    expect(isPackbotError(thrown) && thrown.code).toBe('pack_dependencies');
    expect(isPackbotError(thrown) && thrown.describe()).toBe('2 dependency problems\n  one\n  two');
  });
});
