import type { CompiledAlias } from './matcher.js';
import type { AliasDefinition } from './types.js';

/** Close enough to suggest: at most 2 edits, or 40% of the prefix for longer ones. */
export const limitFor = (prefix: string) => Math.max(2, Math.floor(prefix.length * 0.4));

export interface Suggestion {
  prefix: string;
  words: number;
  alias: AliasDefinition;
  display: string;
  order: number;
}

/**
 * The suggestions' prefixes in a trie, flat (parallel arrays by node id, root 0) so the walk
 * per message touches numbers, not maps. Each node also knows what lies strictly below it,
 * the lengths and word counts of those prefixes, which bounds from below how near any of
 * them can come to the text (closest.ts), so most branches are dropped a few letters in.
 */
export class SuggestionTrie {
  /** The node's character code (root: -1). */
  readonly code: number[] = [-1];
  readonly children: number[][] = [[]];
  readonly suggestion: Array<Suggestion | undefined> = [undefined];
  /** The largest edit limit of any suggestion at or below the node: the band, and past it, prune. */
  readonly limit: number[] = [];
  /** Of the prefixes strictly below the node: shortest and longest, fewest and most words. */
  readonly minLen: number[] = [];
  readonly maxLen: number[] = [];
  readonly minWords: number[] = [];
  readonly maxWords: number[] = [];
  /** Of the prefixes at or below the node: the longest, and the first in table order (ties). */
  readonly longestHere: number[] = [];
  readonly firstHere: number[] = [];
  longest = 0;
  mostWords = 0;
  /** The largest limit of all: the columns a row can reach past its depth. */
  maxLimit = 0;

  constructor(aliases: readonly CompiledAlias[]) {
    let order = 0;
    for (const { alias, formats } of aliases) {
      for (const f of formats) {
        for (const prefix of [f.compiled.literalPrefix, f.displayPrefix]) {
          if (prefix === '') continue;
          let node = 0;
          for (let i = 0; i < prefix.length; i++) node = this.#child(node, prefix.charCodeAt(i));
          // The first alias with a prefix keeps it, as a later equal one could never win.
          if (this.suggestion[node]) continue;
          const words = prefix.split(' ').length;
          this.suggestion[node] = { prefix, words, alias, display: f.display, order: order++ };
          this.longest = Math.max(this.longest, prefix.length);
          this.mostWords = Math.max(this.mostWords, words);
        }
      }
    }
    this.#summarise();
    this.maxLimit = this.limit[0]!;
  }

  #child(node: number, code: number): number {
    for (const c of this.children[node]!) if (this.code[c] === code) return c;
    const id = this.code.length;
    this.code.push(code);
    this.children.push([]);
    this.suggestion.push(undefined);
    this.children[node]!.push(id);
    return id;
  }

  /** Children always have larger ids than their parent, so one pass from the end is post-order. */
  #summarise(): void {
    const n = this.code.length;
    for (let id = n - 1; id >= 0; id--) {
      const own = this.suggestion[id];
      let limit = own ? limitFor(own.prefix) : 0;
      let [minLen, maxLen, minWords, maxWords] = [Infinity, -Infinity, Infinity, -Infinity];
      let [longestHere, firstHere] = own ? [own.prefix.length, own.order] : [-Infinity, Infinity];
      for (const c of this.children[id]!) {
        longestHere = Math.max(longestHere, this.longestHere[c]!);
        firstHere = Math.min(firstHere, this.firstHere[c]!);
        const s = this.suggestion[c];
        limit = Math.max(limit, this.limit[c]!);
        minLen = Math.min(minLen, this.minLen[c]!, s ? s.prefix.length : Infinity);
        maxLen = Math.max(maxLen, this.maxLen[c]!, s ? s.prefix.length : -Infinity);
        minWords = Math.min(minWords, this.minWords[c]!, s ? s.words : Infinity);
        maxWords = Math.max(maxWords, this.maxWords[c]!, s ? s.words : -Infinity);
      }
      this.limit[id] = limit;
      this.minLen[id] = minLen;
      this.maxLen[id] = maxLen;
      this.minWords[id] = minWords;
      this.maxWords[id] = maxWords;
      this.longestHere[id] = longestHere;
      this.firstHere[id] = firstHere;
    }
  }
}
