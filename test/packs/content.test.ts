import { describe, expect, it } from 'vitest';
import { validatePackDir } from '../../src/domain/packs/index.js';
import { writePack } from './fixtures.js';

const RULE = 'name: r\ntrigger:\n  type: core.st2.IntervalTimer\naction:\n  ref: demo.run\n';
const ALIAS = 'name: a\naction_ref: demo.run\nformats:\n  - "run {{x}}"\n';
const SENSOR = 'class_name: Watch\nentry_point: watch.py\n';
const POLICY = 'name: p\nresource_ref: demo.run\npolicy_type: action.concurrency\n';

async function errorsOf(files: Record<string, string | null>): Promise<string[]> {
  return (await validatePackDir(await writePack(files))).errors;
}

describe('content metadata', () => {
  it('accepts one of every kind, in every form StackStorm reads', async () => {
    const check = await validatePackDir(await writePack({
      'actions/shell.yml': 'name: shell\nrunner_type: local-shell-cmd\nparameters: {cmd: {default: uptime}}\n',
      'actions/flow.yaml': 'name: flow\nrunner_type: orquesta\nentry_point: workflows/flow.yaml\npack: demo\n',
      'actions/workflows/flow.yaml': 'version: 1.0\ntasks: {}\n',
      'actions/json_one.json': '{"name": "json_one", "runner_type": "noop"}',
      'rules/r.yaml': RULE,
      'aliases/a.yaml': 'name: a\naction_ref: demo.run\nformats:\n  - display: "run <x>"\n    representation: ["run {{x}}"]\n',
      'sensors/watch.yaml': SENSOR,
      'sensors/watch.py': 'class Watch: pass\n',
      'policies/p.yaml': POLICY,
      'config.schema.yaml': 'token:\n  type: string\n  secret: true\n  required: true\n',
    }));
    expect(check.errors).toEqual([]);
    expect(check.summary).toMatchObject({ actions: ['flow', 'json_one', 'run', 'shell'], rules: ['r'], aliases: ['a'], sensors: ['watch'], policies: ['p'] });
  });

  it('accepts alias formats as StackStorm normalises them: one representation string, a display alone', async () => {
    const check = await validatePackDir(await writePack({
      'aliases/one.yaml': 'name: one\naction_ref: demo.run\nformats:\n  - display: "run <x>"\n    representation: "run {{x}}"\n',
      'aliases/help.yaml': 'name: help\naction_ref: demo.run\nformats:\n  - display: "run <x> (see the docs)"\n',
    }));
    expect(check.errors).toEqual([]);
    expect((await errorsOf({ 'aliases/a.yaml': 'name: a\naction_ref: demo.run\nformats:\n  - {}\n' })).join('\n')).toMatch(/aliases\/a\.yaml:4: formats\[0\]/);
  });

  it.each<[string, Record<string, string | null>, string]>([
    ['action without runner_type', { 'actions/run.yaml': 'name: run\nentry_point: run.py\n' }, 'actions/run.yaml: runner_type: is required (the runner, e.g. python-script or local-shell-script)'],
    ['action without name', { 'actions/run.yaml': 'runner_type: python-script\nentry_point: run.py\n' }, 'actions/run.yaml: name: is required (the action name)'],
    ['python action without entry_point', { 'actions/run.yaml': 'name: run\nrunner_type: python-script\n' }, 'actions/run.yaml:2: entry_point is required for runner python-script (the script, relative to actions/)'],
    ['shell script action without entry_point', { 'actions/run.yaml': 'name: run\nrunner_type: local-shell-script\n' }, 'actions/run.yaml:2: entry_point is required for runner local-shell-script'],
    ['entry_point escaping the pack', { 'actions/run.yaml': 'name: run\nrunner_type: python-script\nentry_point: ../../../etc/passwd\n' }, 'actions/run.yaml:3: entry_point "../../../etc/passwd" points outside the pack; give a path relative to actions/'],
    ['absolute entry_point', { 'actions/run.yaml': 'name: run\nrunner_type: python-script\nentry_point: /etc/passwd\n' }, 'actions/run.yaml:3: entry_point "/etc/passwd" points outside the pack'],
    ['entry_point not a string', { 'actions/run.yaml': 'name: run\nrunner_type: python-script\nentry_point: [run.py]\n' }, 'actions/run.yaml:3: entry_point: expected a file path relative to actions/, got a list'],
    ['action metadata that is a list', { 'actions/run.yaml': '- name: run\n' }, 'actions/run.yaml: expected a mapping, got a list'],
    ['empty action metadata', { 'actions/run.yaml': '' }, 'actions/run.yaml: is empty'],
    ['action in the wrong pack', { 'actions/run.yaml': 'name: run\nrunner_type: python-script\nentry_point: run.py\npack: other\n' }, 'actions/run.yaml:4: pack: "other" but this pack\'s ref is "demo"; fix it or drop the field'],
    ['rule without trigger', { 'rules/r.yaml': 'name: r\naction: {ref: demo.run}\n' }, 'rules/r.yaml: trigger: is required (a mapping with the trigger type)'],
    ['rule trigger without type', { 'rules/r.yaml': 'name: r\ntrigger:\n  parameters: {}\naction: {ref: demo.run}\n' }, 'rules/r.yaml:3: trigger.type: is required'],
    ['rule without action', { 'rules/r.yaml': 'name: r\ntrigger: {type: core.st2.webhook}\n' }, 'rules/r.yaml: action: is required'],
    ['rule action without ref', { 'rules/r.yaml': 'name: r\ntrigger: {type: core.st2.webhook}\naction: {parameters: {}}\n' }, 'rules/r.yaml:3: action.ref: is required (an action ref like mypack.myaction)'],
    ['rule without name', { 'rules/r.yaml': 'trigger: {type: t}\naction: {ref: demo.run}\n' }, 'rules/r.yaml: name: is required (the rule name)'],
    ['alias without formats', { 'aliases/a.yaml': 'name: a\naction_ref: demo.run\n' }, 'aliases/a.yaml: formats: is required (a list of formats)'],
    ['alias with no formats', { 'aliases/a.yaml': 'name: a\naction_ref: demo.run\nformats: []\n' }, 'aliases/a.yaml:3: formats: must list at least one format'],
    ['alias format of the wrong shape', { 'aliases/a.yaml': 'name: a\naction_ref: demo.run\nformats:\n  - 42\n' }, 'aliases/a.yaml:4: formats[0]: expected a format string, or {display, representation: [formats]}, got 42'],
    ['alias without action_ref', { 'aliases/a.yaml': 'name: a\nformats: ["x"]\n' }, 'aliases/a.yaml: action_ref: is required'],
    ['alias without name', { 'aliases/a.yaml': 'action_ref: demo.run\nformats: ["x"]\n' }, 'aliases/a.yaml: name: is required'],
    ['sensor without class_name', { 'sensors/w.yaml': 'entry_point: w.py\n', 'sensors/w.py': '' }, 'sensors/w.yaml: class_name: is required (the sensor class name)'],
    ['sensor without entry_point', { 'sensors/w.yaml': 'class_name: W\n' }, 'sensors/w.yaml: entry_point: is required (the sensor file, relative to sensors/)'],
    ['policy without policy_type', { 'policies/p.yaml': 'name: p\nresource_ref: demo.run\n' }, 'policies/p.yaml: policy_type: is required (a policy type like action.concurrency)'],
    ['policy without resource_ref', { 'policies/p.yaml': 'name: p\npolicy_type: action.retry\n' }, 'policies/p.yaml: resource_ref: is required'],
    ['broken YAML in a workflow', { 'actions/workflows/flow.yaml': 'version: 1.0\ntasks:\n  a: [b\n' }, 'actions/workflows/flow.yaml:'],
    ['broken YAML in a rule', { 'rules/r.yaml': 'name: r\n  trigger: x\n' }, 'rules/r.yaml:1: YAML syntax error:'],
    ['broken JSON metadata', { 'actions/j.json': '{"name": "j", ' }, 'actions/j.json:'],
    ['config schema key of the wrong shape', { 'config.schema.yaml': 'token: string\n' }, 'config.schema.yaml:1: token: expected a mapping like {type: string, description: ..., required: true}, got "string"'],
    ['config schema with a bad type', { 'config.schema.yaml': 'token:\n  type: text\n' }, 'config.schema.yaml:2: token.type: expected one of string, integer, number, boolean, array, object, null, got "text"'],
    ['config schema with a non-boolean flag', { 'config.schema.yaml': 'token:\n  type: string\n  secret: "yes"\n' }, 'config.schema.yaml:3: token.secret: expected true or false, got "yes"'],
    ['config schema with a bad key', { 'config.schema.yaml': 'api-key:\n  type: string\n' }, 'config.schema.yaml:1: key "api-key" may contain only letters, digits and _'],
    ['config schema that does not parse', { 'config.schema.yaml': 'a: [\n' }, 'config.schema.yaml:'],
  ])('%s', async (_case, files, expected) => {
    const errors = await errorsOf(files);
    expect(errors.some((e) => e.startsWith(expected)), `${expected}\nnot in\n${errors.join('\n')}`).toBe(true);
  });

  // StackStorm registers these (its registrars never look for the file, and register each
  // metadata file in sorted order under its name); they warn, saying what StackStorm will do.
  it.each<[string, Record<string, string | null>, string[]]>([
    ['entry_point that does not exist', { 'actions/run.py': null }, ['actions/run.yaml:3: entry_point "run.py": actions/run.py does not exist; StackStorm registers the action; it fails when it runs']],
    ['entry_point that is a directory', { 'actions/run.yaml': 'name: run\nrunner_type: python-script\nentry_point: lib\n', 'actions/lib/x.py': '' }, ['actions/run.yaml:3: entry_point "lib": actions/lib is a directory, not a file; StackStorm registers the action; it fails when it runs']],
    ['sensor entry_point missing', { 'sensors/w.yaml': SENSOR }, ['sensors/w.yaml:2: entry_point "watch.py": sensors/watch.py does not exist; StackStorm registers the sensor; it fails when it starts']],
    ['two actions with one name', { 'actions/get_vlan.yaml': 'name: delete_vlan\nrunner_type: noop\n', 'actions/delete_vlan.yaml': 'name: delete_vlan\nrunner_type: noop\n' },
      ['actions/delete_vlan.yaml and actions/get_vlan.yaml both declare delete_vlan; StackStorm keeps the last loaded, actions/get_vlan.yaml']],
    ['three rules with one name', { 'rules/a.yaml': RULE, 'rules/b.yml': RULE, 'rules/c.yaml': RULE },
      ['rules/a.yaml, rules/b.yml and rules/c.yaml all declare r; StackStorm keeps the last loaded, rules/c.yaml']],
    ['two sensors with one class', { 'sensors/a.yaml': SENSOR, 'sensors/b.yaml': SENSOR, 'sensors/watch.py': '' },
      ['sensors/a.yaml and sensors/b.yaml both declare Watch; StackStorm keeps the last loaded, sensors/b.yaml']],
    ['two aliases with one name', { 'aliases/x.yaml': ALIAS, 'aliases/y.yaml': ALIAS },
      ['aliases/x.yaml and aliases/y.yaml both declare a; StackStorm keeps the last loaded, aliases/y.yaml']],
    ['a repeated key', { 'actions/run.yaml': 'name: run\nrunner_type: python-script\nentry_point: nope.py\nentry_point: run.py\n' },
      ['actions/run.yaml:4: key `entry_point` appears twice (lines 3 and 4); StackStorm (PyYAML) keeps the last value']],
    ['a key repeated three times, deep down', { 'actions/run.yaml': 'name: run\nrunner_type: python-script\nentry_point: run.py\nparameters:\n  cmd: {type: string, default: a, default: b, default: c}\n' },
      ['actions/run.yaml:5: key `parameters.cmd.default` appears three times (lines 5, 5 and 5); StackStorm (PyYAML) keeps the last value']],
    ['a repeated key in pack.yaml and config.schema.yaml', {
      'pack.yaml': 'name: demo\ndescription: A demo pack.\nversion: 0.1.0\nauthor: Ops\nversion: 1.0.0\n',
      'config.schema.yaml': 'token:\n  type: string\n  type: integer\n',
    }, ['pack.yaml:5: key `version` appears twice (lines 3 and 5); StackStorm (PyYAML) keeps the last value',
      'config.schema.yaml:3: key `token.type` appears twice (lines 2 and 3); StackStorm (PyYAML) keeps the last value']],
  ])('%s: a warning, not an error', async (_case, files, expected) => {
    const check = await validatePackDir(await writePack(files));
    expect(check.errors).toEqual([]);
    expect(check.warnings).toEqual(expected);
  });

  it('reads a repeated key as StackStorm does: the last value is the one checked and installed', async () => {
    const check = await validatePackDir(await writePack({ 'pack.yaml': 'name: demo\ndescription: A demo pack.\nversion: 0.1.0\nauthor: Ops\nversion: 1.2.0\n' }));
    expect(check.manifest?.version).toBe('1.2.0');
    // The first value would be refused; the last one is what counts.
    const wrong = await validatePackDir(await writePack({ 'actions/run.yaml': 'name: run\nrunner_type: 42\nentry_point: run.py\nrunner_type: python-script\n' }));
    expect(wrong.errors).toEqual([]);
  });

  it('leaves runners that need no file alone, and non-metadata files in content dirs', async () => {
    expect(await errorsOf({
      'actions/cmd.yaml': 'name: cmd\nrunner_type: local-shell-cmd\n',
      'actions/README.md': '# notes',
      'rules/.hidden.yaml': 'not: [valid',
    })).toEqual(['rules/.hidden.yaml:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]']);
  });
});

describe('a pack with many problems', () => {
  it('lists every one of them at once, each with its file', async () => {
    const dir = await writePack({
      'pack.yaml': 'ref: Bad-Ref\ndescription: d\nversion: x.y\nauthor: a\nemail: nope\n',
      'actions/run.yaml': 'name: run\nrunner_type: python-script\nentry_point: missing.py\n',
      'actions/run.py': null,
      'actions/other.yaml': 'name: other\n',
      'actions/broken.yaml': 'name: [\n',
      'rules/r.yaml': 'name: r\n',
      'aliases/a.yaml': 'name: a\n',
      'sensors/s.yaml': 'entry_point: nope.py\n',
      'policies/p.yaml': '{}\n',
      'config.schema.yaml': 'x: 1\n',
    });
    const check = await validatePackDir(dir);
    const expected = [
      'pack.yaml: name: is required',
      'pack.yaml:3: version: "x.y" is not a semver version',
      'pack.yaml:1: ref: "Bad-Ref" may contain only',
      'pack.yaml:5: email:',
      'config.schema.yaml:1: x: expected a mapping',
      'actions/broken.yaml:',
      'actions/other.yaml: runner_type: is required',
      'rules/r.yaml: trigger: is required',
      'rules/r.yaml: action: is required',
      'aliases/a.yaml: action_ref: is required',
      'aliases/a.yaml: formats: is required',
      'sensors/s.yaml: class_name: is required',
      'policies/p.yaml: name: is required',
      'policies/p.yaml: resource_ref: is required',
      'policies/p.yaml: policy_type: is required',
    ];
    for (const e of expected) expect(check.errors.some((x) => x.startsWith(e)), `${e}\nnot in\n${check.errors.join('\n')}`).toBe(true);
    expect(check.errors).toHaveLength(expected.length);
    expect(check.warnings).toEqual([
      'actions/run.yaml:3: entry_point "missing.py": actions/missing.py does not exist; StackStorm registers the action; it fails when it runs',
      'sensors/s.yaml:1: entry_point "nope.py": sensors/nope.py does not exist; StackStorm registers the sensor; it fails when it starts',
    ]);
    expect(check.ref).toBeNull();
    expect(check.manifest).toBeNull();
  });
});
