/**
 * Where a value lives in a YAML source, so a problem can name `file:line` (config, alias and
 * pack files alike). The yaml package keeps each node's `range` (source offsets) and its
 * `LineCounter` turns an offset into line and column; this walks a path down the document.
 *
 * The path is the one the parsed value gives (zod issue paths, Object.keys), so mapping keys
 * are matched by their text: in the value `1:` and `"1":` are both the key "1", which
 * `doc.getIn`, comparing typed scalars, would not find.
 */
import { isMap, isNode, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export type YamlPath = readonly PropertyKey[];

export interface YamlPlace {
  /** The value node at the path; undefined when the path does not exist or its value has no node (`{key}`). */
  node: Node | undefined;
  /** The key node of the path's last step, when that step is a mapping key that exists. */
  key: Node | undefined;
  /**
   * The deepest node found on the way: the value at the path, else its key when the value has
   * no node, else the nearest ancestor that exists (the document's root for a missing top-level key).
   */
  nearest: Node | undefined;
  /** How many leading steps of the path exist. */
  depth: number;
}

export interface YamlPosition {
  line: number;
  column: number;
  /** How many leading steps of the path exist: less than its length when a parent was located instead. */
  depth: number;
}

/** Walks `path` down `doc` as far as it exists. */
export function findYamlNode(doc: Document, path: YamlPath): YamlPlace {
  let node: unknown = doc.contents;
  let nearest: unknown = node;
  let key: unknown;
  let depth = 0;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step));
      if (!pair) break;
      node = pair.value;
      key = pair.key;
      // `{key}` and `? key` have no value node; the key still marks the spot.
      nearest = isNode(node) ? node : pair.key;
    } else if (isSeq(node) && typeof step === 'number') {
      node = node.items[step];
      key = undefined;
      if (!isNode(node)) break;
      nearest = node;
    } else {
      break;
    }
    depth++;
  }
  const complete = depth === path.length;
  return {
    node: complete && isNode(node) ? node : undefined,
    key: complete && isNode(key) ? key : undefined,
    nearest: isNode(nearest) ? nearest : undefined,
    depth,
  };
}

/**
 * Line and column (1-based) of the value at `path`, or of its key with `atKey` (for problems
 * with the key itself); where the path does not exist, of the nearest ancestor that does.
 * Undefined only when nothing on the way has a position (an empty document).
 */
export function locateInYaml(doc: Document, lines: LineCounter, path: YamlPath, opts: { atKey?: boolean } = {}): YamlPosition | undefined {
  const place = findYamlNode(doc, path);
  const at = opts.atKey && place.key ? place.key : place.nearest;
  const offset = at?.range?.[0];
  if (offset === undefined) return undefined;
  const pos = lines.linePos(offset);
  return { line: pos.line, column: pos.col, depth: place.depth };
}
