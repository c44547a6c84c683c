/**
 * What an install needs: the requested packs and, recursively, their dependencies that are
 * not installed, each at one version — with every conflict and problem found first, so that
 * nothing is installed unless all of it can be. (st2's packs.install downloads first and
 * deletes again on a conflict; its `nested: 10` is the default depth limit here too.)
 *
 * One version per pack: the highest that satisfies every range asking for it, from the first
 * index that lists it (select.ts). Ranges can change when a choice changes (another version of
 * B may depend on another D), so choices are repeated until they stop changing; this is not a
 * full backtracking solver — a conflict it reports is a conflict between the ranges of the
 * versions it chose, which for the Exchange (one dependency list per pack) is the same thing.
 *
 * Decisions, each deliberate:
 * - An installed pack that satisfies every range stays; one that doesn't is a conflict unless
 *   it is requested too, which upgrades (or re-pins) it. Never silently upgraded.
 * - A cycle (a → b → a) is a problem, as in deploy's planDependencies: there is no order to
 *   install it in, and the deploy pipeline would refuse it anyway.
 * - A chain deeper than maxDepth is a problem, not truncated.
 * - StackStorm's system packs (core, packs, linux, chatops) satisfy any dependency.
 * - A dependency given as a URL (st2 allows it) is accepted only when the index lists the pack
 *   from that same repository: packbot installs dependencies from its indexes only.
 * Pure: no I/O; everything comes in through the arguments.
 */
import semver from 'semver';
import { errorMessage } from '../../core/caught.js';
import { PackbotError } from '../../core/errors.js';
import { DEFAULT_BUILTINS } from '../packs/dependencies.js';
import type { RegistryVersion } from './index-format.js';
import { findCycles, installOrder } from './graph.js';
import { describeRange, highestSatisfying, indexName, locate, noVersionMessage, parseRequest, unknownPackMessage, type PackRequest } from './select.js';
import type { LoadedIndex } from './sources.js';
import { displayUrl, repoIdentity } from '../../core/net/urls.js';

export interface ResolveInput {
  requests: readonly string[];
  /** name → installed version. */
  installed: ReadonlyMap<string, string>;
  indexes: readonly LoadedIndex[];
  maxDepth?: number;
  builtins?: readonly string[];
}

export type InstallReason = 'requested' | `dependency of ${string}`;

export interface PlannedInstall {
  name: string;
  version: string;
  source: RegistryVersion;
  index: { label: string; priority: number };
  reason: InstallReason;
  /** The installed version this replaces. */
  replaces?: string;
}

export interface KeptInstall {
  name: string;
  version: string;
  reason: InstallReason;
}

export interface Resolution {
  /** Dependencies first. Install nothing unless conflicts and problems are both empty. */
  plan: PlannedInstall[];
  alreadyInstalled: KeptInstall[];
  conflicts: string[];
  problems: string[];
}

interface Need {
  range: string;
  /** The chain of packs that asks, from a request; empty for the request itself. */
  path: string[];
  raw: string;
  url?: string;
}

type Decision = { kind: 'index'; version: RegistryVersion; index: LoadedIndex } | { kind: 'installed'; version: string } | { kind: 'none' };

const MAX_ROUNDS = 20;
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const who = (need: Need, name: string): string =>
  need.path.length === 0 ? `the request ${JSON.stringify(need.raw)}` : `${need.path.join(' → ')} needs ${name}${need.range === '*' ? '' : ` ${need.range}`}`;
const key = (d: Decision | undefined): string => (d === undefined ? '' : d.kind === 'index' ? `i${d.version.version}` : d.kind === 'installed' ? `l${d.version}` : 'n');

export function resolveInstall(input: ResolveInput): Resolution {
  const maxDepth = input.maxDepth ?? 10;
  const builtins = new Set(input.builtins ?? DEFAULT_BUILTINS);
  const requestProblems: string[] = [];
  const roots: PackRequest[] = [];
  for (const raw of input.requests) {
    try {
      roots.push(parseRequest(raw));
    } catch (err) {
      requestProblems.push(errorMessage(err));
    }
  }
  const requested = new Set(roots.map((r) => r.name));

  // The needs of the previous round steer this round's choices; stop when choices repeat.
  let previous = new Map<string, Decision>();
  let previousNeeds = new Map<string, Need[]>();
  for (let round = 0; ; round++) {
    const walk = traverse(roots, input, requested, builtins, maxDepth, previousNeeds);
    const settled = walk.decisions.size === previous.size && [...walk.decisions].every(([n, d]) => key(previous.get(n)) === key(d));
    if (settled || round === MAX_ROUNDS) {
      const result = summarise(walk, input, requested);
      result.problems.unshift(...requestProblems);
      if (!settled) result.problems.push(`the dependency choices did not settle after ${MAX_ROUNDS} rounds; pin versions in the request`);
      return result;
    }
    previous = walk.decisions;
    previousNeeds = walk.needs;
  }
}

interface Walk {
  needs: Map<string, Need[]>;
  decisions: Map<string, Decision>;
  edges: Map<string, Set<string>>;
  problems: string[];
}

function traverse(
  roots: readonly PackRequest[],
  input: ResolveInput,
  requested: ReadonlySet<string>,
  builtins: ReadonlySet<string>,
  maxDepth: number,
  hints: ReadonlyMap<string, Need[]>,
): Walk {
  const walk: Walk = { needs: new Map(), decisions: new Map(), edges: new Map(), problems: [] };
  const addNeed = (name: string, need: Need): void => void (walk.needs.get(name) ?? walk.needs.set(name, []).get(name))?.push(need);
  const queue: Array<{ name: string; path: string[] }> = [];
  for (const r of roots) {
    addNeed(r.name, { range: r.range, path: [], raw: r.raw });
    queue.push({ name: r.name, path: [r.name] });
  }
  const seen = new Set<string>();
  // Breadth first, so each pack is expanded along its shortest chain and depth means that.
  while (queue.length > 0) {
    const { name, path } = queue.shift() as { name: string; path: string[] };
    if (seen.has(name)) continue;
    seen.add(name);
    const decision = decide(name, [...(walk.needs.get(name) ?? []), ...(hints.get(name) ?? [])], walk.needs.get(name) ?? [], input, requested);
    walk.decisions.set(name, decision);
    if (decision.kind !== 'index') continue;
    const deps = new Set<string>();
    walk.edges.set(name, deps);
    for (const raw of decision.version.dependencies) {
      let dep: PackRequest;
      try {
        dep = parseRequest(raw, { allowUrl: true });
      } catch (err) {
        walk.problems.push(`${path.join(' → ')} ${decision.version.version}: ${errorMessage(err)}`);
        continue;
      }
      if (builtins.has(dep.name) && !requested.has(dep.name)) continue;
      deps.add(dep.name);
      addNeed(dep.name, { range: dep.range, path, raw, ...(dep.url === undefined ? {} : { url: dep.url }) });
      if (path.length > maxDepth) {
        walk.problems.push(`${[...path, dep.name].join(' → ')} is deeper than the dependency depth limit (${maxDepth})`);
      } else if (!path.includes(dep.name)) {
        queue.push({ name: dep.name, path: [...path, dep.name] });
      }
    }
  }
  return walk;
}

/** Prefers a version satisfying this round's and last round's needs, then this round's alone. */
function decide(name: string, steered: readonly Need[], current: readonly Need[], input: ResolveInput, requested: ReadonlySet<string>): Decision {
  const installed = input.installed.get(name);
  const found = locate(name, input.indexes);
  const ranges = (needs: readonly Need[]) => needs.map((n) => n.range);
  if (installed !== undefined && keepsInstalled(installed, ranges(current), requested.has(name), found?.pack ? highestSatisfying(found.pack, ranges(current))?.version : undefined)) {
    return { kind: 'installed', version: installed };
  }
  if (!found) return { kind: 'none' };
  const version = highestSatisfying(found.pack, ranges(steered)) ?? highestSatisfying(found.pack, ranges(current)) ?? highestSatisfying(found.pack, ranges(current).slice(0, 1));
  return version ? { kind: 'index', version, index: found.index } : { kind: 'none' };
}

/**
 * A dependency keeps its installed version when that satisfies every range, even if the index
 * has newer; a request keeps it only when nothing newer satisfies (so `install aws` upgrades,
 * and never downgrades a locally newer build). An unsatisfying installed dependency is kept
 * too — as a conflict, reported by summarise — rather than silently upgraded.
 */
function keepsInstalled(installed: string, ranges: readonly string[], isRequested: boolean, best: string | undefined): boolean {
  const v = semver.valid(installed) ?? semver.valid(semver.coerce(installed));
  const fits = v !== null && ranges.every((r) => semver.satisfies(v, r, { includePrerelease: true }));
  if (!isRequested) return true;
  return fits && (best === undefined || (v !== null && semver.gte(v, best)));
}

function summarise(walk: Walk, input: ResolveInput, requested: ReadonlySet<string>): Resolution {
  const result: Resolution = { plan: [], alreadyInstalled: [], conflicts: [], problems: [...walk.problems] };
  const planned = new Map<string, PlannedInstall>();
  for (const name of [...walk.decisions.keys()].sort(byText)) {
    const needs = walk.needs.get(name) ?? [];
    const decision = walk.decisions.get(name) as Decision;
    const parents = [...new Set(needs.flatMap((n) => n.path.slice(-1)))].sort(byText);
    const reason: InstallReason = requested.has(name) ? 'requested' : `dependency of ${parents.join(', ')}`;
    if (decision.kind === 'installed') {
      const unmet = needs.filter((n) => !satisfiesLoosely(decision.version, n.range));
      if (unmet.length === 0) result.alreadyInstalled.push({ name, version: decision.version, reason });
      else result.conflicts.push(`${name} ${decision.version} is installed, but ${unmet.map((n) => who(n, name)).join(' and ')} — request ${name} too to upgrade it`);
      continue;
    }
    const found = locate(name, input.indexes);
    if (!found) {
      const asker = needs.find((n) => n.path.length > 0);
      result.problems.push(`${asker ? `${who(asker, name)}, but ` : ''}${unknownPackMessage(name, input.indexes)}`);
      continue;
    }
    const lonely = needs.find((n) => highestSatisfying(found.pack, [n.range]) === undefined);
    if (lonely) {
      const prefix = lonely.path.length === 0 ? '' : `${lonely.path.join(' → ')}: `;
      result.problems.push(`${prefix}${noVersionMessage(name, describeRange(lonely.range), [lonely.range], found)}`);
      continue;
    }
    if (decision.kind !== 'index' || !needs.every((n) => semver.satisfies(decision.version.version, n.range))) {
      result.conflicts.push(conflictMessage(name, needs, found));
      continue;
    }
    for (const n of needs) {
      if (n.url === undefined) continue;
      const listed = decision.version.repo_url;
      if (listed === undefined || repoIdentity(listed) !== repoIdentity(n.url)) {
        result.problems.push(
          `${who(n, name)} from ${displayUrl(n.url)}, but ${indexName(decision.index)} lists ${name} from ${listed === undefined ? 'an archive' : displayUrl(listed)}; ` +
            'packbot installs dependencies from its indexes only — name the dependency by ref, or publish that repository in an index',
        );
      }
    }
    const installed = input.installed.get(name);
    if (installed !== undefined && installed === decision.version.version) {
      result.alreadyInstalled.push({ name, version: installed, reason });
      continue;
    }
    const entry: PlannedInstall = { name, version: decision.version.version, source: decision.version, index: { label: decision.index.label, priority: decision.index.priority }, reason };
    if (installed !== undefined) entry.replaces = installed;
    planned.set(name, entry);
  }
  for (const cycle of findCycles(walk.edges)) result.problems.push(`dependency cycle: ${cycle.join(' → ')}; a pack cannot be installed before itself`);
  result.plan = installOrder([...planned.keys()], walk.edges).map((n) => planned.get(n) as PlannedInstall);
  return result;
}

function satisfiesLoosely(version: string, range: string): boolean {
  const v = semver.valid(version) ?? semver.valid(semver.coerce(version));
  return v !== null && semver.satisfies(v, range, { includePrerelease: true });
}

/** Names the first pair of needs no single version satisfies; all of them when only the set clashes. */
function conflictMessage(name: string, needs: readonly Need[], found: NonNullable<ReturnType<typeof locate>>): string {
  const where = `no version of ${name} in ${indexName(found.index)}`;
  for (let i = 0; i < needs.length; i++) {
    for (let j = i + 1; j < needs.length; j++) {
      const a = needs[i] as Need;
      const b = needs[j] as Need;
      if (highestSatisfying(found.pack, [a.range, b.range]) === undefined) {
        return `conflict over ${name}: ${who(a, name)}, but ${who(b, name)}; ${where} satisfies both`;
      }
    }
  }
  return `conflict over ${name}: ${needs.map((n) => who(n, name)).join('; ')}; ${where} satisfies all of them`;
}

/** For the install step: one error listing every conflict and problem, or nothing. */
export function assertResolution(resolution: Resolution): void {
  const all = [...resolution.conflicts, ...resolution.problems];
  if (all.length === 0) return;
  const n = all.length;
  throw new PackbotError('pack_dependencies', `nothing was installed: ${n} dependency ${n === 1 ? 'problem' : 'problems'}`, { details: all });
}
