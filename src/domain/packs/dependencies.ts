/**
 * Pack dependencies: the strings in pack.yaml's `dependencies`, and whether a deploy can
 * satisfy them.
 *
 * Syntax (one string per dependency):
 *   monitoring                 any version
 *   monitoring=1.2.0           exactly 1.2.0 (StackStorm's own form; `=0.2` means 0.2.0,
 *                              as StackStorm normalises two-part versions)
 *   monitoring@^1.2            any semver range after `@`, as npm writes it
 *   monitoring>=1.0.0 <2       a range may also follow the ref directly when it starts with
 *                              an operator (> < ^ ~); commas are read as spaces, so
 *                              StackStorm-style ">=1.0.0, <2.0.0" works too
 *   https://github.com/x/stackstorm-foo.git=1.0.0
 *                              StackStorm's URL form: the ref is the repository name without
 *                              `.git` and a leading `stackstorm-`; the version after `=` is exact
 * Prereleases count in ranges (`>=1.0.0` accepts 1.1.0-rc.1): a pack repository's prerelease
 * is something its owner chose to deploy, not something a resolver should hide.
 */
// semver's parts, not its index: the index loads all ~50 of its modules into every command.
import validRange from 'semver/ranges/valid.js';
import valid from 'semver/functions/valid.js';
import semverSatisfies from 'semver/functions/satisfies.js';
import { errorMessage } from '../../core/caught.js';
import { PackbotError } from '../../core/errors.js';
import { quoteForMessage } from '../../core/quote.js';

export interface DependencySpec {
  ref: string;
  /** A semver range: `*` when unversioned, `=X.Y.Z` when exact. */
  range: string;
  raw: string;
}

export const PACK_REF_RE = /^[a-z0-9_]+$/;
const URL_RE = /^(?:[a-z][a-z0-9+.-]*:\/\/|[\w.-]+@[\w.-]+:)/i;

function invalid(raw: string, why: string): PackbotError {
  return new PackbotError('pack_invalid', `dependency ${quoteForMessage(raw, 60)}: ${why}`);
}

const SYNTAX_HINT = 'write ref, ref=1.2.0 (exact) or ref@^1.2 (a semver range)';

/** `1.2.0`, `v1.2.0` or a two-part `1.2` as an exact range `=1.2.0`. */
function exact(raw: string, text: string): string {
  const version = normalizeVersion(text);
  if (version === null) {
    throw invalid(raw, `${quoteForMessage(text.trim(), 40)} is not a version (packbot pins dependencies by version, not by git ref); ${SYNTAX_HINT}`);
  }
  return `=${version}`;
}

function range(raw: string, text: string): string {
  const written = text.trim().replace(/\s*,\s*/g, ' ');
  if (written === '' || validRange(written) === null) {
    throw invalid(raw, `${quoteForMessage(text.trim(), 40)} is not a semver range; ${SYNTAX_HINT}`);
  }
  return written;
}

function checkRef(raw: string, ref: string, from?: string): string {
  if (PACK_REF_RE.test(ref)) return ref;
  const what = from === undefined ? `${quoteForMessage(ref, 40)} is not a pack ref` : `the repository name gives ${quoteForMessage(ref, 40)}, which is not a pack ref`;
  throw invalid(raw, `${what} (lowercase letters, digits and _ only)${from === undefined ? '' : '; name the dependency by its ref instead'}`);
}

function parseUrl(raw: string, text: string): DependencySpec {
  // `=` only counts after the last path separator, so it can't be part of the host or path.
  const lastSlash = Math.max(text.lastIndexOf('/'), text.lastIndexOf(':'));
  const eq = text.indexOf('=', lastSlash + 1);
  const url = eq === -1 ? text : text.slice(0, eq);
  const name = (url.replace(/\/+$/, '').split(/[/:]/).pop() ?? '').replace(/\.git$/, '').replace(/^stackstorm-/, '');
  const ref = checkRef(raw, name, url);
  return { ref, range: eq === -1 ? '*' : exact(raw, text.slice(eq + 1)), raw };
}

export function parseDependency(raw: string): DependencySpec {
  const text = raw.trim();
  if (text === '') throw invalid(raw, `empty; ${SYNTAX_HINT}`);
  if (URL_RE.test(text)) return parseUrl(raw, text);
  const m = /^([^\s=@<>^~]+)\s*(.*)$/s.exec(text);
  const ref = checkRef(raw, m?.[1] ?? text);
  const rest = m?.[2] ?? '';
  if (rest === '') return { ref, range: '*', raw };
  if (rest.startsWith('==')) throw invalid(raw, `"==" is pip's syntax; ${SYNTAX_HINT}`);
  if (rest.startsWith('=')) return { ref, range: exact(raw, rest.slice(1)), raw };
  if (rest.startsWith('@')) return { ref, range: range(raw, rest.slice(1)), raw };
  if (/^[<>^~]/.test(rest)) return { ref, range: range(raw, rest), raw };
  throw invalid(raw, `cannot read ${quoteForMessage(rest, 40)} after the ref; ${SYNTAX_HINT}`);
}

/**
 * Pack versions in the wild include StackStorm's old two-part `0.2`; read them as st2 does.
 * Returns null for anything that still isn't semver.
 */
export function normalizeVersion(version: string): string | null {
  const t = version.trim().replace(/^v/, '');
  return valid(/^\d+\.\d+$/.test(t) ? `${t}.0` : t);
}

export function satisfies(version: string, range: string): boolean {
  if (range === '*') return true;
  const v = normalizeVersion(version);
  return v !== null && semverSatisfies(v, range, { includePrerelease: true });
}

export interface DeployingPack {
  ref: string;
  version: string;
  dependencies: string[];
}

/** StackStorm's system packs: always there, at whatever version the host runs. */
export const DEFAULT_BUILTINS: readonly string[] = ['core', 'packs', 'linux', 'chatops'];

export interface PlanInput {
  deploying: DeployingPack[];
  /** ref → version of what is installed now. */
  installed: ReadonlyMap<string, string>;
  /** ref → dependencies of installed packs, so the plan can see whom an upgrade would break. */
  installedDependencies?: ReadonlyMap<string, readonly string[]>;
  builtins?: readonly string[];
  /** Repository name for the "add it" hint; `<repo>` when unknown. */
  repo?: string;
}

export interface DependencyPlan {
  /** Refs of the deploying packs, dependencies first, ties alphabetical. */
  order: string[];
  problems: string[];
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function mismatch(need: string, source: 'deploy' | 'installed', version: string): string {
  const shown = normalizeVersion(version) === null ? `${JSON.stringify(version)}, which is not semver` : version;
  return `${need} but ${source === 'deploy' ? 'this deploy brings' : 'installed is'} ${shown}`;
}

export function planDependencies(input: PlanInput): DependencyPlan {
  const problems: string[] = [];
  const builtins = new Set(input.builtins ?? DEFAULT_BUILTINS);
  const packs = new Map<string, DeployingPack>();
  for (const pack of input.deploying) {
    if (packs.has(pack.ref)) problems.push(`${pack.ref} is in this deploy twice; two directories declare the same ref`);
    else packs.set(pack.ref, pack);
  }
  const refs = [...packs.keys()].sort(byText);

  const needs = new Map<string, Set<string>>();
  const missing: Array<{ from: string; spec: DependencySpec }> = [];
  for (const ref of refs) {
    const pack = packs.get(ref) as DeployingPack;
    const edges = new Set<string>();
    needs.set(ref, edges);
    for (const raw of pack.dependencies) {
      let spec: DependencySpec;
      try {
        spec = parseDependency(raw);
      } catch (err) {
        problems.push(`${ref}: ${errorMessage(err)}`);
        continue;
      }
      const need = `${ref} needs ${spec.ref}${spec.range === '*' ? '' : ` ${spec.range}`}`;
      const bringing = packs.get(spec.ref);
      const installed = input.installed.get(spec.ref);
      // The deploy's own copy wins over a builtin of the same name: it is what will be there.
      if (bringing) {
        edges.add(spec.ref);
        if (!satisfies(bringing.version, spec.range)) problems.push(mismatch(need, 'deploy', bringing.version));
      } else if (builtins.has(spec.ref)) {
        continue;
      } else if (installed !== undefined) {
        if (!satisfies(installed, spec.range)) problems.push(`${mismatch(need, 'installed', installed)} — add ${spec.ref} to this deploy`);
      } else {
        missing.push({ from: ref, spec });
      }
    }
  }

  // One hint for all of them: redeploying with every missing pack at once is the fix.
  const missingRefs = [...new Set(missing.map((m) => m.spec.ref))].sort(byText);
  const hint = `pack deploy ${input.repo ?? '<repo>'} ${[...refs, ...missingRefs].join(',')}`;
  for (const { from, spec } of missing) {
    const range = spec.range === '*' ? '' : ` (${spec.range})`;
    problems.push(`${from} needs ${spec.ref}${range}, which is neither installed nor part of this deploy — add it: ${hint}`);
  }

  for (const cycle of findCycles(refs, needs)) problems.push(`dependency cycle: ${cycle.join(' → ')}`);
  problems.push(...brokenDependants(input, packs));
  return { order: topologicalOrder(refs, needs), problems };
}

/** Installed packs that depend on a pack in this deploy whose new version they don't accept. */
function brokenDependants(input: PlanInput, packs: ReadonlyMap<string, DeployingPack>): string[] {
  const out: string[] = [];
  const dependants = [...(input.installedDependencies ?? new Map<string, readonly string[]>()).entries()].sort(([a], [b]) => byText(a, b));
  for (const [ref, deps] of dependants) {
    // A dependant deployed along with it brings its own, new dependencies; those were checked above.
    if (packs.has(ref)) continue;
    for (const raw of deps) {
      let spec: DependencySpec;
      try {
        spec = parseDependency(raw);
      } catch {
        continue; // already installed as it is; this deploy can't make that string better or worse
      }
      const bringing = packs.get(spec.ref);
      if (!bringing || satisfies(bringing.version, spec.range)) continue;
      out.push(
        `deploying ${spec.ref} ${bringing.version} would break installed ${ref}, which needs ${spec.ref} ${spec.range}` +
          ` — deploy ${ref} too (a version that accepts ${bringing.version}), or a ${spec.ref} version that satisfies ${spec.range}`,
      );
    }
  }
  return out;
}

/** Dependencies first; among packs that are ready, alphabetical. A cycle is broken at its first ref. */
function topologicalOrder(refs: readonly string[], needs: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const placed = new Set<string>();
  const order: string[] = [];
  const ready = (ref: string) => [...(needs.get(ref) ?? [])].every((d) => d === ref || placed.has(d));
  while (order.length < refs.length) {
    const next = refs.find((r) => !placed.has(r) && ready(r)) ?? (refs.find((r) => !placed.has(r)) as string);
    placed.add(next);
    order.push(next);
  }
  return order;
}

/** One cycle per strongly connected component (Tarjan), each starting at its first ref. */
function findCycles(refs: readonly string[], needs: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const edges = (ref: string) => [...(needs.get(ref) ?? [])].sort(byText);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    onStack.add(v);
    for (const w of edges(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      components.push(component);
    }
  };
  for (const ref of refs) if (!index.has(ref)) visit(ref);

  const cycles: string[][] = [];
  for (const component of components) {
    const members = new Set(component);
    const start = [...component].sort(byText)[0] as string;
    if (component.length === 1 && !needs.get(start)?.has(start)) continue;
    cycles.push([...pathBack(start, members, edges), start]);
  }
  return cycles.sort((a, b) => byText(a[0] as string, b[0] as string));
}

/** A path from `start` back to itself inside one component (one exists: it is strongly connected). */
function pathBack(start: string, members: ReadonlySet<string>, edges: (ref: string) => string[]): string[] {
  const seen = new Set<string>();
  const walk = (v: string, path: string[]): string[] | null => {
    for (const w of edges(v)) {
      if (w === start) return path;
      if (!members.has(w) || seen.has(w)) continue;
      seen.add(w);
      const found = walk(w, [...path, w]);
      if (found) return found;
    }
    return null;
  };
  return walk(start, [start]) ?? [start];
}

/** For the deploy pipeline: turn a plan's problems into one error, every problem listed. */
export function assertDependencies(plan: DependencyPlan): void {
  if (plan.problems.length === 0) return;
  const n = plan.problems.length;
  throw new PackbotError('pack_dependencies', `${n} dependency ${n === 1 ? 'problem' : 'problems'}`, { details: plan.problems });
}
