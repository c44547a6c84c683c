import path from 'node:path';
import type { YamlPool } from '../../core/yaml-safe/index.js';
import { PackTooBig, type Git } from '../../domain/git/index.js';
import { DEFAULT_LIMITS, summarizeFiles, validatePackDir, type PackCheck } from '../../domain/packs/index.js';
import type { Release } from '../../domain/packstore/index.js';
import type { PackSource } from './discover.js';
import type { FailedTrees } from './failed-trees.js';
import type { ResolvedRepository } from './resolve.js';

export interface PreparedPack {
  source: PackSource;
  treeId: string;
  stagingDir: string;
  check: PackCheck | null;
  /** The release active now for this source, if any. */
  active: Release | null;
  unchanged: boolean;
  error: string | null;
}

export interface PrepareInput {
  git: Git;
  repo: ResolvedRepository;
  commit: string;
  source: PackSource;
  stagingRoot: string;
  installed: readonly Release[];
  force: boolean;
  yaml?: YamlPool;
  /** Trees that failed validation before: such a pack is reported, not written out and validated again. */
  failed?: FailedTrees;
  /** Told each time a pack is validated, or its verdict recalled (tests, stats). */
  onValidate?: (how: 'validated' | 'recalled') => void;
}

/**
 * A failed validation as a pack's error ("2 problems in the pack:" and one per line), or null.
 * `strict` (a repository's `strict: true`) refuses the warnings too: what StackStorm would
 * install anyway, but a team may not want to.
 */
export function checkProblems(check: PackCheck, strict = false): string | null {
  const refused = strict ? [...check.errors, ...check.warnings] : check.errors;
  const n = refused.length;
  if (n === 0) return null;
  const why = strict && check.warnings.length > 0 ? ' (strict: true refuses warnings too)' : '';
  return `${n} problem${n === 1 ? '' : 's'} in the pack${why}:\n${refused.join('\n')}`;
}

/** The active release deployed from this repo path, or (for a named pack) from anywhere. */
export function activeFor(installed: readonly Release[], repo: string, source: PackSource): Release | null {
  return installed.find((r) => r.meta.repo === repo && r.meta['source'] === source.path)
    ?? installed.find((r) => r.pack === source.name) ?? null;
}

/** Nothing to do (without force): its tree is the one the active release from this repository has. */
export function isUnchanged(active: Release | null, repo: string, treeId: string, force: boolean): boolean {
  return !force && active !== null && active.meta.repo === repo && active.meta['tree'] === treeId;
}

/**
 * Stage one pack: skip it if its tree is what is already active, else write it to staging
 * and validate it. Problems come back as `error`, never thrown, so one bad pack does not
 * stop the others.
 */
export async function preparePack(input: PrepareInput): Promise<PreparedPack> {
  const { git, repo, commit, source, installed } = input;
  const treeId = source.treeId || (await git.treeId(repo.remote, commit, source.path));
  const active = activeFor(installed, repo.name, source);
  const stagingDir = path.join(input.stagingRoot, source.name);
  const base: PreparedPack = { source, treeId, stagingDir, check: null, active, unchanged: false, error: null };
  if (isUnchanged(active, repo.name, treeId, input.force)) {
    return { ...base, unchanged: true };
  }
  const dirName = source.path === '' ? repo.name : source.name;
  const strict = repo.settings?.strict === true;
  const key = { treeId, dirName, strict };
  // Not under force: a forced deploy is how one says "judge it again".
  const recalled = input.force ? null : await input.failed?.recall(key, stagingDir) ?? null;
  if (recalled) input.onValidate?.('recalled');
  const check = recalled ?? await stageAndValidate(input, stagingDir, dirName);
  const problems = checkProblems(check, strict);
  if (problems && !recalled) await input.failed?.remember(key, check);
  // Under strict the warnings are in the error already; listing them again under it would repeat them.
  if (problems) return { ...base, check: strict ? { ...check, warnings: [] } : check, error: problems };
  const ref = check.ref ?? source.name;
  const other = otherRepository(installed, ref, repo.name, input.force);
  if (other) return { ...base, check, error: other };
  return { ...base, check };
}

async function stageAndValidate(input: PrepareInput, stagingDir: string, dirName: string): Promise<PackCheck> {
  try {
    // The validator's byte cap, applied while the files are written: past it, nothing more is.
    await input.git.materialize(input.repo.remote, input.commit, input.source.path, stagingDir, { maxBytes: DEFAULT_LIMITS.maxBytes });
  } catch (err) {
    if (!(err instanceof PackTooBig)) throw err;
    // The verdict the validator would give the whole tree, without the tree on disk.
    input.onValidate?.('validated');
    return { dir: stagingDir, ref: null, manifest: null, errors: [err.message], warnings: [], summary: summarizeFiles([]) };
  }
  const check = await validatePackDir(stagingDir, { dirName, ...(input.yaml ? { yaml: input.yaml } : {}) });
  input.onValidate?.('validated');
  return check;
}

/** Why pack `ref` may not replace the one installed from another repository (without force), or null. */
export function otherRepository(installed: readonly Release[], ref: string, repo: string, force: boolean): string | null {
  const other = installed.find((r) => r.pack === ref && r.meta.repo !== repo);
  return other && !force ? `A pack "${ref}" is already installed from repository ${other.meta.repo}; add force=true to replace it with this one.` : null;
}
