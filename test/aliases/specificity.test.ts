import { describe, expect, it } from 'vitest';
import { compileFormat } from '../../src/domain/aliases/index.js';
import { compareSpecificity } from '../../src/domain/aliases/specificity.js';
import { literalPrefix } from '../../src/domain/aliases/prefix.js';

describe('literal weight', () => {
  it.each<[string, number]>([
    ['pack deploy {{repo}}', 10],
    ['pack lock extend {{pack}} {{duration}}', 14],
    ['pack {{verb}} {{pack}}', 4],
    ['{{phrase}}', 0],
    ['(?:deploy|ship) {{x}}', 4],
    ['pack (?:info|show)? {{x}}', 4],
    ['v\\d+ [a-z]+ go', 3],
    ['x{3} y', 4],
    ['colou?r', 5],
    ['^status$', 6],
  ])('%s weighs %i', (format, weight) => {
    expect(compileFormat(format).literalWeight).toBe(weight);
  });
});

describe('compareSpecificity', () => {
  it.each<[[number, number], [number, number], number]>([
    [[10, 1], [4, 2], 1],
    [[4, 2], [10, 1], -1],
    [[10, 2], [10, 1], 1],
    [[10, 1], [10, 1], 0],
  ])('%j vs %j → sign %i', ([w1, c1], [w2, c2], sign) => {
    expect(Math.sign(compareSpecificity({ weight: w1, captured: c1 }, { weight: w2, captured: c2 }))).toBe(sign);
  });
});

describe('literal prefix', () => {
  it.each<[string, string]>([
    ['pack deploy {{repo}}', 'pack deploy'],
    ['Pack  Status {{pack=""}}', 'pack status'],
    ['^ping {{host}}$', 'ping'],
    ['pack (?:info|show) {{x}}', 'pack'],
    ['{{phrase}}', ''],
  ])('%s → %j', (format, prefix) => {
    expect(literalPrefix(compileFormat(format).syntax)).toBe(prefix);
  });
});
