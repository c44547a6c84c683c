/**
 * The layer rule, read off the imports: each folder directly under src/ is a layer, listed
 * bottom to top; a module is a layer's subfolder (or a file directly in it). A file may import
 * its own layer or those below, never above; modules must not form an import cycle; and
 * nothing under src/ imports adapters/ (the composition root is handed the adapter factories).
 */
import path from 'node:path';
import ts from 'typescript';

export const LAYERS = ['core', 'domain', 'services', 'interfaces', 'app'] as const;
/** adapters/ sits at the edge: it may use everything in src/ except the composition root. */
const ADAPTERS_RANK = LAYERS.indexOf('app');

export interface Violation {
  /** `src/core/errors.ts:3` */
  at: string;
  message: string;
}

interface Place {
  layer: string;
  rank: number;
  /** `domain/config`, `adapters/slack` */
  module: string;
}

/** Where a repository-relative path sits, or null when it is outside the checked tree. */
export function placeOf(file: string): Place | null {
  const parts = file.split('/');
  if (parts[0] === 'adapters') return { layer: 'adapters', rank: ADAPTERS_RANK, module: parts.slice(0, 2).join('/').replace(/\.ts$/, '') };
  if (parts[0] !== 'src') return null;
  const rank = LAYERS.indexOf(parts[1] as (typeof LAYERS)[number]);
  if (rank < 0) return { layer: parts[1] ?? '', rank: -1, module: parts.slice(1, 3).join('/') };
  return { layer: parts[1]!, rank, module: parts.slice(1, 3).join('/').replace(/\.ts$/, '') };
}

interface Edge {
  from: string;
  to: string;
  at: string;
}

/** Every relative import (static, dynamic, re-export, type-only) with its line. */
export function importsOf(file: string, text: string): Array<{ target: string; line: number }> {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles
    .filter((f) => f.fileName.startsWith('.'))
    .map((f) => ({
      target: path.posix.normalize(path.posix.join(path.posix.dirname(file), f.fileName)).replace(/\.js$/, '.ts'),
      line: text.slice(0, f.pos).split('\n').length,
    }));
}

/** All violations in `files` (repository-relative path → source text). */
export function checkLayers(files: ReadonlyMap<string, string>): Violation[] {
  const violations: Violation[] = [];
  const edges: Edge[] = [];
  for (const [file, text] of files) {
    const from = placeOf(file);
    if (!from) continue;
    if (from.rank < 0) violations.push({ at: `${file}:1`, message: `src/${from.layer} is not a layer; put it under one of src/{${LAYERS.join(',')}}` });
    for (const { target, line } of importsOf(file, text)) {
      const at = `${file}:${line}`;
      const to = placeOf(target);
      if (!to) continue;
      if (from.layer !== 'adapters' && to.layer === 'adapters') {
        violations.push({ at, message: `src/ imports adapters/ (${target}); the composition root receives adapter factories instead` });
        continue;
      }
      if (to.rank > from.rank) {
        violations.push({ at, message: `${from.module} (layer ${from.layer}) imports ${target} from the layer above it (${to.layer})` });
      }
      if (from.module !== to.module) edges.push({ from: from.module, to: to.module, at });
    }
  }
  for (const cycle of findCycles(edges)) violations.push({ at: cycle[0]!.at, message: `module cycle: ${cycle.map((e) => `${e.from} → ${e.to} (${e.at})`).join(', ')}` });
  return violations;
}

/** One cycle per strongly connected group of modules, each edge with a file:line that makes it. */
function findCycles(edges: Edge[]): Edge[][] {
  const out = new Map<string, Edge[]>();
  for (const e of edges) (out.get(e.from) ?? out.set(e.from, []).get(e.from)!).push(e);
  const cycles: Edge[][] = [];
  const done = new Set<string>();
  for (const start of [...out.keys()].sort()) {
    if (done.has(start)) continue;
    // Shortest path back to `start`, breadth first, so the report names the tightest loop.
    const prev = new Map<string, Edge>();
    const queue = [start];
    let closing: Edge | undefined;
    while (queue.length > 0 && !closing) {
      const node = queue.shift()!;
      for (const e of out.get(node) ?? []) {
        if (e.to === start) { closing = e; break; }
        if (!prev.has(e.to) && !done.has(e.to)) { prev.set(e.to, e); queue.push(e.to); }
      }
    }
    if (closing) {
      const cycle = [closing];
      for (let e = prev.get(closing.from); e; e = prev.get(e.from)) cycle.unshift(e);
      cycles.push(cycle);
      for (const e of cycle) done.add(e.from);
    }
    done.add(start);
  }
  return cycles;
}
