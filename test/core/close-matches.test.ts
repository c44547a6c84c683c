import { describe, expect, it } from 'vitest';
import { closeMatches, editDistance, listNames, oneOf } from '../../src/core/close-matches.js';

describe('closeMatches', () => {
  it('finds a typo, a transposition and a case difference', () => {
    expect(closeMatches('featre-x', ['main', 'feature-x', 'feature-y-long'])).toEqual(['feature-x']);
    expect(closeMatches('dokcer', ['alpha', 'docker', 'beta'])).toEqual(['docker']);
    expect(closeMatches('Main', ['dev', 'main'])).toEqual(['main']);
  });

  it('gives at most three, nearest first, ties in the order given', () => {
    expect(closeMatches('feature-xy', ['feature-ab', 'feature-xz', 'feature-qq', 'feature-x'])).toEqual(['feature-xz', 'feature-x', 'feature-ab']);
    expect(closeMatches('pack-x', ['pack-a', 'pack-x1', 'pack-b', 'pack-c'])).toEqual(['pack-a', 'pack-x1', 'pack-b']);
  });

  it('allows about one edit per four characters, so short names do not match everything', () => {
    expect(closeMatches('ab', ['xy', 'cd'])).toEqual([]);
    expect(closeMatches('beta', ['alpha'])).toEqual([]);
    expect(closeMatches('release-2024-x', ['release-2025-y'])).toEqual(['release-2025-y']);
    expect(closeMatches('zzz', [])).toEqual([]);
  });

  it('does not offer the word itself', () => {
    expect(closeMatches('main', ['main', 'mainx'])).toEqual(['mainx']);
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one each', () => {
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('abc', 'acb')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('listNames and oneOf', () => {
  it('lists up to ten names whole, then says how many more', () => {
    expect(listNames(['a', 'b'])).toBe('`a`, `b`');
    const many = Array.from({ length: 12 }, (_, i) => `p${i}`);
    expect(listNames(many)).toBe(`${many.slice(0, 10).map((n) => `\`${n}\``).join(', ')} and 2 more`);
  });

  it('joins alternatives with "or"', () => {
    expect(oneOf(['a'])).toBe('`a`');
    expect(oneOf(['a', 'b', 'c'])).toBe('`a`, `b` or `c`');
  });
});
