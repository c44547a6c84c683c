import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAliasFiles, loadAliasTable } from '../../src/domain/aliases/index.js';
import { PackbotError } from '../../src/core/errors.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'packbot-aliases-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('file shapes', () => {
  it.each<[string, string, string[]]>([
    ['one alias per file', 'name: a\ncommand: a\nformats: ["a"]\n', ['a']],
    ['several documents', 'name: a\ncommand: a\nformats: ["a"]\n---\nname: b\ncommand: b\nformats: ["b"]\n---\n', ['a', 'b']],
    ['an aliases list', 'aliases:\n  - name: a\n    command: a\n    formats: ["a"]\n  - name: b\n    command: b\n    formats: ["b"]\n', ['a', 'b']],
  ])('%s', async (_label, text, names) => {
    const { definitions, errors } = await loadAliasFiles([await write('x.yaml', text)]);
    expect(errors).toEqual([]);
    expect(definitions.map((d) => d.name)).toEqual(names);
  });

  it('reads *.yaml and *.yml in a directory, in name order, and fills defaults', async () => {
    await write('b.yml', 'name: b\ncommand: b\nformats: ["b"]\n');
    await write('a.yaml', 'name: a\ncommand: a\nformats: [{display: "a <x>", representation: ["a {{x}}"]}]\nimmutable_parameters: {n: 1, f: false}\nack: {enabled: false}\n');
    await write('notes.txt', 'not an alias');
    const { definitions, errors } = await loadAliasFiles([dir]);
    expect(errors).toEqual([]);
    expect(definitions).toEqual([
      {
        name: 'a', description: '', enabled: true, command: 'a', permission: 'read',
        formats: [{ display: 'a <x>', representation: ['a {{x}}'] }],
        immutableParameters: { n: '1', f: 'false' }, ack: { enabled: false }, file: join(dir, 'a.yaml'),
      },
      {
        name: 'b', description: '', enabled: true, command: 'b', permission: 'read',
        formats: [{ display: 'b', representation: ['b'] }], immutableParameters: {}, file: join(dir, 'b.yml'),
      },
    ]);
  });
});

describe("StackStorm's other format shapes", () => {
  it('reads a single representation, a help-only display and list immutable_parameters; warns about match_multiple', async () => {
    const file = await write('st2.yaml', [
      'name: fixes', //                                                     1
      'command: fixes', //                                                  2
      'formats:', //                                                        3
      '  - display: "fixes <issue>"', //                                    4
      '    representation: "fixes {{issue}}"', //                           5
      '    match_multiple: true', //                                        6
      '  - display: "fixes: see the tracker"', //                           7
      'immutable_parameters: {tags: [a, b], opts: {k: v}}', //              8
      '',
    ].join('\n'));
    const { definitions, errors, warnings } = await loadAliasFiles([file]);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([`${file}:6: formats[0].match_multiple: match_multiple is not supported: the command runs once, for the first match in the message`]);
    expect(definitions[0]?.formats).toEqual([
      { display: 'fixes <issue>', representation: ['fixes {{issue}}'] },
      { display: 'fixes: see the tracker', representation: [] },
    ]);
    expect(definitions[0]?.immutableParameters).toEqual({ tags: '["a","b"]', opts: '{"k":"v"}' });
  });

  it('refuses a bad single representation at its place', async () => {
    const file = await write('bad.yaml', 'name: a\ncommand: a\nformats:\n  - representation: "a (b"\n');
    const { errors } = await loadAliasFiles([file]);
    expect(errors).toEqual([`${file}:4: formats[0].representation: Format "a (b" is invalid: the group opened at column 3 is never closed.`]);
  });
});

describe('errors are all reported at once, with file and YAML path', () => {
  it('lists every mistake in a file with several', async () => {
    const file = await write('bad.yaml', [
      'aliases:', //                                   1
      '  - name: Bad Name', //                         2
      '    formats: []', //                            3
      '    command: deploy', //                        4
      '    confirm: sometimes', //                     5
      '  - name: ok_one', //                           6
      '    command: x', //                             7
      '    formats:', //                               8
      '      - "deploy (unclosed {{x}}"', //           9
      '      - {}', //                                 10
      '    enabled: "yes"', //                         11
      '  - description: no name', //                   12
      '    formats: ["a"]', //                         13
      '    command: a', //                             14
      '    colour: red', //                            15
      '',
    ].join('\n'));
    const { definitions, errors, warnings } = await loadAliasFiles([file]);
    expect(definitions).toEqual([]);
    expect(errors).toEqual([
      `${file}:2: aliases[0].name: must be lowercase letters, digits, "_", "." or "-"`,
      `${file}:3: aliases[0].formats: must list at least one format`,
      `${file}:5: aliases[0].confirm: must be one of always, when_queued, never`,
      `${file}:9: aliases[1].formats[0]: Format "deploy (unclosed {{x}}" is invalid: the group opened at column 8 is never closed.`,
      `${file}:10: aliases[1].formats[1]: needs a display, a representation or both`,
      `${file}:11: aliases[1].enabled: must be a boolean`,
      `${file}:12: aliases[2].name: is required`,
    ]);
    expect(warnings).toEqual([`${file}:15: aliases[2].colour: unknown field "colour" (ignored)`]);
  });

  it('collects errors across files: YAML syntax, duplicates, missing paths, documents', async () => {
    const one = await write('one.yaml', 'name: dup\ncommand: a\nformats: ["a"]\n');
    const two = await write('two.yaml', 'name: c\ncommand: c\nformats: ["c"]\n---\nname: dup\ncommand: b\nformats: ["b"]\n');
    const broken = await write('broken.yaml', 'name: x\nformats: [unclosed\n');
    const scalar = await write('scalar.yaml', 'just text\n');
    const missing = join(dir, 'missing.yaml');
    const { definitions, errors } = await loadAliasFiles([one, two, broken, scalar, missing]);
    expect(definitions.map((d) => d.name)).toEqual(['dup', 'c']);
    expect(errors).toEqual([
      `${missing}: cannot read (ENOENT)`,
      `${two}:5: documents[1].name: alias "dup" is already defined at ${one}:1`,
      `${broken}:3: YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
      `${scalar}:1: (document): must be an alias (a mapping) or {aliases: [...]}`,
    ]);
  });

  it('loadAliasTable throws alias_file_invalid with every error as details', async () => {
    const file = await write('bad.yaml', 'name: a\nformats: []\n');
    const err = await loadAliasTable([file]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PackbotError);
    expect((err as PackbotError).code).toBe('alias_file_invalid');
    expect((err as PackbotError).details).toEqual([`${file}:1: command: is required`, `${file}:2: formats: must list at least one format`]);
  });
});

describe('collision check across files', () => {
  it('reports two crafted aliases that tie on some text', async () => {
    const a = await write('a.yaml', 'name: foo_x\ncommand: foo\nformats: ["pack foo {{x}}"]\n');
    const b = await write('b.yaml', 'name: y_bar\ncommand: bar\nformats: ["pack {{y}} bar"]\n');
    // A generic catch-all is less specific than both, so it never ties with them.
    await write('c.yaml', 'name: info\ncommand: info\nformats: ["pack info {{pack}}", "pack {{verb}} {{pack}}"]\n');
    const { table, warnings } = await loadAliasTable([dir]);
    const expected = [`aliases "foo_x" (${a}) and "y_bar" (${b}) both match "pack foo bar"`];
    expect(table.collisions()).toEqual(expected);
    expect(warnings).toEqual(expected);
  });

  it('does not report an alias that is always strictly more specific', async () => {
    await write('a.yaml', 'name: status\ncommand: status\nformats: ["pack status {{pack=\\"\\"}}"]\n');
    await write('b.yaml', 'name: status_all\ncommand: status\nformats: ["pack status all"]\n');
    const { table } = await loadAliasTable([dir]);
    expect(table.collisions()).toEqual([]);
  });
});
