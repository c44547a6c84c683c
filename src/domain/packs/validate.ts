/**
 * One pack directory → every problem with it, at once. The safety walk runs first and is the
 * only source of files to read: a file it did not vouch for (a symlink, a FIFO) is never
 * opened, so validating a hostile pack cannot read outside it or hang.
 */
import type { YamlPool } from '../../core/yaml-safe/index.js';
import { basename, join, resolve } from 'node:path';
import { PackbotError } from '../../core/errors.js';
import { tooManyBytes } from '../../core/yaml-safe/index.js';
import { checkConfigSchema, CONFIG_SCHEMA_FILE, readRegularFile } from './config.js';
import { checkContent, MAX_YAML_BYTES, parseYamlRead, type ReadFile } from './content.js';
import { checkManifest, MANIFEST_FILE, type PackManifest } from './manifest.js';
import { formatProblem, parseYaml, type Problem } from './problems.js';
import { readRegularFileSync, SYNC_READ_MAX } from './read-sync.js';
import { emptySummary, summarizeFiles, type ContentSummary } from './summary.js';
import { DEFAULT_LIMITS, inPackPath, walkPack, type PackTree } from './walk.js';

export interface PackCheck {
  dir: string;
  /** The derived ref, even when other things are wrong; null when it can't be derived. */
  ref: string | null;
  /** Non-null when pack.yaml itself is valid (the content may still have errors). */
  manifest: PackManifest | null;
  errors: string[];
  warnings: string[];
  summary: ContentSummary;
}

export interface ValidateOptions {
  /** Name of the pack's directory in the repository, for deriving the ref; default basename(dir). */
  dirName?: string;
  maxFiles?: number;
  maxBytes?: number;
  /** Workers for big YAML files (the app's pool). */
  yaml?: YamlPool;
}

export async function validatePackDir(dir: string, opts: ValidateOptions = {}): Promise<PackCheck> {
  const tree = await walkPack(dir, { maxFiles: opts.maxFiles ?? DEFAULT_LIMITS.maxFiles, maxBytes: opts.maxBytes ?? DEFAULT_LIMITS.maxBytes });
  const errors: Problem[] = [...tree.problems];
  const warnings: Problem[] = [];
  const summary = tree.files.size > 0 ? summarizeFiles(tree.files.keys()) : emptySummary();
  // A kept symlink is read at its target's path: readRegularFile never follows a link.
  // Small files at once, without a promise (read-sync.ts); big ones through the thread pool.
  const read = (rel: string): string | Promise<string> => {
    const at = join(tree.root, inPackPath(tree, rel));
    return (tree.files.get(rel) ?? Infinity) <= SYNC_READ_MAX ? readRegularFileSync(at) ?? '' : readRegularFile(at).then((text) => text ?? '');
  };
  let ref: string | null = null;
  let manifest: PackManifest | null = null;

  // A walk stopped by a cap has a partial file list: judging the rest would report files as
  // missing that are merely unvisited.
  if (tree.complete) {
    const m = await checkManifestFile(tree, opts.dirName ?? basename(resolve(dir)), read, opts.yaml);
    ({ ref, manifest } = m);
    errors.push(...m.errors);
    warnings.push(...m.warnings);
    if (tree.files.has(CONFIG_SCHEMA_FILE)) {
      const parsed = await parseYaml(CONFIG_SCHEMA_FILE, await read(CONFIG_SCHEMA_FILE), opts.yaml);
      errors.push(...(parsed.ok ? checkConfigSchema(parsed.yaml) : parsed.problems));
      if (parsed.ok) warnings.push(...parsed.yaml.warnings);
    }
    const content = await checkContent(tree, ref, read, opts.yaml);
    errors.push(...content.errors);
    warnings.push(...content.warnings);
    warnings.push(...keptLinks(tree));
  }
  return { dir, ref, manifest, errors: errors.map(formatProblem), warnings: warnings.map(formatProblem), summary };
}

async function checkManifestFile(tree: PackTree, dirName: string, read: ReadFile, yaml?: YamlPool) {
  const none = { ref: null, manifest: null, warnings: [] as Problem[] };
  if (!tree.files.has(MANIFEST_FILE)) {
    // A pack.yaml that is a symlink or a FIFO was reported by the walk; saying "missing" too would mislead.
    const reported = tree.problems.some((p) => p.file === MANIFEST_FILE);
    return { ...none, errors: reported ? [] : [{ file: MANIFEST_FILE, message: 'missing: every pack needs one at its root' }] };
  }
  const tooBig = tooManyBytes(tree.files.get(MANIFEST_FILE) ?? 0, { maxBytes: MAX_YAML_BYTES });
  if (tooBig) return { ...none, errors: [{ file: MANIFEST_FILE, message: tooBig }] };
  const parsed = await parseYamlRead(MANIFEST_FILE, read, yaml);
  if (!parsed.ok) return { ...none, errors: parsed.problems };
  const checked = checkManifest(parsed.yaml, dirName);
  return { ...checked, warnings: [...parsed.yaml.warnings, ...checked.warnings] };
}

/**
 * Kept links are safe but worth knowing about (a reviewer reading the diff sees a path, not
 * the file it stands for), and a `strict: true` repository refuses them like any warning.
 */
function keptLinks(tree: PackTree): Problem[] {
  return [...tree.links.values()]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((l) => ({ file: l.path, message: `a symlink to ${l.target} (${l.real === '' ? 'the pack root' : l.real}), kept as a link inside the pack; StackStorm installs it the same way` }));
}

/** For the deploy pipeline: one error listing every problem, or nothing; the pack by name, never by its (staging) path. */
export function assertValid(check: PackCheck): void {
  if (check.errors.length === 0) return;
  const n = check.errors.length;
  throw new PackbotError('pack_invalid', `${check.ref ?? basename(check.dir)}: ${n} ${n === 1 ? 'problem' : 'problems'} in the pack`, { details: check.errors });
}
