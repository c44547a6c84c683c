import { describe, expect, it } from 'vitest';
import { AliasTable, compileFormat, parseFormat } from '../../src/domain/aliases/index.js';
import { PackbotError } from '../../src/core/errors.js';
import { alias } from './helpers.js';

type Case = [format: string, text: string, expected: Record<string, string | null>];

function formatError(format: string): PackbotError {
  try {
    compileFormat(format);
  } catch (err) {
    if (err instanceof PackbotError) return err;
    throw err;
  }
  throw new Error(`expected "${format}" to be refused`);
}

describe('Python regex syntax in formats (StackStorm formats are Python regexes)', () => {
  it.each<Case>([
    ['ticket (?P<key>[A-Z]+-\\d+)', 'ticket ABC-12', { key: 'ABC-12' }],
    ['(?P<word>\\w+) and (?P=word)', 'hey and hey', { word: 'hey' }],
    ['\\Aping {{host}}\\Z', 'ping db1', { host: 'db1' }],
    ['(?i)deploy {{pack}}', 'DEPLOY web', { pack: 'web' }],
    ['(?s)(?u)deploy {{pack}}', 'deploy web', { pack: 'web' }],
    ['(?ai)deploy {{pack}}', 'DEPLOY web', { pack: 'web' }],
    ['deploy(?# the verb) {{pack}}', 'deploy web', { pack: 'web' }],
    ['(?i:deploy|ship) {{pack}}', 'ship web', { pack: 'web' }],
    ['build v\\d{,2} {{target}}', 'build v linux', { target: 'linux' }],
    ['build v\\d{,2} {{target}}', 'build v12 linux', { target: 'linux' }],
  ])('%s ← %j', (format, text, expected) => {
    expect(parseFormat(format, text)).toEqual(expected);
  });

  it('translates to the exact JavaScript equivalent', () => {
    expect(compileFormat('(?P<word>\\w+) and (?P=word)').source).toBe('^\\s*(?<word>\\w+)\\s+and\\s+\\k<word>\\s*$');
    expect(compileFormat('\\Aping\\Z').source).toBe('^ping$');
    expect(compileFormat('build v\\d{,2}').source).toBe('^\\s*build\\s+v\\d{0,2}\\s*$');
    expect(() => parseFormat('(?P<word>\\w+) and (?P=word)', 'hey and ho')).toThrow(/doesn't match/);
    expect(() => parseFormat('build v\\d{,2} {{target}}', 'build v123 linux')).toThrow(/doesn't match/);
  });

  it.each<[string, RegExp]>([
    ['deploy (?i){{pack}}', /the inline flag "\(\?i\)" at column 8 must be at the start of the format .*; move it there/],
    ['(?x)deploy', /the verbose flag "\(\?x\)" at column 1 has no JavaScript equivalent in packbot; remove it/],
    ['(?m)deploy', /the multiline flag "\(\?m\)" at column 1 .*; remove it/],
    ['deploy (?-i:X)', /"\(\?-i:" at column 8 turns flags off inside a group, which JavaScript cannot do; remove "-i"/],
    ['deploy a*+', /the possessive quantifier "\*\+" at column 9 is Python-only; drop the last "\+"/],
    ['deploy a{1,2}+', /the possessive quantifier "\{1,2\}\+" at column 9 is Python-only/],
    ['deploy (?>a)', /the atomic group "\(\?>\.\.\.\)" at column 8 is Python-only; write "\(\?:\.\.\.\)" instead/],
    ['(?(1)a|b)', /the conditional group "\(\?\(\.\.\.\)\.\.\.\)" at column 1 has no JavaScript equivalent/],
    ['deploy (?#never', /the comment "\(\?#" at column 8 is never closed/],
    ['deploy (?P>x)', /"\(\?P" at column 8 is neither "\(\?P<name>\.\.\.\)" nor "\(\?P=name\)"/],
    ['deploy (?P<1x>a)', /group name "1x" is not a valid identifier/],
    ['(?P<x>a) (?P<x>b)', /group name "x" appears twice/],
  ])('%s is refused in one line naming the construct and the fix', (format, reason) => {
    const err = formatError(format);
    expect(err.code).toBe('alias_format_invalid');
    expect(err.message).toContain(`"${format}"`);
    expect(err.message).toMatch(reason);
    expect(err.message).not.toContain('\n');
  });
});

describe('params the text did not reach are null, as StackStorm returns them', () => {
  it.each<Case>([
    ['deploy (?P<pack>\\w+)(?: to (?P<env>\\w+))?', 'deploy web', { pack: 'web', env: null }],
    ['deploy (?P<pack>\\w+)(?: to (?P<env>\\w+))?', 'deploy web to prod', { pack: 'web', env: 'prod' }],
    ['deploy (?P<pack>\\w+)(?: to (?P<env>\\w+))?', 'deploy web env=prod', { pack: 'web', env: 'prod' }],
    ['(?:start {{a}}|stop {{b}})', 'stop x', { a: null, b: 'x' }],
    ['(?:start {{a}}|stop {{b=all}})', 'start x', { a: 'x', b: 'all' }],
    ['status {{pack=all}}', 'status', { pack: 'all' }],
  ])('%s ← %j', (format, text, expected) => {
    expect(parseFormat(format, text)).toEqual(expected);
  });

  it('carries null through the alias table', () => {
    const table = new AliasTable([alias('deploy', ['deploy (?P<pack>\\w+)(?: to (?P<env>\\w+))?'])]);
    const result = table.match('deploy web');
    expect(result.kind === 'match' && result.match.params).toEqual({ pack: 'web', env: null });
  });
});

describe("StackStorm's padding: the text is matched as \" text \"", () => {
  it.each<Case>([
    // A format starting with an optional param: the blank before `go` is the padding.
    ['{{ p0=x }} go {{what}}', 'go home', { p0: 'x', what: 'home' }],
    ['{{ p0=x }} go {{what}}', 'y go home', { p0: 'y', what: 'home' }],
    // A `.` after an omitted optional param matches the padding, as in StackStorm.
    ['skip {{e=y}}.', 'skip', { e: 'y' }],
    // Own groups never include the padding (StackStorm's would end in a blank here).
    ['say (?P<msg>.+)', 'say hello world', { msg: 'hello world' }],
    ['(?P<all>.*)', 'anything at all', { all: 'anything at all' }],
    // A side the format anchors itself is not padded.
    ['^status$', 'status', {}],
  ])('%s ← %j', (format, text, expected) => {
    expect(parseFormat(format, text)).toEqual(expected);
  });

  it('refuses a blank command that fills no param, with StackStorm wording', () => {
    expect(() => parseFormat('{{x=""}}', '')).toThrow('No value supplied and no default value found.');
    expect(parseFormat('{{x=all}}', '')).toEqual({ x: 'all' });
  });
});
