import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/domain/aliases/index.js';

describe('normalizeText', () => {
  it.each<[string, string, string]>([
    ['curly double quotes', '\u201Chi\u201D', '"hi"'],
    ['low and reversed double quotes', '\u201Ehi\u201F', '"hi"'],
    ['guillemets', '\u00ABhi\u00BB', '"hi"'],
    ['curly single quotes', '\u2018hi\u2019', "'hi'"],
    ['low and reversed single quotes', '\u201Ahi\u201B', "'hi'"],
    ['NBSP', 'a\u00A0b', 'a b'],
    ['narrow NBSP', 'a\u202Fb', 'a b'],
    ['figure space', 'a\u2007b', 'a b'],
    ['em space and ideographic space', 'a\u2003b\u3000c', 'a b c'],
    ['zero-width space, joiners, BOM', '\uFEFFa\u200Bb\u200Cc\u200Dd\u2060', 'abcd'],
    ['trims ends, keeps inner runs', '  a  b \u00A0', 'a  b'],
    ['plain ASCII untouched', 'pack deploy "x" \'y\'', 'pack deploy "x" \'y\''],
  ])('%s', (_label, input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });
});
