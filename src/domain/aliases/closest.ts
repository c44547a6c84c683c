import type { CompiledAlias } from './matcher.js';
import type { AliasDefinition } from './types.js';
import { limitFor, SuggestionTrie, type Suggestion } from './suggestion-trie.js';

/**
 * "Did you mean": when nothing matches, the alias whose opening words are nearest to the
 * start of the text. Only the start is compared, since the rest holds the user's values.
 * Built once per table: each distinct prefix is kept once (its first alias wins). The answer
 * is the plain rule's (every prefix, its distance to both cuts of the text, the nearest within
 * its limit, then the longer prefix, then table order); only the work is pruned, and
 * test/aliases/closest.test.ts compares the two.
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

/** How far x is from [lo, hi] (0 inside). */
const gap = (x: number, lo: number, hi: number) => (x < lo ? lo - x : x > hi ? x - hi : 0);

/** One message's walk: its window (as char codes), the columns of its word cuts, the best so far. */
interface Walk {
  text: Int32Array;
  /** The window's width: columns past it are never read. */
  width: number;
  /** Column of the cut after w words, for w = 1 … mostWords (index w). */
  wordCol: number[];
  best: { s: Suggestion; distance: number } | undefined;
}

/**
 * Suggestions in a trie of their prefixes (suggestion-trie.ts), walked once per text with one
 * row of the edit distance table per trie node (shared by every prefix through it). The row
 * at depth L holds the distance of that prefix to every start of the text, so both cuts (by
 * characters, by words) are read off it. Only a band of each row is computed: cells further
 * from the diagonal than the limit (or the best distance found, once one is) are further
 * than that in distance. A branch is dropped once no prefix below it can come within reach:
 * a cell's value plus the length it must still gain or lose to reach a cut of some prefix
 * below (their lengths and word counts are known per node) bounds every distance below.
 * Rows are reused per depth, so a message allocates only its window.
 */
export class Suggester {
  readonly #trie: SuggestionTrie;
  readonly #rows: Int32Array[] = [];
  /** Columns a row can reach: the longest prefix plus the largest limit, and one more as the band's edge. */
  readonly #cap: number;

  constructor(aliases: readonly CompiledAlias[]) {
    this.#trie = new SuggestionTrie(aliases);
    this.#cap = this.#trie.longest + this.#trie.maxLimit + 1;
  }

  closest(normalizedText: string): { alias: AliasDefinition; display: string } | undefined {
    const t = this.#trie;
    const text = windowOf(normalizedText.toLowerCase(), this.#cap);
    const width = Math.min(text.length, this.#cap);
    // Where the first 1, 2, ... words of the text end (the cut by words), as split(' ') gives them.
    const wordCol = [0];
    for (let from = 0, k = 0; k < t.mostWords; k++) {
      const space = text.indexOf(' ', from);
      wordCol.push(Math.min(space === -1 ? text.length : space, width));
      if (space === -1) break;
      from = space + 1;
    }
    while (wordCol.length <= t.mostWords) wordCol.push(wordCol.at(-1)!);
    const codes = new Int32Array(width);
    for (let j = 0; j < width; j++) codes[j] = text.charCodeAt(j);
    const walk: Walk = { text: codes, width, wordCol, best: undefined };
    const root = this.#row(0);
    for (let j = 0; j <= width; j++) root[j] = j;
    this.#children(walk, 0, 0, -1, 0);
    return walk.best && { alias: walk.best.s.alias, display: walk.best.s.display };
  }

  #row(depth: number): Int32Array {
    return (this.#rows[depth] ??= new Int32Array(this.#cap + 1));
  }

  /**
   * The children that may still come within reach, the one the text itself takes first (a
   * near prefix found early prunes the rest). `lowest` bounds every distance below the
   * parent, so a child whose own limit is under it is not even started.
   */
  #children(walk: Walk, node: number, depth: number, code: number, lowest: number): void {
    const t = this.#trie;
    const kids = t.children[node]!;
    const next = depth < walk.width ? walk.text[depth] : -2;
    for (const k of kids) if (t.code[k] === next && this.#open(walk, k, lowest)) this.#visit(walk, k, depth + 1, code);
    for (const k of kids) if (t.code[k] !== next && this.#open(walk, k, lowest)) this.#visit(walk, k, depth + 1, code);
  }

  #open(walk: Walk, node: number, lowest: number): boolean {
    const t = this.#trie;
    const best = walk.best;
    if (lowest > t.limit[node]! || (best && lowest > best.distance)) return false;
    if (!best || lowest < best.distance) return true;
    // At best a tie, which only a longer prefix wins, or an equal one earlier in the table.
    const longest = t.longestHere[node]!;
    const length = best.s.prefix.length;
    return longest > length || (longest === length && t.firstHere[node]! < best.s.order);
  }

  #visit(walk: Walk, node: number, depth: number, parentCode: number): void {
    const t = this.#trie;
    const text = walk.text;
    const width = walk.width;
    const c = t.code[node]!;
    const limit = t.limit[node]!;
    const band = walk.best && walk.best.distance < limit ? walk.best.distance : limit;
    const far = band + 1;
    const row = this.#row(depth);
    const prev = this.#row(depth - 1);
    const before = depth > 1 ? this.#row(depth - 2) : prev;
    const first = Math.max(1, depth - band);
    const last = Math.min(width, depth + band);
    row[0] = depth;
    // The band's edges, as the next row reads them (the rest of a reused row is stale).
    if (first > 1) row[first - 1] = far;
    if (last < width) row[last + 1] = far;
    // The hot loop: one cell per column, left and diagonal carried in locals.
    let left = row[first - 1]!;
    let diagonal = prev[first - 1]!;
    const swaps = depth > 1;
    for (let j = first; j <= last; j++) {
      const up = prev[j]!;
      let d = (up < left ? up : left) + 1;
      const replace = c === text[j - 1] ? diagonal : diagonal + 1;
      if (replace < d) d = replace;
      if (swaps && j > 1 && c === text[j - 2] && parentCode === text[j - 1] && before[j - 2]! + 1 < d) d = before[j - 2]! + 1;
      row[j] = d;
      left = d;
      diagonal = up;
    }
    const s = t.suggestion[node];
    if (s) {
      const byChars = cellOf(row, Math.min(s.prefix.length, width), first, last, far);
      const byWords = cellOf(row, walk.wordCol[s.words < walk.wordCol.length ? s.words : walk.wordCol.length - 1]!, first, last, far);
      consider(walk, s, byChars < byWords ? byChars : byWords);
    }
    if (t.children[node]!.length === 0) return;
    // Past the limit below, or past the best distance found (a tie needs equal), nothing can win.
    const bound = walk.best && walk.best.distance < limit ? walk.best.distance : limit;
    const lowest = this.#lowest(walk, node, depth, row, first, last, bound);
    if (lowest <= bound) this.#children(walk, node, depth, c, lowest);
  }

  /**
   * The least distance any prefix below `node` can end at (or bound + 1 when it is past
   * `bound`). From cell j of this row, a prefix of length P cut at column k needs at least
   * |(P - depth) - (k - j)| more edits; P and k range over what lies below (cut by
   * characters: k = min(P, width); by words: the columns of its word counts). Cells outside
   * the band exceed the bound already.
   */
  #lowest(walk: Walk, node: number, depth: number, row: Int32Array, first: number, last: number, bound: number): number {
    const t = this.#trie;
    const { width, wordCol } = walk;
    const minLen = t.minLen[node]!;
    const maxLen = t.maxLen[node]!;
    const lowCol = wordCol[Math.min(t.minWords[node]!, wordCol.length - 1)]!;
    const highCol = wordCol[Math.min(t.maxWords[node]!, wordCol.length - 1)]!;
    let lowest = bound + 1;
    for (let j = first - 1; j <= last; j++) {
      // Column 0 is always known (the prefix so far against nothing); first - 1 is the band's edge.
      const k = j === first - 1 ? 0 : j;
      const value = row[k]!;
      if (value >= lowest) continue;
      let need = Math.max(0, lowCol - k - (maxLen - depth), minLen - depth - (highCol - k));
      if (minLen <= width) need = Math.min(need, Math.abs(k - depth));
      if (maxLen > width) need = Math.min(need, gap(depth + width - k, Math.max(minLen, width + 1), maxLen));
      if (value + need < lowest) lowest = value + need;
    }
    return lowest;
  }
}

/** A row's cell, as if the whole row were computed: outside the band, past it. */
const cellOf = (row: Int32Array, j: number, first: number, last: number, far: number) => (j === 0 ? row[0]! : j < first || j > last ? far : row[j]!);

/** Nearer wins; on equal distance the longer prefix says more about the intent; then table order. */
function consider(walk: Walk, s: Suggestion, distance: number): void {
  if (distance > limitFor(s.prefix)) return;
  const best = walk.best;
  if (!best || distance < best.distance || (distance === best.distance && (s.prefix.length > best.s.prefix.length || (s.prefix.length === best.s.prefix.length && s.order < best.s.order)))) {
    walk.best = { s, distance };
  }
}

/**
 * The text's start lower-cased with each run of blanks one space, at least `cap` + 1
 * characters of it when the text is longer (columns past `cap` are never read), without
 * collapsing the blanks of a long message's rest.
 */
function windowOf(lower: string, cap: number): string {
  for (let n = 2 * (cap + 1); ; n *= 2) {
    const whole = lower.length <= n;
    const text = (whole ? lower : lower.slice(0, n)).replace(WHITESPACE_RUN, ' ');
    if (whole || text.length > cap) return text;
  }
}
