/**
 * A plan's dependencies: what the deploy's dependency stage would install or upgrade, and what
 * would stop it, worked out the same way (missing.ts, dependency-check.ts) without installing
 * anything. Dependencies nobody provides come from the registry when one is configured (its
 * resolution, not its archives, is asked for); a pack of this deploy that another one needs
 * is installed or upgraded from this repository.
 */
import { parseDependency } from '../../domain/packs/dependencies.js';
import type { Release } from '../../domain/packstore/index.js';
import type { Resolution } from '../../domain/registry/resolve.js';
import { dependencyPlan } from './dependency-check.js';
import { missingSpecs } from './missing.js';
import type { PackPreview } from './preview-types.js';

export type PreviewDependency = PackPreview['dependencies'][number];

/** A pack of the plan as the dependency checks see it. */
export interface PlannedPack {
  ref: string;
  version: string;
  dependencies: readonly string[];
  unchanged: boolean;
  /** Refused already (pack.yaml, another repository's pack): provides nothing, goes nowhere. */
  failed: boolean;
}

export interface DependencyPreview {
  /** Per pack ref: the dependencies it would bring. */
  byPack: Map<string, PreviewDependency[]>;
  /** What would stop the dependency stage (then no pack of the deploy goes live). */
  problems: string[];
}

function refsIn(list: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of list) {
    try {
      out.push(parseDependency(raw).ref);
    } catch {
      // Malformed: the dependency problems say so.
    }
  }
  return out;
}

/** The registry installs `ref` needs, its own dependencies' too, in the resolution's order. */
function fromRegistry(direct: readonly string[], resolution: Resolution | null): PreviewDependency[] {
  if (!resolution) return [];
  const byName = new Map(resolution.plan.map((p) => [p.name, p]));
  const reached = new Set<string>();
  const visit = (ref: string) => {
    const planned = byName.get(ref);
    if (!planned || reached.has(ref)) return;
    reached.add(ref);
    for (const next of refsIn(planned.source.dependencies)) visit(next);
  };
  for (const ref of direct) visit(ref);
  return resolution.plan.filter((p) => reached.has(p.name)).map((p) => ({ pack: p.name, from: p.replaces ?? null, to: p.version, source: 'registry' as const }));
}

export async function previewDependencies(input: {
  packs: readonly PlannedPack[];
  installed: readonly Release[];
  repo: string;
  /** The registry's resolution of specs, when a registry is configured. */
  resolve?: (specs: readonly string[]) => Promise<Resolution>;
  /** An error as a user reads it (masked). */
  describe: (err: unknown) => string;
}): Promise<DependencyPreview> {
  const live = input.packs.filter((p) => !p.failed);
  const ready = live.filter((p) => !p.unchanged);
  const byPack = new Map<string, PreviewDependency[]>();
  if (ready.length === 0) return { byPack, problems: [] };
  const problems: string[] = [];
  const missing = input.resolve ? missingSpecs(live, input.installed) : [];
  let resolution: Resolution | null = null;
  if (missing.length > 0 && input.resolve) {
    try {
      resolution = await input.resolve(missing);
    } catch (err) {
      // The deploy would stop here too, before any pack went live.
      problems.push(input.describe(err));
    }
  }
  const adding = new Map((resolution?.plan ?? []).map((p) => [p.name, p.version]));
  // Unresolved registry dependencies are already a problem above; the check would only repeat them.
  if (problems.length === 0) {
    problems.push(...dependencyPlan(ready.map((p) => ({ ref: p.ref, version: p.version, dependencies: [...p.dependencies] })), input.installed, input.repo, adding).problems);
  }
  const installedVersion = new Map(input.installed.map((r) => [r.pack, r.meta.version]));
  const readyByRef = new Map(ready.map((p) => [p.ref, p]));
  for (const p of ready) {
    const direct = refsIn(p.dependencies);
    const own: PreviewDependency[] = direct.flatMap((ref) => {
      const other = readyByRef.get(ref);
      const from = installedVersion.get(ref) ?? null;
      return other && other.version !== from ? [{ pack: ref, from, to: other.version, source: 'repository' as const }] : [];
    });
    const all = [...own, ...fromRegistry(direct, resolution)];
    if (all.length > 0) byPack.set(p.ref, all);
  }
  return { byPack, problems };
}
