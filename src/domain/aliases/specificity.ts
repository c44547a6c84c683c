import type { Node } from './syntax.js';

/**
 * Specificity decides between formats that all match one text.
 *
 * Rule: compare, in order,
 *   1. literal weight: the letters and digits a matching text must contain literally, per
 *      the format (placeholders, character classes, escapes like `\d` and optional parts
 *      count zero; an alternation counts its weakest branch, `{n}` counts n times). For a
 *      plain format this is simply the number of letters/digits outside placeholders:
 *      `pack lock extend {{pack}}` weighs 14, `pack {{verb}} {{pack}}` weighs 4;
 *   2. captured: how many params took their value from the text rather than a default.
 * The lexicographically greater (weight, captured) wins. Equal tuples at the top are a tie:
 * across aliases that is an ambiguous reply (and a reported collision); within one alias the
 * earlier representation is taken silently.
 */
export interface Specificity {
  weight: number;
  captured: number;
}

const ALNUM = /^[\p{L}\p{N}]$/u;
const isAlnum = (c: string) => ALNUM.test(c);

export function literalWeight(seq: readonly Node[]): number {
  let total = 0;
  for (const node of seq) total += nodeWeight(node);
  return total;
}

function nodeWeight(node: Node): number {
  switch (node.kind) {
    case 'char':
      return isAlnum(node.value) ? 1 : 0;
    case 'group':
      return node.lookaround ? 0 : Math.min(...node.alternatives.map(literalWeight));
    case 'repeat':
      return node.min * nodeWeight(node.node);
    default:
      return 0;
  }
}

/** Positive if `a` is more specific than `b`, negative if less, 0 on a tie. */
export function compareSpecificity(a: Specificity, b: Specificity): number {
  return a.weight - b.weight || a.captured - b.captured;
}
