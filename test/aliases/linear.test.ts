import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AliasTable, compileFormat, parseFormat } from '../../src/domain/aliases/index.js';
import { isPackbotError } from '../../src/core/errors.js';
import { alias } from './helpers.js';
import { referenceParse } from './reference.js';

/**
 * The alias matcher cannot backtrack (issue 19). Proven by counting its work, not timing it:
 * every parse reports its steps, and on texts built to make a backtracking engine explode
 * (1,000 and 10,000 characters, formats with 1–8 params) the steps stay within a constant
 * times len(text) × len(program), and grow tenfold when the text does.
 */
const paramList = (k: number, opt = false) => Array.from({ length: k }, (_, i) => (opt && i > 0 ? `{{p${i}=""}}` : `{{p${i}}}`)).join(' ');

const FORMATS = (k: number) => [
  `gh issue create ${paramList(k)} now`,
  `pack deploy ${paramList(k)} --force`,
  `run ${paramList(k, true)} to {{env=staging}}`,
  `send ${Array.from({ length: k }, (_, i) => `{{p${i}}}`).join(' to ')} done`,
];

const TRAPS = (n: number) => {
  const fill = (unit: string, head: string, tail = '') => head + unit.repeat(Math.floor((n - head.length - tail.length) / unit.length)) + tail;
  return [fill(' a', 'gh issue create', ' x!'), fill(' a', 'pack deploy', ' "'), fill(' "a"', 'run', ' "'), fill(' {a}', 'send', ' {'), fill(' a to', 'send', ' x!'), fill(' k=v', 'run a', ' "'), fill(' a "b {c', 'gh issue create')];
};

function stepsOf(format: string, text: string, run: 'parse' | 'matchBody') {
  const f = compileFormat(format);
  const stats = { steps: 0 };
  const result = run === 'parse' ? f.parse(text, stats) : f.matchBody(text, stats);
  return { steps: stats.steps, size: f.program.insts.length, matched: result !== null };
}

describe('the alias matcher works in linear time', () => {
  for (let k = 1; k <= 8; k++) {
    it(`formats with ${k} params: steps ≤ 3·(n+1)·len(program) on 1k/10k traps, and ×10 text ≈ ×10 steps`, () => {
      for (const format of FORMATS(k)) {
        for (const [t, small] of TRAPS(1000).entries()) {
          const large = TRAPS(10_000)[t]!;
          for (const run of ['parse', 'matchBody'] as const) {
            const a = stepsOf(format, small, run);
            const b = stepsOf(format, large, run);
            expect(a.steps, `${format} / trap ${t} / ${run}`).toBeLessThanOrEqual(3 * (small.length + 1) * a.size);
            expect(b.steps, `${format} / trap ${t} / ${run}`).toBeLessThanOrEqual(3 * (large.length + 1) * b.size);
            // Quadratic would be ×100; allow the fixed start-up cost on top of ×10.
            expect(b.steps, `${format} / trap ${t} / ${run}`).toBeLessThanOrEqual(11 * a.steps + 50 * a.size);
          }
        }
      }
    });
  }

  it('nested quantifiers that are exponential for a backtracking engine stay linear', () => {
    for (const format of ['x (?:a+)+b {{p}}', 'x (?:a|a)*b', 'x (?:a*)*b {{p=""}}', '(?:\\w+\\s?)+$']) {
      const stats = { steps: 0 };
      const text = `x ${'a'.repeat(10_000)}!`;
      const f = compileFormat(format);
      expect(f.parse(text, stats)).toBeNull();
      expect(f.matchBody(text, stats)).toBeNull();
      expect(stats.steps).toBeLessThanOrEqual(6 * (text.length + 1) * f.program.insts.length);
    }
  });

  it('many trailing key=value pairs are answered in one pass, not one pass per split', () => {
    const f = compileFormat('run {{a}} {{b}} now');
    const few = { steps: 0 };
    const many = { steps: 0 };
    expect(f.parse(`run a${' k=v'.repeat(100)}`, few)).toBeNull();
    expect(f.parse(`run a${' k=v'.repeat(2000)}`, many)).toBeNull();
    expect(many.steps).toBeLessThanOrEqual(25 * few.steps);
  });

  it('a table answers a long message with steps linear in its length', () => {
    const table = new AliasTable([alias('deploy', ['pack deploy {{repo}} {{packs}} {{branch=""}}', 'pack deploy {{repo}}']), alias('say', ['say {{message}} now'])]);
    expect(table.match(`say ${'a '.repeat(5000)}`)).toMatchObject({ kind: 'none' });
    expect(table.match(`pack deploy r ${'k=v '.repeat(3000)}`)).toMatchObject({ kind: 'match', match: { params: { repo: 'r', k: 'v' } } });
  });
});

describe('constructs a linear engine bounds', () => {
  it('a bounded lookaround works; an unbounded one is refused with a fix', () => {
    expect(parseFormat('deploy (?=\\w{1,5}\\b){{pack}}', 'deploy web')).toEqual({ pack: 'web' });
    expect(() => parseFormat('deploy (?!prod){{env}}', 'deploy prod')).toThrow(/doesn't match/);
    expect(parseFormat('deploy (?!prod){{env}}', 'deploy qa')).toEqual({ env: 'qa' });
    let error: unknown;
    try {
      compileFormat('deploy (?=.*x){{pack}}');
    } catch (err) {
      error = err;
    }
    expect(isPackbotError(error) && error.code).toBe('alias_format_invalid');
    expect(String((error as Error).message)).toMatch(/linear time; bound it/);
  });

  it('backreferences still match, compared case-insensitively', () => {
    expect(parseFormat('(?P<word>\\w+) and (?P=word)', 'Hey and hey')).toEqual({ word: 'Hey' });
    expect(parseFormat('(\\w+) is \\1 {{x}}', 'a is a b')).toEqual({ x: 'b' });
  });
});

// Formats and texts from small alphabets, so texts often (partly) match and cover quotes,
// objects, defaults, pairs, groups and alternations; texts stay short for the reference.
const formatPiece = fc.constantFrom('go', 'to', 'a', ' ', ' ', '{{x}}', '{{y=""}}', '{{z=d}}', '(?:a|b)', 'c?', '\\d+', '[ab]', '(?<g>a|bb)', '(?:to )?', '$', '^', '.', 'x*?', ',');
const textPiece = fc.constantFrom('go', 'to', 'a', 'b', 'bb', ' ', ' ', '  ', '"q r"', "'s'", '{"k": 1}', '{', '}', 'k=v', 'n="m o"', '1', '22', ',', 'x', 'c', '=', 'A', 'GO');

describe('property: the linear matcher gives the backtracking matcher’s results', () => {
  it('on random formats and texts', () => {
    fc.assert(
      fc.property(fc.array(formatPiece, { minLength: 1, maxLength: 7 }), fc.array(textPiece, { maxLength: 9 }), (pieces, words) => {
        let f;
        try {
          f = compileFormat(pieces.join(''));
        } catch {
          return;
        }
        const text = words.join('');
        expect(f.parse(text)).toEqual(referenceParse(f, text));
      }),
      { numRuns: 3000 },
    );
  });
});
