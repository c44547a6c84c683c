/**
 * The dependency graph of some packs, for `packbot deps` and `pack deps`: what is installed,
 * what an install would add or upgrade (through the registry, when one is configured), and
 * what conflicts. Built from data only; the renderers are pure text (plain, Mermaid, DOT).
 */
import { parseDependency } from '../../domain/packs/dependencies.js';
import type { Release } from '../../domain/packstore/index.js';
import type { Resolution } from '../../domain/registry/resolve.js';

export type NodeStatus = 'installed' | 'to install' | 'upgrade' | 'missing';

export interface DepNode {
  name: string;
  version: string | null;
  status: NodeStatus;
  /** For an upgrade: the installed version it replaces. */
  from?: string;
  /** For a missing pack: the configured repositories that have it on their default branch. */
  repos?: string[];
}

export interface DepGraph {
  roots: string[];
  nodes: Map<string, DepNode>;
  edges: Array<{ from: string; to: string; range: string }>;
  conflicts: string[];
  problems: string[];
}

export const GRAPH_FORMATS = ['text', 'mermaid', 'dot'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

function depsOf(list: readonly string[]): Array<{ to: string; range: string }> {
  const out: Array<{ to: string; range: string }> = [];
  for (const raw of list) {
    try {
      const d = parseDependency(raw);
      out.push({ to: d.ref, range: d.range });
    } catch {
      // A malformed dependency is the validator's to report; the graph shows what it can read.
    }
  }
  return out;
}

/** Marks each missing pack with the repositories that have it (from repositoriesHolding). */
export function withRepositories(g: DepGraph, holding: ReadonlyMap<string, string[]>): DepGraph {
  const nodes = new Map([...g.nodes].map(([name, n]) => {
    const repos = n.status === 'missing' ? holding.get(name) : undefined;
    return [name, repos ? { ...n, repos } : n];
  }));
  return { ...g, nodes };
}

/** `roots`: pack names; `resolution`: what the registry would do (null without a registry). */
export function buildGraph(roots: readonly string[], installed: readonly Release[], resolution: Resolution | null): DepGraph {
  const nodes = new Map<string, DepNode>();
  const deps = new Map<string, Array<{ to: string; range: string }>>();
  for (const r of installed) {
    nodes.set(r.pack, { name: r.pack, version: r.meta.version, status: 'installed' });
    deps.set(r.pack, depsOf(Array.isArray(r.meta['dependencies']) ? (r.meta['dependencies'] as string[]) : []));
  }
  for (const p of resolution?.plan ?? []) {
    nodes.set(p.name, { name: p.name, version: p.version, status: p.replaces ? 'upgrade' : 'to install', ...(p.replaces ? { from: p.replaces } : {}) });
    deps.set(p.name, depsOf(p.source.dependencies));
  }
  // Only what the roots reach: the rest of the installation is not the question.
  const edges: DepGraph['edges'] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    if (!nodes.has(name)) nodes.set(name, { name, version: null, status: 'missing' });
    for (const d of deps.get(name) ?? []) {
      edges.push({ from: name, to: d.to, range: d.range });
      visit(d.to);
    }
  };
  for (const root of roots) visit(root);
  for (const name of [...nodes.keys()]) if (!seen.has(name)) nodes.delete(name);
  return { roots: [...roots], nodes, edges, conflicts: resolution?.conflicts ?? [], problems: resolution?.problems ?? [] };
}

function label(n: DepNode): string {
  if (n.status === 'missing') {
    const repos = n.repos ?? [];
    if (repos.length === 0) return `${n.name} (not installed; in no configured repository or index)`;
    return `${n.name} (not installed; in ${repos.length === 1 ? 'repository' : 'repositories'} ${repos.join(', ')})`;
  }
  if (n.status === 'upgrade') return `${n.name} ${n.from} → ${n.version} (upgrade)`;
  return `${n.name} ${n.version} (${n.status})`;
}

function renderText(g: DepGraph): string {
  const lines: string[] = [];
  const shown = new Set<string>();
  const walk = (name: string, prefix: string, last: boolean, depth: number, range: string | null) => {
    const node = g.nodes.get(name);
    const text = `${node ? label(node) : name}${range && range !== '*' ? ` [needs ${range}]` : ''}`;
    const again = shown.has(name) && (g.edges.some((e) => e.from === name));
    lines.push(depth === 0 ? text : `${prefix}${last ? '└─ ' : '├─ '}${text}${again ? ' (see above)' : ''}`);
    if (again) return;
    shown.add(name);
    const children = g.edges.filter((e) => e.from === name);
    const next = depth === 0 ? '' : `${prefix}${last ? '   ' : '│  '}`;
    children.forEach((e, i) => walk(e.to, next, i === children.length - 1, depth + 1, e.range));
  };
  for (const root of g.roots) walk(root, '', true, 0, null);
  if (g.conflicts.length > 0) lines.push('Conflicts:', ...g.conflicts.map((c) => `  ✗ ${c}`));
  if (g.problems.length > 0) lines.push('Problems:', ...g.problems.map((p) => `  ✗ ${p}`));
  return lines.join('\n');
}

const ids = (g: DepGraph) => new Map([...g.nodes.keys()].sort().map((name, i) => [name, `n${i}`]));
const CLASSES: Record<NodeStatus, string> = { installed: 'installed', 'to install': 'install', upgrade: 'upgrade', missing: 'missing' };

function renderMermaid(g: DepGraph): string {
  const id = ids(g);
  const esc = (s: string) => s.replace(/"/g, '#quot;');
  const lines = ['graph TD'];
  for (const [name, n] of [...g.nodes].sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`  ${id.get(name)}["${esc(label(n))}"]:::${CLASSES[n.status]}`);
  for (const e of g.edges) lines.push(`  ${id.get(e.from)} -->${e.range === '*' ? '' : `|"${esc(e.range)}"|`} ${id.get(e.to)}`);
  lines.push(
    '  classDef installed fill:#e8f5e9,stroke:#2e7d32', '  classDef install fill:#e3f2fd,stroke:#1565c0',
    '  classDef upgrade fill:#fff8e1,stroke:#f9a825', '  classDef missing fill:#ffebee,stroke:#c62828',
  );
  for (const c of [...g.conflicts, ...g.problems]) lines.push(`  %% ✗ ${c.replace(/\n/g, ' ')}`);
  return lines.join('\n');
}

function renderDot(g: DepGraph): string {
  const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const colors: Record<NodeStatus, string> = { installed: 'darkgreen', 'to install': 'blue', upgrade: 'orange', missing: 'red' };
  const lines = ['digraph deps {', '  node [shape=box];'];
  for (const [name, n] of [...g.nodes].sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`  ${q(name)} [label=${q(label(n))}, color=${colors[n.status]}];`);
  for (const e of g.edges) lines.push(`  ${q(e.from)} -> ${q(e.to)}${e.range === '*' ? '' : ` [label=${q(e.range)}]`};`);
  for (const c of [...g.conflicts, ...g.problems]) lines.push(`  // ✗ ${c.replace(/\n/g, ' ')}`);
  lines.push('}');
  return lines.join('\n');
}

export function renderGraph(g: DepGraph, format: GraphFormat): string {
  return format === 'mermaid' ? renderMermaid(g) : format === 'dot' ? renderDot(g) : renderText(g);
}
