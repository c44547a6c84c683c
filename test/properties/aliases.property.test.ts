import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileFormat, loadAliasTable, type AliasTable } from '../../src/domain/aliases/index.js';
import { isPackbotError } from '../../src/core/errors.js';
import { ROOT } from '../helpers/cli.js';

// Literal words are letters only and every value word holds a digit, so a value can never be
// mistaken for a literal (matching is case-insensitive) and the format has one reading.
const literalArb = fc.stringMatching(/^[a-z]{2,8}$/);
const wordArb = fc.stringMatching(/^[0-9][A-Za-z0-9._/:@,-]{0,12}$/);
const nameArb = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/);

type Token = { literal: string } | { param: string; words: string[] };

/** literal (literal | param)*, with distinct param names; only a final param may span words. */
const formatArb = fc
  .tuple(literalArb, fc.array(fc.oneof(literalArb.map((literal) => ({ literal })), fc.record({ name: nameArb, words: fc.array(wordArb, { minLength: 1, maxLength: 3 }) })), { maxLength: 6 }))
  .map(([first, rest]) => {
    const tokens: Token[] = [{ literal: first }];
    const seen = new Set<string>();
    rest.forEach((t, i) => {
      if ('literal' in t) tokens.push(t);
      else if (!seen.has(t.name)) {
        seen.add(t.name);
        tokens.push({ param: t.name, words: i === rest.length - 1 ? t.words : t.words.slice(0, 1) });
      }
    });
    return tokens;
  });

const pairsArb = fc.array(fc.tuple(fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/), wordArb), { maxLength: 3 });

describe('property: alias formats', () => {
  it('a text rendered from a format with any param values parses back to those values (and trailing key=value pairs)', () => {
    fc.assert(
      fc.property(formatArb, pairsArb, fc.constantFrom(' ', '  ', '\t'), (tokens, pairs, gap) => {
        const format = tokens.map((t) => ('literal' in t ? t.literal : `{{${t.param}}}`)).join(' ');
        const body = tokens.map((t) => ('literal' in t ? t.literal : t.words.join(' '))).join(gap);
        const text = [body, ...pairs.map(([k, v]) => `${k}=${v}`)].join(' ');
        const expected: Record<string, string> = {};
        for (const t of tokens) if (!('literal' in t)) expected[t.param] = t.words.join(' ');
        for (const [k, v] of pairs) expected[k] = v;
        expect(compileFormat(format).parse(text)).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('an optional param left out takes its default; given, takes the value', () => {
    fc.assert(
      fc.property(literalArb, nameArb, wordArb, fc.option(wordArb, { nil: undefined }), (lead, name, fallback, given) => {
        const compiled = compileFormat(`${lead} {{${name}=${fallback}}}`);
        expect(compiled.parse(given === undefined ? lead : `${lead} ${given}`)).toEqual({ [name]: given ?? fallback });
      }),
      { numRuns: 200 },
    );
  });

  it('any format string either compiles or is refused with a PackbotError; a compiled one never throws on any text', () => {
    const piece = fc.constantFrom('{{', '}}', '{{x}}', '{{y=1}}', '(', ')', '(?:', '|', '*', '+', '?', '\\', '[', ']', '^', '$', ' ', 'a', 'deploy', '"', "'", '=', '{', '}');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), fc.string({ maxLength: 200 }), (pieces, text) => {
        let compiled;
        try {
          compiled = compileFormat(pieces.join(''));
        } catch (err) {
          expect(isPackbotError(err)).toBe(true);
          return;
        }
        const parsed = compiled.parse(text);
        expect(parsed === null || typeof parsed === 'object').toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});

describe('property: the real alias table on arbitrary chat text', () => {
  let table: AliasTable;
  beforeAll(async () => {
    table = (await loadAliasTable([path.join(ROOT, 'aliases')])).table;
  });

  it('never throws and always answers match, ambiguous or none', () => {
    const chatPiece = fc.oneof(
      fc.string({ maxLength: 40, unit: 'binary' }),
      fc.constantFrom('pack', 'deploy', 'rollback', 'lock', 'extend', 'help', 'all', 'force=true', 'x=', '=', '"', "'", '“', '”', '\u00a0', '{', '}', '{"a": {"b": 1}}', ' ', '\t', '\n', ','),
    );
    fc.assert(
      fc.property(fc.array(chatPiece, { maxLength: 60 }), (pieces) => {
        const text = pieces.join('').slice(0, 1000);
        const result = table.match(text);
        expect(['match', 'ambiguous', 'none']).toContain(result.kind);
        if (result.kind === 'match') for (const v of Object.values(result.match.params)) expect(typeof v).toBe('string');
      }),
      { numRuns: 500 },
    );
  });

  it('finishes on long adversarial commands (spaces, quotes, pairs) up to the dispatcher limit', () => {
    const hostile = [
      `pack deploy ${'a '.repeat(495)}`,
      `pack deploy ${'x=1 '.repeat(249)}`,
      `pack deploy "${'a" "'.repeat(199)}`,
      `pack deploy {${'{'.repeat(480)}${'}'.repeat(480)}`,
      `pack lock extend ${' '.repeat(980)}x`,
      `${'pack '.repeat(200)}`,
    ];
    for (const text of hostile) expect(['match', 'ambiguous', 'none']).toContain(table.match(text.slice(0, 1000)).kind);
  });
});
