import { foldedStart } from './prefix.js';

/**
 * Formats by the literal text they must start with (prefix.ts, anchoredPrefix), in a trie: a
 * text meets only the formats whose prefix it starts with, plus those without one, so a
 * table of thousands of `pack <verb> ...` formats tries a handful per message. Items come
 * back in the order they were added, which is the table's order.
 */
interface TrieNode<T> {
  children: Map<string, TrieNode<T>>;
  items: Array<{ order: number; item: T }>;
}

export class PrefixIndex<T> {
  readonly #root: TrieNode<T> = { children: new Map(), items: [] };
  #count = 0;
  #depth = 0;

  add(prefix: string | null, item: T): void {
    let node = this.#root;
    for (const c of prefix ?? '') {
      let child = node.children.get(c);
      if (!child) {
        child = { children: new Map(), items: [] };
        node.children.set(c, child);
      }
      node = child;
    }
    node.items.push({ order: this.#count++, item });
    this.#depth = Math.max(this.#depth, (prefix ?? '').length);
  }

  /** Every item whose prefix `text` starts with, in insertion order. Costs O(longest prefix). */
  candidates(text: string): T[] {
    return inOrder(this.#along(text).found);
  }

  /** The items on the path `text` spells from the root, and the node it ends at (none if it leaves the trie). */
  #along(text: string): { found: Array<{ order: number; item: T }>; node: TrieNode<T> | undefined } {
    const found: Array<{ order: number; item: T }> = [...this.#root.items];
    let node: TrieNode<T> | undefined = this.#root;
    for (const c of foldedStart(text, this.#depth)) {
      node = node.children.get(c);
      if (!node) break;
      found.push(...node.items);
    }
    return { found, node };
  }

  /**
   * Items whose prefix could agree with a text that starts with `start` and goes on unknown:
   * those `start` begins with, and those that begin with `start` (the subtree below it).
   */
  compatible(start: string): T[] {
    const { found, node } = this.#along(start);
    if (node) {
      const below = [...node.children.values()];
      while (below.length > 0) {
        const n = below.pop()!;
        found.push(...n.items);
        below.push(...n.children.values());
      }
    }
    return inOrder(found);
  }
}

const inOrder = <T>(found: Array<{ order: number; item: T }>): T[] => found.sort((a, b) => a.order - b.order).map((f) => f.item);
