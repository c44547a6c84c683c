/**
 * Dependencies a deploy needs that nothing provides: not installed, not in this deploy, not a
 * StackStorm system pack. With a registry configured they are installed from it first (see
 * DeployerDeps.fetchDependencies); without one the dependency stage reports them as missing.
 */
import { DEFAULT_BUILTINS, parseDependency } from '../../domain/packs/dependencies.js';
import type { Release } from '../../domain/packstore/index.js';
import type { PreparedPack } from './prepare.js';

/** A pack of a deploy as the dependency checks see it. */
export interface DependingPack {
  ref: string;
  dependencies: readonly string[];
  /** Unchanged packs provide their ref but install nothing, so need nothing new. */
  unchanged: boolean;
}

/** The raw dependency strings (constraints kept) of refs nothing here provides, once per ref. */
export function missingSpecs(packs: readonly DependingPack[], installed: readonly Pick<Release, 'pack'>[]): string[] {
  const provided = new Set<string>([...DEFAULT_BUILTINS, ...installed.map((r) => r.pack), ...packs.map((p) => p.ref)]);
  const wanted = new Map<string, string>();
  for (const p of packs) {
    if (p.unchanged) continue;
    for (const raw of p.dependencies) {
      try {
        const dep = parseDependency(raw);
        // A URL dependency names a repository, not a registry pack: the dependency stage says so.
        if (!provided.has(dep.ref) && !wanted.has(dep.ref) && !/:\/\/|@.*:/.test(raw)) wanted.set(dep.ref, raw);
      } catch {
        // Malformed: the dependency stage reports it with the pack's name.
      }
    }
  }
  return [...wanted.values()];
}

/** The packs prepared for a deploy (failed ones provide nothing) → what missingSpecs needs. */
export function missingDependencies(prepared: readonly PreparedPack[], installed: readonly Release[]): string[] {
  return missingSpecs(prepared.filter((p) => !p.error).map((p) => ({
    ref: p.check?.ref ?? p.source.name, dependencies: p.check?.manifest?.dependencies ?? [], unchanged: p.unchanged,
  })), installed);
}
