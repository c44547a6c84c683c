/**
 * How much YAML packbot agrees to read from one file, and the measuring that decides it.
 *
 * The yaml package is fine with ordinary files but not with hostile ones: its duplicate-key
 * check is quadratic in a mapping's size (a 60,000-key file took minutes), and composing a
 * document recurses once per nesting level, so a file of `[[[[…` exhausts the stack. The
 * concrete syntax tree (yaml's Parser) is built without recursion and in linear time, so the
 * file is measured on it, before anything recursive or quadratic runs.
 */
import { Lexer, type CST } from 'yaml';

export interface YamlLimits {
  /** Bytes (UTF-8) of one file. */
  maxBytes: number;
  /** Collections nested inside one another. */
  maxDepth: number;
  /** Mapping keys in the whole file. */
  maxKeys: number;
  /** Values of any kind (scalars, collections, aliases) in the whole file. */
  maxNodes: number;
  /** yaml's maxAliasCount: how far alias expansion may multiply the document ("billion laughs"). */
  maxAliasCount: number;
}

export const DEFAULT_YAML_LIMITS: Readonly<YamlLimits> = Object.freeze({
  maxBytes: 1024 * 1024,
  maxDepth: 100,
  maxKeys: 20_000,
  maxNodes: 100_000,
  maxAliasCount: 100,
});

export interface YamlMeasure {
  depth: number;
  keys: number;
  nodes: number;
  /** Pairs in the largest single mapping: what the duplicate-key check costs, squared. */
  widestMap: number;
}

type Item = CST.CollectionItem;

/**
 * A first look at the raw tokens (yaml's Lexer: a flat stream, no tree), for the shapes that
 * make even the syntax tree huge: `[[[[…` or `- - - - …` a million levels deep holds half a
 * gigabyte of tree. Its counts are lower bounds (a pair written without `:` is not seen); the
 * tree, measured next, gives exact ones. Nesting stops it at once: that is what costs memory.
 * `lexemes` gets every token it saw, for the parser to be fed without lexing the text again.
 */
export function prescanTokens(text: string, limits: YamlLimits, lexemes?: string[]): string | null {
  let flowDepth = 0;
  let lineDepth = 0;
  let keys = 0;
  let values = 0;
  let scalarNext = false;
  for (const source of new Lexer().lex(text)) {
    lexemes?.push(source);
    if (scalarNext) {
      scalarNext = false;
      continue;
    }
    switch (source) {
      case '\u001f': // what follows is a plain scalar, whatever it looks like
        scalarNext = true;
        values++;
        break;
      case '[':
      case '{':
        values++;
        if (++flowDepth > limits.maxDepth) return tooDeep(limits);
        break;
      case ']':
      case '}':
        flowDepth = Math.max(0, flowDepth - 1);
        break;
      case '-':
      case '?':
      case ':':
        if (source === ':') keys++;
        // Outside flow, each one on a line opens a collection inside the last (`- - - x`, and
        // `a: a: a: …`, which is an error, but only once the tree nesting it has been built).
        if (flowDepth === 0 && ++lineDepth > limits.maxDepth) return tooDeep(limits);
        break;
      case '\n':
      case '\r\n':
        lineDepth = 0;
        break;
      default:
        if (/^["'*]/.test(source)) values++;
    }
  }
  return exceededLimit({ depth: 0, keys, nodes: values, widestMap: 0 }, limits);
}

const tooDeep = (limits: YamlLimits) => `is nested more than ${limits.maxDepth} levels deep; packbot reads at most ${limits.maxDepth} levels — flatten the file`;

/** Walks the syntax tree with an explicit stack: its depth is whatever the file says. */
export function measureCst(tokens: readonly CST.Token[]): YamlMeasure {
  const m: YamlMeasure = { depth: 0, keys: 0, nodes: 0, widestMap: 0 };
  const stack: Array<[CST.Token, number]> = [];
  for (const t of tokens) if (t.type === 'document' && t.value) stack.push([t.value, 0]);
  const push = (t: CST.Token | null | undefined, depth: number) => {
    if (t) stack.push([t, depth]);
  };
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [token, depth] = next;
    switch (token.type) {
      case 'alias':
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
      case 'block-scalar':
        m.nodes++;
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        m.nodes++;
        const inner = depth + 1;
        if (inner > m.depth) m.depth = inner;
        const isMap = token.type === 'block-map' || (token.type === 'flow-collection' && token.start.source === '{');
        let pairs = 0;
        for (const item of token.items as Item[]) {
          // In a flow sequence, `[a: 1]` makes a one-pair mapping of its own.
          const pair = isPair(item, isMap);
          if (pair) pairs++;
          if (pair && !isMap) m.nodes++;
          const within = pair && !isMap ? inner + 1 : inner;
          if (within > m.depth) m.depth = within;
          push(item.key, within);
          push(item.value, within);
        }
        m.keys += pairs;
        if (isMap && pairs > m.widestMap) m.widestMap = pairs;
        break;
      }
      default:
        break;
    }
  }
  return m;
}

function isPair(item: Item, inMap: boolean): boolean {
  if (inMap) return item.key !== undefined || item.sep !== undefined || item.value !== undefined;
  return item.sep?.some((s) => s.type === 'map-value-ind') ?? false;
}

/** The first limit the file exceeds, as the rest of a one-line problem (`<file>: <this>`), or null. */
export function exceededLimit(m: YamlMeasure, limits: YamlLimits): string | null {
  if (m.depth > limits.maxDepth) return `is nested ${m.depth} levels deep; packbot reads at most ${limits.maxDepth} levels — flatten the file`;
  if (m.keys > limits.maxKeys) return `has ${m.keys} keys; packbot reads at most ${limits.maxKeys} per file — split the file`;
  if (m.nodes > limits.maxNodes) return `has ${m.nodes} values; packbot reads at most ${limits.maxNodes} per file — split the file`;
  return null;
}

export function tooManyBytes(bytes: number, limits: Pick<YamlLimits, 'maxBytes'>): string | null {
  return bytes > limits.maxBytes ? `is ${bytes} bytes; packbot reads at most ${limits.maxBytes} bytes per YAML file — split the file` : null;
}

export function tooManyAliases(limits: YamlLimits): string {
  return `expands its aliases (*name) more than packbot's limit of ${limits.maxAliasCount} allows — write the values out in full`;
}
