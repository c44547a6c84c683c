/**
 * pack.yaml, read the way StackStorm reads it (st2common PackAPI schema and
 * get_pack_ref_from_metadata): required name/description/version/author, unknown fields
 * allowed, the ref taken from `ref`, else the directory name, else the name, and old two-part
 * versions normalised with a warning. Problems are collected, never thrown.
 */
import validRange from 'semver/ranges/valid.js';
import { z } from 'zod';
import { errorMessage } from '../../core/caught.js';
import { PACK_REF_RE, parseDependency } from './dependencies.js';
import { describe, isObject, want, zodProblems, type Problem, type YamlFile } from './problems.js';

export interface PackManifest {
  ref: string;
  name: string;
  description: string;
  /** Normalised semver. */
  version: string;
  author: string;
  email?: string;
  keywords?: string[];
  dependencies: string[];
  python_versions?: string[];
  stackstorm_version?: string;
  contributors?: string[];
  system?: Record<string, unknown>;
  [k: string]: unknown;
}

export const MANIFEST_FILE = 'pack.yaml';
/** st2's RESERVED_PACK_LIST: `_global` names the datastore's global scope. */
export const RESERVED_REFS: readonly string[] = ['_global'];
/** st2's USER_PACK_NAME_BLACKLIST: StackStorm ships these itself and needs them intact. */
export const SYSTEM_REFS: readonly string[] = ['core', 'packs'];
/** st2's PACK_VERSION_REGEX (strict semver: no leading zeros, no `v`). */
const PACK_VERSION_RE = /^(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:-[\da-z-]+(?:\.[\da-z-]+)*)?(?:\+[\da-z-]+(?:\.[\da-z-]+)*)?$/;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const text = (hint: string) => z.string({ error: want(hint) }).refine((s) => s.trim() !== '', { message: 'must not be empty' });
const strings = (hint: string) => z.array(z.string({ error: want('a string') }), { error: want(hint) });

/** The fields whose shape a schema can check; ref and version need the source and the directory. */
const manifestSchema = z.looseObject({
  name: text('the display name of the pack'),
  description: text('a sentence saying what the pack does'),
  author: text('who wrote the pack'),
  email: z.string({ error: want('an e-mail address') }).regex(EMAIL_RE, { message: 'expected an e-mail address like ops@example.com' }).optional(),
  keywords: strings('a list of keywords').optional(),
  dependencies: strings('a list of pack refs, like [monitoring, "incident=1.2.0"]').optional(),
  python_versions: z
    .array(z.enum(['2', '3'], { error: want('"2" or "3" (quoted)') }), { error: want('a list like ["3"]') })
    .min(1, { message: 'must list at least one of "2" and "3"' })
    .max(2, { message: 'may list only "2" and "3"' })
    .refine((v) => new Set(v).size === v.length, { message: 'lists a version twice' })
    .optional(),
  stackstorm_version: z
    .string({ error: want('a version range like ">=3.8.0"') })
    .refine((v) => v.trim() !== '' && validRange(v.replace(/,/g, ' ')) !== null, {
      message: 'expected a version range like ">=3.8.0" or ">=3.7.0, <4.0.0"',
    })
    .optional(),
  contributors: z.array(z.string({ error: want('a string like "Name <email>"') }).max(100, { message: 'is longer than 100 characters' }), { error: want('a list of names') }).optional(),
  system: z.looseObject({}, { error: want('a mapping') }).optional(),
});

export interface ManifestCheck {
  ref: string | null;
  manifest: PackManifest | null;
  errors: Problem[];
  warnings: Problem[];
}

export function checkManifest(yaml: YamlFile, dirName: string): ManifestCheck {
  const file = yaml.file;
  const at = (path: Array<string | number>, message: string): Problem => {
    const line = yaml.lineOf(path);
    return { file, ...(line === undefined ? {} : { line }), message };
  };
  const raw = yaml.value;
  if (raw === null || raw === undefined) return { ref: null, manifest: null, errors: [{ file, message: 'is empty; it needs at least name, description, version and author' }], warnings: [] };
  if (!isObject(raw)) return { ref: null, manifest: null, errors: [{ file, message: `expected a mapping of fields (name, description, version, author), got ${describe(raw)}` }], warnings: [] };

  const errors = zodProblems(yaml, manifestSchema.safeParse(raw));
  const warnings: Problem[] = [];
  const version = readVersion(yaml, raw['version'], at, errors, warnings);
  const ref = deriveRef(raw, dirName, at, errors, warnings);
  if (Array.isArray(raw['python_versions']) && raw['python_versions'].length === 1 && raw['python_versions'][0] === '2') {
    warnings.push(at(['python_versions'], 'python_versions lists only "2"; current StackStorm runs pack code on Python 3 only'));
  }
  if (Array.isArray(raw['dependencies'])) {
    raw['dependencies'].forEach((dep, i) => {
      if (typeof dep !== 'string') return; // the schema has already said so
      try {
        const spec = parseDependency(dep);
        if (ref !== null && spec.ref === ref) errors.push(at(['dependencies', i], `the pack depends on itself (${JSON.stringify(dep)})`));
      } catch (err) {
        errors.push(at(['dependencies', i], errorMessage(err)));
      }
    });
  }
  if (errors.length > 0 || ref === null || version === null) return { ref, manifest: null, errors, warnings };
  const manifest = { ...raw, ref, version, dependencies: (raw['dependencies'] as string[] | undefined) ?? [] } as PackManifest;
  return { ref, manifest, errors, warnings };
}

type At = (path: Array<string | number>, message: string) => Problem;

function readVersion(yaml: YamlFile, value: unknown, at: At, errors: Problem[], warnings: Problem[]): string | null {
  if (value === undefined || value === null) {
    errors.push(at(['version'], 'version: is required (a semver version like 1.0.0)'));
    return null;
  }
  // An unquoted `version: 1.10` is a YAML number; what the author wrote is in the source.
  const written = typeof value === 'number' ? (yaml.sourceOf(['version']) ?? String(value)) : typeof value === 'string' ? value.trim() : null;
  if (written === null) {
    errors.push(at(['version'], `version: expected a semver version like 1.0.0, got ${describe(value)}`));
    return null;
  }
  if (PACK_VERSION_RE.test(written)) return written;
  const twoPart = `${written}.0`;
  if (/^\d+\.\d+$/.test(written) && PACK_VERSION_RE.test(twoPart)) {
    warnings.push(at(['version'], `version: ${JSON.stringify(written)} is not semver; read as ${twoPart}, as StackStorm does — write ${twoPart}`));
    return twoPart;
  }
  errors.push(at(['version'], `version: ${JSON.stringify(written)} is not a semver version; write major.minor.patch, like 1.0.0 or 0.2.1`));
  return null;
}

function deriveRef(raw: Record<string, unknown>, dirName: string, at: At, errors: Problem[], warnings: Problem[]): string | null {
  const explicit = raw['ref'];
  const name = raw['name'];
  let ref: string;
  // st2 tests `metadata.get('ref')` for truthiness, so `ref: ""` and `ref:` mean "no ref".
  if (explicit !== undefined && explicit !== null && explicit !== '') {
    if (typeof explicit !== 'string') {
      errors.push(at(['ref'], `ref: expected a pack ref like my_pack, got ${describe(explicit)}`));
      return null;
    }
    if (!PACK_REF_RE.test(explicit)) {
      const dashes = explicit.includes('-') ? '; dashes are not allowed' : '';
      errors.push(at(['ref'], `ref: ${JSON.stringify(explicit)} may contain only lowercase letters, digits and underscores (a-z, 0-9, _)${dashes}`));
      return null;
    }
    ref = explicit;
    if (dirName !== explicit && PACK_REF_RE.test(dirName)) {
      warnings.push(at(['ref'], `ref is "${explicit}" but the directory is named "${dirName}"; the pack is installed as ${explicit}`));
    }
  } else if (PACK_REF_RE.test(dirName)) {
    ref = dirName;
  } else if (typeof name === 'string' && PACK_REF_RE.test(name)) {
    ref = name;
  } else {
    const why = typeof name === 'string' ? `pack name ${JSON.stringify(name)} contains characters other than a-z, 0-9 and _` : 'the pack has no usable name';
    const suggestion = (typeof name === 'string' ? name : dirName).toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'my_pack';
    errors.push(at(['name'],
      `${why}, the directory name ${JSON.stringify(dirName)} can't be a ref either, and there is no "ref" attribute — ` +
        `add one made of lowercase letters, digits and underscores (e.g. "ref: ${suggestion}") or rename the pack`));
    return null;
  }
  // Point at `ref:` only when the author wrote one; a derived ref has no line.
  const where = (message: string): Problem => (ref === explicit ? at(['ref'], message) : { file: MANIFEST_FILE, message });
  if (RESERVED_REFS.includes(ref)) {
    errors.push(where(`ref "${ref}" is reserved by StackStorm (it names the global datastore scope); pick another ref`));
    return null;
  }
  if (SYSTEM_REFS.includes(ref)) {
    errors.push(where(`ref "${ref}" belongs to a StackStorm system pack, which a user pack must not replace; pick another ref`));
    return null;
  }
  return ref;
}
