/**
 * Where each value of a parsed YAML file came from, as plain data. A yaml Document cannot
 * leave the worker thread that parsed it (it is full of class instances), so the places a
 * problem may point at travel as this outline instead; files parsed on the main thread use
 * it too, so a file reports the same lines wherever it was parsed.
 *
 * The lookups mirror `findYamlNode` / `locateInYaml` (../yaml-locate.ts) step for step:
 * keys are matched by their text, a missing value falls back to its key, a missing path to
 * the nearest ancestor that exists.
 */
import { isMap, isNode, isScalar, isSeq, LineCounter } from 'yaml';

export type OutlineNode =
  | { kind: 'scalar'; at: number | null; end: number | null }
  | { kind: 'alias'; at: number | null }
  | { kind: 'map'; at: number | null; pairs: OutlinePair[] }
  | { kind: 'seq'; at: number | null; items: Array<OutlineNode | null> };

export interface OutlinePair {
  /** `String(key.value)` of a scalar key; null for any other key, which no path can name. */
  key: string | null;
  keyAt: number | null;
  value: OutlineNode | null;
}

/** The outline of a yaml node (a document's `contents`). Recursive: the depth limit has been checked. */
export function outlineOf(node: unknown): OutlineNode | null {
  if (!isNode(node)) return null;
  const at = node.range?.[0] ?? null;
  if (isScalar(node)) return { kind: 'scalar', at, end: node.range?.[1] ?? null };
  if (isMap(node)) {
    return {
      kind: 'map',
      at,
      pairs: node.items.map((p) => {
        const scalarKey = isScalar(p.key) ? p.key : null;
        return { key: scalarKey ? String(scalarKey.value) : null, keyAt: scalarKey?.range?.[0] ?? null, value: outlineOf(p.value) };
      }),
    };
  }
  if (isSeq(node)) return { kind: 'seq', at, items: node.items.map(outlineOf) };
  return { kind: 'alias', at };
}

export interface OutlinePlace {
  /** The value at the path, when the whole path exists. */
  node: OutlineNode | null;
  /** Where the last step's key starts, when the whole path exists and ends at a mapping key. */
  keyAt: number | null;
  /** The value, else its key, else the nearest ancestor that exists. */
  nearestAt: number | null;
  /** How many leading steps of the path exist. */
  depth: number;
}

export function findInOutline(root: OutlineNode | null, path: readonly PropertyKey[]): OutlinePlace {
  let node: OutlineNode | null = root;
  let nearestAt = root?.at ?? null;
  let keyAt: number | null = null;
  let depth = 0;
  for (const step of path) {
    if (node?.kind === 'map') {
      // The last of a repeated key: the one whose value the document keeps (read.ts).
      const pair = node.pairs.findLast((p) => p.key !== null && p.key === String(step));
      if (!pair) break;
      node = pair.value;
      keyAt = pair.keyAt;
      nearestAt = node ? node.at : pair.keyAt;
    } else if (node?.kind === 'seq' && typeof step === 'number') {
      node = node.items[step] ?? null;
      keyAt = null;
      if (!node) break;
      nearestAt = node.at;
    } else {
      break;
    }
    depth++;
  }
  const complete = depth === path.length;
  return { node: complete ? node : null, keyAt: complete ? keyAt : null, nearestAt, depth };
}

/** A parsed file's places: line numbers and source text by path. */
export class YamlPlaces {
  private readonly lines = new LineCounter();

  constructor(private readonly root: OutlineNode | null, lineStarts: readonly number[], private readonly text: string) {
    for (const start of lineStarts) this.lines.addNewLine(start);
  }

  /** As `locateInYaml`: line and column of the value (or key) at `path`, or of its nearest ancestor. */
  locate(path: readonly PropertyKey[], atKey = false): { line: number; column: number; depth: number } | undefined {
    const place = findInOutline(this.root, path);
    const offset = atKey && place.keyAt !== null ? place.keyAt : place.nearestAt;
    if (offset === null) return undefined;
    const pos = this.lines.linePos(offset);
    return { line: pos.line, column: pos.col, depth: place.depth };
  }

  /** The source text of the scalar at `path` (`1.10`, where the value says 1.1). */
  sourceOf(path: readonly PropertyKey[]): string | undefined {
    const { node } = findInOutline(this.root, path);
    return node?.kind === 'scalar' && node.at !== null && node.end !== null ? this.text.slice(node.at, node.end).trim() : undefined;
  }

  /** The outline at `path` when the whole path exists. */
  nodeAt(path: readonly PropertyKey[]): OutlineNode | null {
    return findInOutline(this.root, path).node;
  }
}
