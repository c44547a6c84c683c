/**
 * Dependencies a deploy needs that nothing provides: not installed, not in this deploy, not a
 * StackStorm system pack. With a registry configured they are installed from it first (see
 * DeployerDeps.fetchDependencies); without one the dependency stage reports them as missing.
 */
import { DEFAULT_BUILTINS, parseDependency } from '../../domain/packs/dependencies.js';
import type { Release } from '../../domain/packstore/index.js';
import type { PreparedPack } from './prepare.js';

/** The raw dependency strings (constraints kept) of refs nothing here provides, once per ref. */
export function missingDependencies(prepared: readonly PreparedPack[], installed: readonly Release[]): string[] {
  const provided = new Set<string>([...DEFAULT_BUILTINS, ...installed.map((r) => r.pack)]);
  for (const p of prepared) if (!p.error) provided.add(p.check?.ref ?? p.source.name);
  const wanted = new Map<string, string>();
  for (const p of prepared) {
    if (p.error || p.unchanged) continue;
    for (const raw of p.check?.manifest?.dependencies ?? []) {
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
