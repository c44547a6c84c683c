import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validatePackDir } from '../../src/domain/packs/index.js';
import { writePack } from './fixtures.js';

const manifest = (body: string) => writePack({ 'pack.yaml': body });
const BASE = 'name: demo\ndescription: A demo pack.\nversion: 1.0.0\nauthor: Ops\n';

describe('pack.yaml', () => {
  it('accepts a minimal manifest and fills in what StackStorm defaults', async () => {
    const check = await validatePackDir(await manifest(`${BASE}custom_field: kept\n`));
    expect(check.errors).toEqual([]);
    expect(check.warnings).toEqual([]);
    expect(check.ref).toBe('demo');
    expect(check.manifest).toMatchObject({ ref: 'demo', name: 'demo', version: '1.0.0', dependencies: [], custom_field: 'kept' });
  });

  it('accepts every optional field in its StackStorm form', async () => {
    const check = await validatePackDir(await manifest(`${BASE}email: ops@example.com
keywords: [a, b]
dependencies: [monitoring, "incident=1.2.0", "other@^2"]
python_versions: ["3"]
stackstorm_version: ">=3.7.0, <4.0.0"
contributors: ["Ann <ann@example.com>"]
system: {apt: [curl]}
`));
    expect(check.errors).toEqual([]);
    expect(check.manifest?.dependencies).toEqual(['monitoring', 'incident=1.2.0', 'other@^2']);
  });

  it('names the missing pack.yaml relative to the pack, never by its path on the server', async () => {
    const dir = await writePack({ 'pack.yaml': null });
    const check = await validatePackDir(dir);
    expect(check.errors).toEqual(['pack.yaml: missing: every pack needs one at its root']);
    expect(check.ref).toBeNull();
    expect(check.manifest).toBeNull();
  });

  it.each<[string, string, string]>([
    ['name missing', 'description: d\nversion: 1.0.0\nauthor: a\n', 'pack.yaml: name: is required (the display name of the pack)'],
    ['description missing', 'name: demo\nversion: 1.0.0\nauthor: a\n', 'pack.yaml: description: is required'],
    ['author missing', 'name: demo\ndescription: d\nversion: 1.0.0\n', 'pack.yaml: author: is required'],
    ['author empty', 'name: demo\ndescription: d\nversion: 1.0.0\nauthor: "  "\n', 'pack.yaml:4: author: must not be empty'],
    ['version missing', 'name: demo\ndescription: d\nauthor: a\n', 'pack.yaml: version: is required (a semver version like 1.0.0)'],
    ['version not semver', 'name: demo\ndescription: d\nversion: banana\nauthor: a\n', 'pack.yaml:3: version: "banana" is not a semver version'],
    ['version with four parts', 'name: demo\ndescription: d\nversion: 1.2.3.4\nauthor: a\n', 'pack.yaml:3: version: "1.2.3.4" is not a semver version'],
    ['version with a v', 'name: demo\ndescription: d\nversion: v1.0.0\nauthor: a\n', 'pack.yaml:3: version: "v1.0.0" is not a semver version'],
    ['version a list', 'name: demo\ndescription: d\nversion: [1]\nauthor: a\n', 'pack.yaml:3: version: expected a semver version like 1.0.0, got a list'],
    ['ref with dashes', `${BASE}ref: My-Pack\n`, 'pack.yaml:5: ref: "My-Pack" may contain only lowercase letters, digits and underscores (a-z, 0-9, _); dashes are not allowed'],
    ['ref not a string', `${BASE}ref: 12\n`, 'pack.yaml:5: ref: expected a pack ref like my_pack, got 12'],
    ['ref _global', `${BASE}ref: _global\n`, 'pack.yaml:5: ref "_global" is reserved by StackStorm'],
    ['ref core', `${BASE}ref: core\n`, 'pack.yaml:5: ref "core" belongs to a StackStorm system pack'],
    ['ref packs', `${BASE}ref: packs\n`, 'pack.yaml:5: ref "packs" belongs to a StackStorm system pack'],
    ['email invalid', `${BASE}email: not-an-address\n`, 'pack.yaml:5: email: expected an e-mail address like ops@example.com'],
    ['keywords not a list', `${BASE}keywords: monitoring\n`, 'pack.yaml:5: keywords: expected a list of keywords, got "monitoring"'],
    ['keyword not a string', `${BASE}keywords: [ok, {a: 1}]\n`, 'pack.yaml:5: keywords[1]: expected a string, got a mapping'],
    ['dependencies not a list', `${BASE}dependencies: monitoring\n`, 'pack.yaml:5: dependencies: expected a list of pack refs'],
    ['dependency with a bad ref', `${BASE}dependencies:\n  - ok\n  - Bad-Ref\n`, 'pack.yaml:7: dependency "Bad-Ref": "Bad-Ref" is not a pack ref'],
    ['dependency on a git branch', `${BASE}dependencies: ["monitoring=master"]\n`, 'pack.yaml:5: dependency "monitoring=master": "master" is not a version'],
    ['dependency on itself', `${BASE}dependencies: [demo]\n`, 'pack.yaml:5: the pack depends on itself ("demo")'],
    ['python_versions 4', `${BASE}python_versions: ["4"]\n`, 'pack.yaml:5: python_versions[0]: expected "2" or "3" (quoted), got "4"'],
    ['python_versions unquoted', `${BASE}python_versions: [3]\n`, 'pack.yaml:5: python_versions[0]: expected "2" or "3" (quoted), got 3'],
    ['python_versions empty', `${BASE}python_versions: []\n`, 'pack.yaml:5: python_versions: must list at least one of "2" and "3"'],
    ['python_versions twice', `${BASE}python_versions: ["3", "3"]\n`, 'pack.yaml:5: python_versions: lists a version twice'],
    ['stackstorm_version invalid', `${BASE}stackstorm_version: soon\n`, 'pack.yaml:5: stackstorm_version: expected a version range like ">=3.8.0"'],
    ['contributor too long', `${BASE}contributors: ["${'x'.repeat(101)}"]\n`, 'pack.yaml:5: contributors[0]: is longer than 100 characters'],
    ['system not a mapping', `${BASE}system: apt\n`, 'pack.yaml:5: system: expected a mapping, got "apt"'],
    ['a list, not a mapping', '- name: demo\n', 'pack.yaml: expected a mapping of fields (name, description, version, author), got a list'],
    ['empty', '', 'pack.yaml: is empty; it needs at least name, description, version and author'],
    ['YAML syntax error', 'name: demo\ndescription: [unclosed\nversion: 1.0.0\n', 'pack.yaml:'],
  ])('%s', async (_case, body, expected) => {
    const check = await validatePackDir(await manifest(body));
    expect(check.errors.some((e) => e.startsWith(expected)), `${expected}\nnot in\n${check.errors.join('\n')}`).toBe(true);
    expect(check.manifest).toBeNull();
  });

  it('reads a repeated key as PyYAML does (the last value) and warns about it', async () => {
    const check = await validatePackDir(await manifest(`${BASE}name: other\n`));
    expect(check.errors).toEqual([]);
    expect(check.manifest?.name).toBe('other');
    expect(check.warnings).toContain('pack.yaml:5: key `name` appears twice (lines 1 and 5); StackStorm (PyYAML) keeps the last value');
  });

  it('reports a YAML syntax error with its line', async () => {
    const check = await validatePackDir(await manifest('name: demo\ndescription: d\nversion: 1.0.0\nauthor: [a\n'));
    expect(check.errors).toHaveLength(1);
    expect(check.errors[0]).toMatch(/^pack\.yaml:\d+: YAML syntax error: /);
  });

  it('reports every pack.yaml problem at once', async () => {
    const check = await validatePackDir(await manifest('ref: Bad-Ref\nversion: one\nemail: nope\nkeywords: x\npython_versions: [4]\n'));
    for (const field of ['name:', 'description:', 'author:', 'version:', 'ref:', 'email:', 'keywords:', 'python_versions[0]:']) {
      expect(check.errors.some((e) => e.includes(field)), field).toBe(true);
    }
  });
});

describe('version normalisation', () => {
  it.each<[string, string, string]>([
    ['0.2', '0.2.0', '"0.2"'],
    ['"0.2"', '0.2.0', '"0.2"'],
    ['1.10', '1.10.0', '"1.10"'], // PyYAML would read 1.1 here; the source text is what the author meant
    ['2.0', '2.0.0', '"2.0"'],
  ])('version: %s is read as %s with a warning', async (written, version, shown) => {
    const check = await validatePackDir(await manifest(`name: demo\ndescription: d\nversion: ${written}\nauthor: a\n`));
    expect(check.errors).toEqual([]);
    expect(check.manifest?.version).toBe(version);
    expect(check.warnings).toEqual([`pack.yaml:3: version: ${shown} is not semver; read as ${version}, as StackStorm does — write ${version}`]);
  });

  it('keeps prerelease and build metadata', async () => {
    const check = await validatePackDir(await manifest('name: demo\ndescription: d\nversion: 1.0.0-rc.1+build.5\nauthor: a\n'));
    expect(check.manifest?.version).toBe('1.0.0-rc.1+build.5');
  });

  it('warns about a pack that only supports Python 2', async () => {
    const check = await validatePackDir(await manifest(`${BASE}python_versions: ["2"]\n`));
    expect(check.errors).toEqual([]);
    expect(check.warnings).toEqual(['pack.yaml:5: python_versions lists only "2"; current StackStorm runs pack code on Python 3 only']);
  });
});

describe('ref derivation (st2 get_pack_ref_from_metadata)', () => {
  const body = (name: string, ref?: string) => `${ref === undefined ? '' : `ref: ${ref}\n`}name: ${name}\ndescription: d\nversion: 1.0.0\nauthor: a\n`;

  it.each<[string, string, string | undefined, string | null, string[]]>([
    ['explicit ref wins', 'my_dir', 'explicit', 'explicit', ['ref is "explicit" but the directory is named "my_dir"; the pack is installed as explicit']],
    ['explicit ref, unusable directory name: no warning', 'stackstorm-x', 'explicit', 'explicit', []],
    ['no ref: the directory name', 'my_dir', undefined, 'my_dir', []],
    ['empty ref counts as none', 'my_dir', '""', 'my_dir', []],
    ['no ref, unusable directory: the name', 'stackstorm-foo', undefined, 'foo', []],
  ])('%s', async (_case, dirName, ref, expected, warnings) => {
    const dir = await writePack({ 'pack.yaml': body('foo', ref) }, { name: dirName });
    const check = await validatePackDir(dir);
    expect(check.errors).toEqual([]);
    expect(check.ref).toBe(expected);
    expect(check.warnings.map((w) => w.replace(/^pack\.yaml:\d+: /, ''))).toEqual(warnings);
  });

  it('explains what to do when neither directory nor name is a valid ref', async () => {
    const dir = await writePack({ 'pack.yaml': body('"My Pack"') }, { name: 'stackstorm-my-pack' });
    const check = await validatePackDir(dir);
    expect(check.ref).toBeNull();
    expect(check.errors).toEqual([
      'pack.yaml:1: pack name "My Pack" contains characters other than a-z, 0-9 and _, the directory name "stackstorm-my-pack" can\'t be a ref either, ' +
        'and there is no "ref" attribute — add one made of lowercase letters, digits and underscores (e.g. "ref: my_pack") or rename the pack',
    ]);
  });

  it('uses dirName (the directory in the repository) rather than the staging directory', async () => {
    const dir = await writePack({ 'pack.yaml': body('"Nice Name"') }, { name: 'staging-123' });
    expect((await validatePackDir(dir, { dirName: 'from_repo' })).ref).toBe('from_repo');
    expect((await validatePackDir(dir)).ref).toBeNull();
  });

  it('keeps the ref when other parts of pack.yaml are broken', async () => {
    const dir = await writePack({ 'pack.yaml': 'name: demo\ndescription: d\nversion: nope\nauthor: a\n' }, { name: 'demo' });
    const check = await validatePackDir(dir);
    expect(check.ref).toBe('demo');
    expect(check.manifest).toBeNull();
  });

  it('refuses system refs derived from the directory too', async () => {
    const parent = path.dirname(await writePack({}, { name: 'tmp' }));
    const dir = path.join(parent, 'core');
    await mkdir(dir);
    await rename(path.join(parent, 'tmp', 'pack.yaml'), path.join(dir, 'pack.yaml'));
    const check = await validatePackDir(dir);
    expect(check.errors).toEqual(['pack.yaml: ref "core" belongs to a StackStorm system pack, which a user pack must not replace; pick another ref']);
  });
});
