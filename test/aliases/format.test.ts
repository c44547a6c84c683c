import { describe, expect, it } from 'vitest';
import { compileFormat, parseFormat } from '../../src/domain/aliases/index.js';
import { PackbotError } from '../../src/core/errors.js';

type Case = [format: string, text: string, expected: Record<string, string>];

const noMatch = (format: string, text: string) => `Command "${text}" doesn't match format string "${format}"`;

describe('parseFormat: placeholders and values', () => {
  it.each<Case>([
    ['say {{message}}', 'say hello', { message: 'hello' }],
    ['say {{message}}', 'say hello world', { message: 'hello world' }],
    ['copy {{src}} {{dst}}', 'copy a b c', { src: 'a', dst: 'b c' }],
    ['copy {{ src }} {{ dst }}', 'copy a b', { src: 'a', dst: 'b' }],
    ['say {{message}}', 'say "hello   world"', { message: 'hello   world' }],
    ['say {{message}}', "say 'hello world'", { message: 'hello world' }],
    ['copy {{src}} {{dst}}', 'copy "my file" "your file"', { src: 'my file', dst: 'your file' }],
    ['copy {{src}} {{dst}}', `copy 'a b' c`, { src: 'a b', dst: 'c' }],
    ['run {{payload}}', 'run {"a": 1}', { payload: '{"a": 1}' }],
    ['run {{payload}}', 'run {"a": {"b": {"c": 1}}}', { payload: '{"a": {"b": {"c": 1}}}' }],
    ['send {{payload}} to {{target}}', 'send {"a": {"b": 1}} to {"c": 2}', { payload: '{"a": {"b": 1}}', target: '{"c": 2}' }],
    ['say {{message}}', 'say   spaced    out  ', { message: 'spaced    out' }],
    ['pack deploy {{repo}}', 'pack\tdeploy\n st2contrib', { repo: 'st2contrib' }],
  ])('%s ← %j', (format, text, expected) => {
    expect(parseFormat(format, text)).toEqual(expected);
  });
});

describe('parseFormat: defaults', () => {
  it.each<Case>([
    ['pack status {{pack=""}}', 'pack status', { pack: '' }],
    ['pack status {{pack="all packs"}}', 'pack status', { pack: 'all packs' }],
    ["pack status {{pack='all packs'}}", 'pack status', { pack: 'all packs' }],
    ['pack status {{pack=all}}', 'pack status', { pack: 'all' }],
    ['pack status {{ pack = all }}', 'pack status', { pack: 'all' }],
    ['pack status {{pack=}}', 'pack status', { pack: '' }],
    ['pack status {{pack=all}}', 'pack status docker', { pack: 'docker' }],
    ['run {{payload={"a": 1}}}', 'run', { payload: '{"a": 1}' }],
    ['run {{ payload = {"a": {"b": 2}} }}', 'run', { payload: '{"a": {"b": 2}}' }],
    ['run {{payload={}}}', 'run', { payload: '{}' }],
    ['deploy {{pack}} {{branch=main}}', 'deploy docker', { pack: 'docker', branch: 'main' }],
    ['deploy {{pack}} {{branch=main}}', 'deploy docker dev', { pack: 'docker', branch: 'dev' }],
    ['deploy {{pack}} {{branch=main}}', 'deploy docker ""', { pack: 'docker', branch: 'main' }],
    ['deploy {{pack=core}} now', 'deploy now', { pack: 'core' }],
    ['deploy {{pack=core}} now', 'deploy web now', { pack: 'web' }],
  ])('%s ← %j', (format, text, expected) => {
    expect(parseFormat(format, text)).toEqual(expected);
  });
});

describe('parseFormat: regular expressions in formats', () => {
  it.each<Case>([
    ['(?:deploy|ship) {{pack}}', 'ship docker', { pack: 'docker' }],
    ['(?:deploy|ship) {{pack}}', 'deploy docker', { pack: 'docker' }],
    ['pack (?:info|show) {{pack}}', 'pack show sensu', { pack: 'sensu' }],
    ['deploy [a-z]+ to {{env}}', 'deploy web to prod', { env: 'prod' }],
    ['build v\\d+\\.\\d+ {{target}}', 'build v1.2 linux', { target: 'linux' }],
    ['^status$', 'status', {}],
    ['^ping {{host}}$', 'ping db1', { host: 'db1' }],
    ['colou?r {{name}}', 'color red', { name: 'red' }],
    ['colou?r {{name}}', 'colour red', { name: 'red' }],
    ['set (?<scope>global|local) {{key}}', 'set local foo', { scope: 'local', key: 'foo' }],
    ['pack  deploy {{repo}}', 'pack deploy x', { repo: 'x' }],
    ['pack deploy {{repo}}', 'pack      deploy x', { repo: 'x' }],
    // Anchors inside groups count, as in StackStorm: neither side gets one added, so this
    // idiom (from StackStorm's own fixtures) finds the issue key mid-message.
    ['(?:\\b|^)fixes (?P<key>[A-Z]+-[0-9]+)(?:\\b|$)', 'JKROWLING-4 fixes JRRTOLKIEN-24 which fixes DRSEUSS-12', { key: 'JRRTOLKIEN-24' }],
    ['status(?:$| now)', 'status now', {}],
  ])('%s ← %j', (format, text, expected) => {
    expect(parseFormat(format, text)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['^status$', 'status now'],
    ['(?:deploy|ship) {{pack}}', 'push docker'],
    ['deploy [a-z]+ to {{env}}', 'deploy 123 to prod'],
    ['build v\\d+ {{target}}', 'build vX linux'],
    ['pack status {{pack=""}}', 'pack statusfoo'],
    // Of an alternation StackStorm looks only at the second branch: here `^\s*` is added.
    ['(?:^fixes|closes) {{key}}', 'see closes X-1'],
    ['status(?:$| now)', 'status now please'],
  ])('%s rejects %j with StackStorm wording', (format, text) => {
    expect(() => parseFormat(format, text)).toThrow(noMatch(format, text));
  });
});

describe('parseFormat: key=value pairs', () => {
  it.each<Case>([
    ['pack deploy {{repo}}', 'pack deploy st2contrib force=true', { repo: 'st2contrib', force: 'true' }],
    ['pack deploy {{repo}}', 'pack deploy st2contrib force=true dry_run=1', { repo: 'st2contrib', force: 'true', dry_run: '1' }],
    ['pack deploy {{repo}}', 'pack deploy st2contrib repo=other', { repo: 'other' }],
    ['pack status {{pack=""}}', 'pack status docker pack=sensu', { pack: 'sensu' }],
    ['pack deploy {{repo}}', 'pack deploy x note="two words"', { repo: 'x', note: 'two words' }],
    ['pack deploy {{repo}}', "pack deploy x note='two words'", { repo: 'x', note: 'two words' }],
    ['pack deploy {{repo}}', 'pack deploy x extra={"a": {"b": 1}}', { repo: 'x', extra: '{"a": {"b": 1}}' }],
    ['pack deploy {{repo}}', 'pack deploy x sha=a=b', { repo: 'x', sha: 'a=b' }],
    ['pack deploy {{repo}}', 'pack deploy x empty=""', { repo: 'x', empty: '' }],
    ['say {{message}}', 'say "a b=c" d=e', { message: 'a b=c', d: 'e' }],
    ['say {{message}}', 'say x=1 then more', { message: 'x=1 then more' }],
  ])('%s ← %j', (format, text, expected) => {
    expect(parseFormat(format, text)).toEqual(expected);
  });
});

describe('parseFormat: case and chat-client noise', () => {
  it.each<Case>([
    ['pack deploy {{repo}}', 'PACK Deploy St2Contrib', { repo: 'St2Contrib' }],
    ['(?:deploy|ship) {{pack}}', 'SHIP MyPack', { pack: 'MyPack' }],
    ['say {{message}}', 'say \u201Chello world\u201D', { message: 'hello world' }],
    ['say {{message}}', 'say \u2018hello world\u2019', { message: 'hello world' }],
    ['say {{message}}', 'say \u201Ehello world\u201F', { message: 'hello world' }],
    ['say {{message}}', 'say \u00ABhello world\u00BB', { message: 'hello world' }],
    ['pack deploy {{repo}}', 'pack\u00A0deploy\u202Fst2contrib', { repo: 'st2contrib' }],
    ['pack deploy {{repo}}', 'pack\u2007deploy st2\u200Bcontrib\u200D', { repo: 'st2contrib' }],
    ['pack deploy {{repo}}', 'pack deploy x note=\u201Ctwo words\u201D', { repo: 'x', note: 'two words' }],
  ])('%s ← %j', (format, text, expected) => {
    expect(parseFormat(format, text)).toEqual(expected);
  });
});

describe('StackStorm defects fixed on purpose', () => {
  it.each<Case>([
    // st2#3882: a URL ending in `=` or `?a=b` is a value, never a key=value pair.
    ['open {{url}}', 'open https://example.com/?a=b', { url: 'https://example.com/?a=b' }],
    ['open {{url}}', 'open https://example.com/?token=', { url: 'https://example.com/?token=' }],
    ['open {{url}}', 'open https://example.com/?a=b mode=tab', { url: 'https://example.com/?a=b', mode: 'tab' }],
    // st2#5074: a value holding `=` no longer fails the whole parse.
    ['echo {{message}}', 'echo foo=bar', { message: 'foo=bar' }],
    // Fewer pairs are stripped until the format matches: the last pair stays a pair.
    ['echo {{message}}', 'echo a=1 b=2', { message: 'a=1', b: '2' }],
    ['echo {{message}} {{level=info}}', 'echo foo=bar warn', { message: 'foo=bar', level: 'warn' }],
    // Trailing whitespace no longer defeats a default.
    ['pack status {{pack=all}}', 'pack status ', { pack: 'all' }],
    ['pack status {{pack=all}}', 'pack status \u00A0 \t', { pack: 'all' }],
    ['pack status {{pack=all}}', 'pack status ""', { pack: 'all' }],
  ])('%s ← %j', (format, text, expected) => {
    expect(parseFormat(format, text)).toEqual(expected);
  });
});

describe('errors', () => {
  it.each<[string, string]>([
    ['pack deploy {{repo}}', 'pack deploy'],
    ['pack deploy {{repo}}', 'deploy pack x'],
    ['{{phrase}}', ''],
  ])('%s ← %j is alias_no_match', (format, text) => {
    const err = catchError(() => parseFormat(format, text));
    expect(err.code).toBe('alias_no_match');
    expect(err.message).toBe(noMatch(format, text));
  });

  it.each<[string, RegExp]>([
    ['deploy (unclosed {{x}}', /never closed/],
    ['deploy {{x', /not closed with "}}"/],
    ['deploy {{}}', /has no name/],
    ['deploy {{x}} {{x}}', /appears twice/],
    ['deploy [a-z {{x}}', /unterminated "\["/],
    ['deploy a{3,1}', /not a valid regular expression/],
    ['deploy (?>a)', /atomic group "\(\?>\.\.\.\)" at column 8 is Python-only; write "\(\?:\.\.\.\)"/],
    ['deploy )', /unmatched "\)"/],
    ['deploy {{x}}+', /cannot be repeated/],
  ])('%s → alias_format_invalid', (format, reason) => {
    const err = catchError(() => compileFormat(format));
    expect(err.code).toBe('alias_format_invalid');
    expect(err.message).toContain(`"${format}"`);
    expect(err.message).toMatch(reason);
  });
});

describe('compileFormat', () => {
  it('exposes source and param names, anchored unless the format anchors itself', () => {
    const plain = compileFormat('pack deploy {{repo}} {{branch=main}}');
    expect(plain.paramNames).toEqual(['repo', 'branch']);
    expect(plain.source.startsWith('^\\s*pack\\s+deploy')).toBe(true);
    expect(plain.source.endsWith('\\s*$')).toBe(true);
    expect(plain.regex.flags).toBe('is');
    const own = compileFormat('^status$');
    expect(own.source).toBe('^status$');
  });

  it('reuses one compiled format across many texts', () => {
    const f = compileFormat('pack info {{pack}}');
    expect(['pack info a', 'pack info b', 'nope'].map((t) => f.parse(t))).toEqual([{ pack: 'a' }, { pack: 'b' }, null]);
  });
});

function catchError(fn: () => unknown): PackbotError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PackbotError) return err;
    throw err;
  }
  throw new Error('expected a PackbotError');
}
