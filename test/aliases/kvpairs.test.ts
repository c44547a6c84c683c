import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { braceMatcher, pairVariants, trailingPairs } from '../../src/domain/aliases/kvpairs.js';
import { matchingBrace } from '../../src/domain/aliases/placeholder.js';

const pairs = (text: string) => trailingPairs(text).map(({ key, value }) => [key, value]);

describe('trailingPairs', () => {
  it.each<[string, string[][]]>([
    ['deploy x', []],
    ['deploy x a=1', [['a', '1']]],
    ['deploy x a=1 b_2=two', [['a', '1'], ['b_2', 'two']]],
    ['deploy a=1 x b=2', [['b', '2']]],
    ['deploy x note="two words" n=1', [['note', 'two words'], ['n', '1']]],
    ["deploy x note='two words'", [['note', 'two words']]],
    ['deploy x obj={"a": {"b": "}"}}', [['obj', '{"a": {"b": "}"}}']]],
    ['deploy x sha=a=b', [['sha', 'a=b']]],
    ['deploy x e=""', [['e', '']]],
    ['deploy x e=', []],
    ['open https://example.com/?a=b', []],
    ['open https://example.com/?token=', []],
    ['open x 1a=b', []],
    ['open x -a=b', []],
    ['say "a b=c"', []],
    ['say x=y"', [['x', 'y"']]],
  ])('%j', (text, expected) => {
    expect(pairs(text)).toEqual(expected);
  });
});

describe('pairVariants', () => {
  it('strips all pairs first, then fewer, down to none', () => {
    expect(pairVariants('echo a=1 b=2').map((v) => [v.body, v.pairs.map((p) => p.key)])).toEqual([
      ['echo', ['a', 'b']],
      ['echo a=1', ['b']],
      ['echo a=1 b=2', []],
    ]);
  });

  it('has a single variant when there are no pairs', () => {
    expect(pairVariants('echo hi')).toEqual([{ body: 'echo hi', pairs: [] }]);
  });
});

/**
 * The `{...}` scan of trailing pairs (issue 19): one text's braces are settled together, so a
 * message full of unclosed braces costs one pass, not one pass to its end per brace (which
 * made a 10,000-character message cost 10,000² steps). Work is counted, not timed.
 */
describe('braces of trailing pairs', () => {
  it('close where the format parser closes them, whatever order they are asked in', () => {
    const text = fc.array(fc.constantFrom('{', '}', '"', "'", ' ', 'a', 'k='), { maxLength: 40 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, fc.array(fc.nat()), (t, picks) => {
        const opens = [...t].flatMap((c, i) => (c === '{' ? [i] : []));
        const braces = braceMatcher(t);
        // Asked in a scrambled order: what one scan settled must hold for the later asks too.
        const order = picks.map((p) => opens[p % Math.max(opens.length, 1)]).filter((o) => o !== undefined).concat(opens);
        for (const open of order) expect(braces(open), `${JSON.stringify(t)} at ${open}`).toBe(matchingBrace(t, open));
      }),
      { numRuns: 500, seed: 19 },
    );
  });

  it.each(['{ ', '{"a" ', '{ "', '" {a" {', "{' \"} ", "'a \"b' {c ", 'a={ "'])('1k and 10k messages of %j: steps linear in the length, pairs still found', (unit) => {
    const steps = (n: number) => {
      const text = `run ${unit.repeat(Math.ceil(n / unit.length))} k=v`;
      const stats = { steps: 0 };
      expect(trailingPairs(text, stats).map((p) => [p.key, p.value])).toEqual([['k', 'v']]);
      expect(stats.steps).toBeLessThanOrEqual(3 * text.length);
      return stats.steps;
    };
    const [small, large] = [steps(1000), steps(10_000)];
    expect(large).toBeLessThanOrEqual(11 * small + 100);
  });
});
