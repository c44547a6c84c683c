/**
 * The two pack-index formats packbot reads, normalised to one shape.
 *
 * StackStorm Exchange (index.stackstorm.org/v1/index.json, built by StackStorm-Exchange/ci
 * utils `index.py`): `{metadata: {generated_ts, hash}, packs: {<ref>: <pack.yaml fields> +
 * repo_url + versions}}`. `versions` is a *list* of tag names with the `v` stripped, written
 * as `reversed(sorted(set(...)))` — string order, so "1.9.0" precedes "1.10.0"; nothing here
 * relies on it. Each version is the git tag `v<version>` of `repo_url` (how st2's clone_repo
 * finds a version). The entry carries the newest pack.yaml only, so its `dependencies` apply
 * to every listed version; the deploy re-checks the fetched pack.yaml anyway. Very old
 * entries have `version: 0.3` as a YAML float, read as st2 reads it ("0.3" → 0.3.0).
 *
 * Attune (attune-system/attune docs/packs/pack-registry-spec.md): `{registry_name,
 * registry_url, version, last_updated, packs: [{ref, label, description, version, author,
 * license, install_sources: [{type: git|archive, url, ref, checksum: "sha256:<hex>"}],
 * dependencies: {packs: ["ref@version"], attune_version, …}}]}`. One entry is one version
 * (the spec's index-merge keeps the highest per ref); several entries with one ref are read
 * as several versions. Attune refs may contain `-`, StackStorm refs may not: those are skipped.
 *
 * Schemas are loose (providers add fields) and only check what packbot uses. A field of the
 * wrong type makes the index invalid — every such problem is reported at once — while a
 * version that isn't semver only drops that version, with a warning.
 */
import { z } from 'zod';
import { normalizeVersion, PACK_REF_RE } from '../packs/dependencies.js';

export interface RegistryArchive {
  url: string;
  sha256?: string;
}

export interface RegistryVersion {
  /** Valid semver. */
  version: string;
  repo_url?: string;
  /** The git ref to check out: `v1.2.3` for the Exchange, a commit for Attune. */
  git_ref?: string;
  archive?: RegistryArchive;
  /** As the index wrote them; read by packs/dependencies.ts parseDependency. */
  dependencies: string[];
}

export interface RegistryPack {
  name: string;
  description?: string;
  /** In index order, which means nothing: select by semver. */
  versions: RegistryVersion[];
}

export type IndexFormat = 'exchange' | 'attune';

export interface ParsedIndex {
  format: IndexFormat | null;
  packs: Map<string, RegistryPack>;
  /** Non-empty: the index is invalid and must not be used. */
  errors: string[];
  /** Skipped versions and packs; the rest of the index is usable. */
  warnings: string[];
}

// Old Exchange entries hold YAML floats (version: 0.3).
const versionText = z.union([z.string(), z.number()]);
const strings = z.array(z.string());

const exchangePack = z.looseObject({
  description: z.string().optional(),
  version: versionText.optional(),
  // The real index writes a list; a map keyed by version is tolerated for hand-written mirrors.
  versions: z.union([z.array(versionText), z.record(z.string(), z.unknown())]).optional(),
  repo_url: z.string().optional(),
  dependencies: strings.optional(),
});

const attuneSource = z.looseObject({
  type: z.string(),
  url: z.string(),
  ref: z.string().optional(),
  checksum: z.string().optional(),
});

const attunePack = z.looseObject({
  ref: z.string(),
  description: z.string().optional(),
  version: versionText,
  install_sources: z.array(attuneSource).optional(),
  // pack.yaml's list form is kept as a list by some generators; the spec's object form nests it.
  dependencies: z.union([strings, z.looseObject({ packs: strings.optional() })]).optional(),
});

const SHA256 = /^sha256:([0-9a-f]{64})$/i;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function issues(where: string, error: z.ZodError): string[] {
  return error.issues.map((i) => {
    const path = i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    return `${where}${path}: ${i.message}`;
  });
}

/** Versions already read, per pack: a Set, so an index listing n versions is read in O(n), not O(n²). */
type Seen = Map<string, Set<string>>;

/** Parses a decoded JSON document in either format. Never throws. */
export function parseIndex(raw: unknown): ParsedIndex {
  const out: ParsedIndex = { format: null, packs: new Map(), errors: [], warnings: [] };
  const seen: Seen = new Map();
  if (!isObject(raw)) {
    out.errors.push(`expected a JSON object with "packs", got ${Array.isArray(raw) ? 'a list' : raw === null ? 'null' : typeof raw}`);
    return out;
  }
  if (Array.isArray(raw.packs)) {
    out.format = 'attune';
    raw.packs.forEach((entry, i) => readAttune(entry, `packs[${i}]`, out, seen));
  } else if (isObject(raw.packs)) {
    out.format = 'exchange';
    for (const [key, entry] of Object.entries(raw.packs)) readExchange(key, entry, out, seen);
  } else {
    out.errors.push(
      raw.packs === undefined
        ? 'has no "packs" field: expected the Exchange\'s {"packs": {name: {...}}} or Attune\'s {"packs": [{ref, ...}]}'
        : '"packs" must be an object (StackStorm Exchange) or a list (Attune)',
    );
  }
  return out;
}

function readExchange(key: string, entry: unknown, out: ParsedIndex, seen: Seen): void {
  const where = `packs.${key}`;
  const parsed = exchangePack.safeParse(entry);
  if (!parsed.success) {
    out.errors.push(...issues(where, parsed.error));
    return;
  }
  const p = parsed.data;
  if (!PACK_REF_RE.test(key)) return void out.warnings.push(`${where}: "${key}" is not a pack ref (lowercase letters, digits and _); skipped`);
  if (p.repo_url === undefined || p.repo_url.trim() === '') return void out.warnings.push(`${where}: no repo_url; skipped`);
  const listed = p.versions === undefined ? (p.version === undefined ? [] : [p.version]) : Array.isArray(p.versions) ? p.versions : Object.keys(p.versions);
  if (listed.length === 0) return void out.warnings.push(`${where}: lists no version; skipped`);
  for (const raw of listed) {
    const text = String(raw);
    const version = checkVersion(text, where, out);
    if (version === null) continue;
    addVersion(out, seen, key, p.description, where, { version, repo_url: p.repo_url, git_ref: `v${text.replace(/^v/, '')}`, dependencies: p.dependencies ?? [] });
  }
}

function readAttune(entry: unknown, where: string, out: ParsedIndex, seen: Seen): void {
  const parsed = attunePack.safeParse(entry);
  if (!parsed.success) {
    out.errors.push(...issues(where, parsed.error));
    return;
  }
  const p = parsed.data;
  const at = `${where} (${p.ref})`;
  if (!PACK_REF_RE.test(p.ref)) return void out.warnings.push(`${at}: "${p.ref}" is not a StackStorm pack ref (lowercase letters, digits and _); skipped`);
  const version = checkVersion(String(p.version), at, out);
  if (version === null) return;
  const git = p.install_sources?.find((s) => s.type === 'git');
  const archive = p.install_sources?.find((s) => s.type === 'archive');
  if (!git && !archive) return void out.warnings.push(`${at}: no git or archive install source; skipped`);
  const v: RegistryVersion = { version, dependencies: Array.isArray(p.dependencies) ? p.dependencies : (p.dependencies?.packs ?? []) };
  if (git) {
    v.repo_url = git.url;
    if (git.ref !== undefined) v.git_ref = git.ref;
  }
  if (archive) {
    const sha = archive.checksum === undefined ? undefined : SHA256.exec(archive.checksum)?.[1]?.toLowerCase();
    if (archive.checksum !== undefined && sha === undefined) out.warnings.push(`${at}: archive checksum is not "sha256:<64 hex>"; it will not be verified`);
    v.archive = sha === undefined ? { url: archive.url } : { url: archive.url, sha256: sha };
  }
  addVersion(out, seen, p.ref, p.description, at, v);
}

function checkVersion(text: string, where: string, out: ParsedIndex): string | null {
  const version = normalizeVersion(text);
  if (version === null) out.warnings.push(`${where}: version ${JSON.stringify(text)} is not semver; skipped`);
  return version;
}

function addVersion(out: ParsedIndex, seen: Seen, name: string, description: string | undefined, where: string, v: RegistryVersion): void {
  let pack = out.packs.get(name);
  let versions = seen.get(name);
  if (!pack || !versions) {
    pack = { name, versions: [] };
    versions = new Set();
    out.packs.set(name, pack);
    seen.set(name, versions);
  }
  if (pack.description === undefined && description !== undefined) pack.description = description;
  if (versions.has(v.version)) return void out.warnings.push(`${where}: version ${v.version} is listed twice; the first is used`);
  versions.add(v.version);
  pack.versions.push(v);
}
