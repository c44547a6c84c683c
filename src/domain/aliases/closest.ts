import type { CompiledAlias } from './matcher.js';
import type { AliasDefinition } from './types.js';

/**
 * "Did you mean": when nothing matches, the alias whose opening words are nearest to the
 * start of the text. Only the start is compared, since the rest holds the user's values.
 * Built once per table: each distinct prefix is kept once (its first alias wins, as before),
 * and the distance work is bounded: by the suggestion limit, by the best distance found so
 * far, by the length difference, and by the prefix's length (the text is only lower-cased and split once).
 */

const WHITESPACE_RUN = /\s+/g;

/** Optimal string alignment distance (Levenshtein plus adjacent swaps), or `bound + 1` once it must exceed `bound`. */
export function editDistance(a: string, b: string, bound = Infinity): number {
  if (Math.abs(a.length - b.length) > bound) return bound + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let least = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row.push(d);
      least = Math.min(least, d);
    }
    // Every later cell is at least the smallest of this row and the one before (swaps look back one).
    if (least > bound && i > 1 && Math.min(...prev) > bound) return bound + 1;
    before = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/** Close enough to suggest: at most 2 edits, or 40% of the prefix for longer ones. */
export function closeEnough(distance: number, prefix: string): boolean {
  return distance <= limitFor(prefix);
}

const limitFor = (prefix: string) => Math.max(2, Math.floor(prefix.length * 0.4));

interface Suggestion {
  prefix: string;
  words: number;
  alias: AliasDefinition;
  display: string;
  order: number;
}

interface Node {
  children: Map<string, Node>;
  suggestion?: Suggestion;
  /** The largest edit limit of any suggestion at or below this node: past it, prune. */
  limit: number;
}

/**
 * Suggestions in a trie of their prefixes, walked once per text with one row of the edit
 * distance table per trie node (shared by every prefix through it), so the work is bounded by
 * the trie's size near the text and never repeats a shared start; a branch is dropped once no
 * prefix below it can come within its limit. The row at depth L holds the distance of that
 * prefix to every start of the text, so both cuts (by characters, by words) are read off it.
 */
export class Suggester {
  readonly #root: Node = { children: new Map(), limit: 0 };
  #longest = 0;
  #mostWords = 0;

  constructor(aliases: readonly CompiledAlias[]) {
    let order = 0;
    for (const { alias, formats } of aliases) {
      for (const f of formats) {
        for (const prefix of [f.compiled.literalPrefix, f.displayPrefix]) {
          if (prefix === '') continue;
          let node = this.#root;
          for (const c of prefix) {
            let child = node.children.get(c);
            if (!child) {
              child = { children: new Map(), limit: 0 };
              node.children.set(c, child);
            }
            node = child;
          }
          // The first alias with a prefix keeps it, as a later equal one could never win.
          if (node.suggestion) continue;
          const words = prefix.split(' ').length;
          node.suggestion = { prefix, words, alias, display: f.display, order: order++ };
          this.#longest = Math.max(this.#longest, prefix.length);
          this.#mostWords = Math.max(this.#mostWords, words);
        }
      }
    }
    const limits = (node: Node): number => {
      node.limit = node.suggestion ? limitFor(node.suggestion.prefix) : 0;
      for (const child of node.children.values()) node.limit = Math.max(node.limit, limits(child));
      return node.limit;
    };
    limits(this.#root);
  }

  closest(normalizedText: string): { alias: AliasDefinition; display: string } | undefined {
    const text = normalizedText.toLowerCase().replace(WHITESPACE_RUN, ' ');
    // Where the first 1, 2, ... words of the text end (the cut by words).
    const wordEnds = [0];
    for (const word of text.split(' ', this.#mostWords)) wordEnds.push(wordEnds.length === 1 ? word.length : wordEnds.at(-1)! + 1 + word.length);
    const window = text.slice(0, Math.max(this.#longest, wordEnds.at(-1)!));
    let best: { s: Suggestion; distance: number } | undefined;
    const consider = (s: Suggestion, row: number[]) => {
      const byChars = row[Math.min(s.prefix.length, window.length)]!;
      const byWords = row[Math.min(wordEnds[Math.min(s.words, wordEnds.length - 1)]!, window.length)]!;
      const distance = Math.min(byChars, byWords);
      if (distance > limitFor(s.prefix)) return;
      // Nearer wins; on equal distance the longer prefix says more about the intent; then table order.
      if (!best || distance < best.distance || (distance === best.distance && (s.prefix.length > best.s.prefix.length || (s.prefix.length === best.s.prefix.length && s.order < best.s.order)))) {
        best = { s, distance };
      }
    };
    const first = Array.from({ length: window.length + 1 }, (_, j) => j);
    const walk = (node: Node, depth: number, c: string, parentChar: string, prev: number[], prevLeast: number, before: number[]) => {
      // A cell further than the limit from the diagonal is further than the limit in distance.
      const far = node.limit + 1;
      const row = new Array<number>(window.length + 1).fill(far);
      row[0] = depth;
      let least = depth;
      const last = Math.min(window.length, depth + node.limit);
      for (let j = Math.max(1, depth - node.limit); j <= last; j++) {
        let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (c === window[j - 1] ? 0 : 1));
        if (depth > 1 && j > 1 && c === window[j - 2] && parentChar === window[j - 1]) d = Math.min(d, before[j - 2]! + 1);
        row[j] = d;
        if (d < least) least = d;
      }
      if (node.suggestion) consider(node.suggestion, row);
      // Every deeper row is at least the smaller minimum of this row and the one before; past
      // the limit below, or past the best distance found (a tie needs equal), nothing can win.
      const bound = best ? Math.min(node.limit, best.distance) : node.limit;
      if (least > bound && prevLeast > bound) return;
      // The branch the text itself takes first: a near prefix found early prunes the rest.
      const same = node.children.get(window[depth] ?? '');
      if (same) walk(same, depth + 1, window[depth]!, c, row, least, prev);
      for (const [next, child] of node.children) if (child !== same) walk(child, depth + 1, next, c, row, least, prev);
    };
    const same = this.#root.children.get(window[0] ?? '');
    if (same) walk(same, 1, window[0]!, '', first, 0, first);
    for (const [c, child] of this.#root.children) if (child !== same) walk(child, 1, c, '', first, 0, first);
    return best && { alias: best.s.alias, display: best.s.display };
  }
}
