import { describe, expect, it } from 'vitest';
import { pairVariants, trailingPairs } from '../../src/domain/aliases/kvpairs.js';

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
