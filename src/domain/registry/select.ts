/**
 * Requests and version selection.
 *
 * Request syntax — packs/dependencies.ts (what pack.yaml's `dependencies` accept), plus a range
 * after `=`, since st2 users write `name=<version>` and expect a range to work there too:
 *   aws                       the highest release
 *   aws=1.2.3  aws=v1.2.3     exactly that version (st2's form; `=1.2` means 1.2.0 as in st2)
 *   aws@1.2.3  aws@^1.2       npm's form: any semver range after `@`
 *   aws=^1.2  aws=~1.2.0  aws=1.x  aws=>=1.0 <2.0
 *   aws>=1.0 <2   aws^1.2     a range straight after the name, when it starts with > < ^ ~
 * A `=` value that reads as a version is exact; otherwise it must be a semver range. Git refs
 * (`aws=master`) are refused: an index lists versions, and a branch is not one.
 *
 * Which index decides: the first one, by priority, that lists the pack — for that pack, lower
 * priority indexes are never consulted, even if they list a higher version. st2 does the same
 * (fetch_pack_index reverses index_url so the first listed wins) and so does Attune ("the first
 * enabled index containing that ref wins"); choosing the best version across all indexes would
 * let anyone who can publish to a public index shadow an internal pack by bumping its version
 * (dependency confusion).
 *
 * Which version: the highest that satisfies the range by semver precedence (never the index's
 * order: the Exchange's lists are string-sorted). Prereleases only when the range names one
 * (npm's rule: `=1.0.0-rc.1`, or `^1.0.0-rc.1` for later 1.0.0 prereleases). This differs on
 * purpose from deploy's `satisfies`, which accepts prereleases a repository owner deployed:
 * here they are a publisher's previews, which nobody should get by asking for `aws`.
 */
import { quoteForMessage } from '../../core/quote.js';
import semver from 'semver';
import { closest } from '../config/suggest.js';
import { errorMessage } from '../../core/caught.js';
import { PackbotError } from '../../core/errors.js';
import { normalizeVersion, parseDependency } from '../packs/dependencies.js';
import type { RegistryPack, RegistryVersion } from './index-format.js';
import type { LoadedIndex } from './sources.js';
import { displayUrl } from '../../core/net/urls.js';

export interface PackRequest {
  name: string;
  /** A semver range; `*` for any release. */
  range: string;
  raw: string;
  /** Set when a dependency names its repository (st2's URL form). */
  url?: string;
}

export interface Selection {
  name: string;
  version: RegistryVersion;
  index: LoadedIndex;
}

const URL_RE = /^(?:[a-z][a-z0-9+.-]*:\/\/|[\w.-]+@[\w.-]+:)/i;
const NEWEST_SHOWN = 5;

/** Throws registry_request_invalid. URLs only when `allowUrl` (dependencies, not chat requests). */
export function parseRequest(raw: string, opts: { allowUrl?: boolean } = {}): PackRequest {
  const text = raw.trim();
  const isUrl = URL_RE.test(text);
  if (isUrl && opts.allowUrl !== true) {
    throw new PackbotError('registry_request_invalid', `${JSON.stringify(displayUrl(text))} is a URL, not a pack name; install from an index by pack name (aws, aws=1.2.3, aws@^1.2)`);
  }
  const eq = isUrl ? null : /^([^\s=@<>^~]+)\s*=\s*(.+)$/s.exec(text);
  // `name=<range>` becomes `name@<range>`, which parseDependency reads as a range.
  const written = eq && eq[2] !== undefined && !eq[2].startsWith('=') && normalizeVersion(eq[2]) === null && semver.validRange(eq[2].replace(/\s*,\s*/g, ' ')) !== null ? `${eq[1]}@${eq[2]}` : text;
  try {
    const spec = parseDependency(written);
    const request: PackRequest = { name: spec.ref, range: spec.range, raw };
    if (isUrl) request.url = text.replace(/=[^/:]*$/, '');
    return request;
  } catch (err) {
    const prefix = `dependency ${quoteForMessage(written, 60)}: `;
    const message = errorMessage(err);
    const why = message.startsWith(prefix) ? message.slice(prefix.length) : message;
    throw new PackbotError('registry_request_invalid', `cannot read ${quoteForMessage(isUrl ? displayUrl(raw.trim()) : raw, 60)}: ${why}`);
  }
}

/** The first index by priority that lists `name`, and its entry. */
export function locate(name: string, indexes: readonly LoadedIndex[]): { pack: RegistryPack; index: LoadedIndex } | undefined {
  for (const index of [...indexes].sort((a, b) => a.priority - b.priority)) {
    const pack = index.packs.get(name);
    if (pack && pack.versions.length > 0) return { pack, index };
  }
  return undefined;
}

/** Newest first, by semver precedence. */
export function newestFirst(pack: RegistryPack): RegistryVersion[] {
  return [...pack.versions].sort((a, b) => semver.rcompare(a.version, b.version));
}

/**
 * The highest version satisfying every range, or undefined; of versions equal by precedence
 * (build metadata), the first listed. One pass, at most one comparison per version, ranges
 * parsed once: an index may list tens of thousands of versions of a pack, and this runs for
 * every need of every pack a resolve visits. `compare` is semver's; tests count its calls.
 */
export function highestSatisfying(pack: RegistryPack, ranges: readonly string[], compare: VersionCompare = (a, b) => a.compare(b)): RegistryVersion | undefined {
  let tests: semver.Range[];
  try {
    tests = ranges.map((r) => new semver.Range(r));
  } catch {
    return undefined; // semver.satisfies' reading: an invalid range is satisfied by nothing
  }
  let best: { v: RegistryVersion; parsed: semver.SemVer } | undefined;
  for (const v of pack.versions) {
    const parsed = semver.parse(v.version);
    if (parsed === null) continue; // index-format keeps valid semver only; nothing satisfies anything else
    if (best !== undefined && compare(parsed, best.parsed) <= 0) continue;
    if (tests.every((t) => t.test(parsed))) best = { v, parsed };
  }
  return best?.v;
}

export type VersionCompare = (a: semver.SemVer, b: semver.SemVer) => number;

export function availableText(pack: RegistryPack): string {
  const all = newestFirst(pack).map((v) => v.version);
  const shown = all.slice(0, NEWEST_SHOWN).join(', ');
  return all.length > NEWEST_SHOWN ? `${shown} (newest ${NEWEST_SHOWN} of ${all.length})` : shown;
}

export function indexName(index: LoadedIndex): string {
  return `the index ${index.label} (priority ${index.priority})`;
}

export function unknownPackMessage(name: string, indexes: readonly LoadedIndex[]): string {
  if (indexes.length === 0) return `no index could be read, so "${name}" cannot be looked up`;
  const names = [...new Set(indexes.flatMap((i) => [...i.packs.keys()]))];
  const guess = closest(name, names);
  const searched = indexes.map((i) => i.label).join(', ');
  return `no index lists a pack named "${name}" (searched ${searched})${guess === undefined ? '' : `; did you mean "${guess}"?`}`;
}

/** Why nothing satisfies `ranges` (described as `wanted`): available versions and the prerelease hint. */
export function noVersionMessage(name: string, wanted: string, ranges: readonly string[], found: { pack: RegistryPack; index: LoadedIndex }): string {
  const base = `no version of ${name} in ${indexName(found.index)} satisfies ${wanted}; available: ${availableText(found.pack)}`;
  const pre = newestFirst(found.pack).find((v) => ranges.every((r) => semver.satisfies(v.version, r, { includePrerelease: true })));
  return pre === undefined ? base : `${base} — only prereleases match; ask for one exactly, e.g. ${name}=${pre.version}`;
}

export function describeRange(range: string): string {
  return range === '*' ? 'any release' : range;
}

/** Throws registry_request_invalid, registry_pack_unknown or registry_version_unknown. */
export function selectVersion(request: string | PackRequest, indexes: readonly LoadedIndex[]): Selection {
  const req = typeof request === 'string' ? parseRequest(request) : request;
  const found = locate(req.name, indexes);
  if (!found) throw new PackbotError('registry_pack_unknown', unknownPackMessage(req.name, indexes));
  const version = highestSatisfying(found.pack, [req.range]);
  if (!version) throw new PackbotError('registry_version_unknown', noVersionMessage(req.name, describeRange(req.range), [req.range], found));
  return { name: req.name, version, index: found.index };
}
