/**
 * Turns examples/demo-packs into a real git repository so the demo deploys real commits:
 * a short master history (so announcements have changes to show) and a feature-x branch
 * (so branch locks have something to lock). The directory holds the tip of master; the
 * earlier commits are derived from it by holding files back.
 */
import { execFile } from 'node:child_process';
import { cp, lstat, mkdir, mkdtemp, readdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { errnoCode, errorMessage } from '../../core/caught.js';
import { formatSeconds } from '../../core/duration.js';
import { PackbotError, isPackbotError } from '../../core/errors.js';

export interface SeedOptions {
  /** A checkout of examples/demo-packs (see demoSourceDir). */
  sourceDir: string;
  /** Where the bare repository goes, e.g. <state_dir>/demo-packs.git. */
  repoDir: string;
}

export interface SeedResult {
  created: boolean;
  repoDir: string;
  branches: string[];
}

export const DEMO_MAIN_BRANCH = 'master';
export const DEMO_FEATURE_BRANCH = 'feature-x';

const GIT_TIMEOUT_MS = 60_000;
const IDENTITY = { name: 'packbot demo', email: 'demo@packbot.invalid' };

/** Files that arrive in "monitoring: add disk check" rather than with the monitoring pack. */
const DISK_CHECK_PATHS = [
  'packs/monitoring/actions/check_disk.yaml',
  'packs/monitoring/actions/check_disk.py',
  'packs/monitoring/actions/lib',
  'packs/monitoring/tests',
];
const REQUIRED_PATHS = ['packs/hello/pack.yaml', 'packs/monitoring/pack.yaml', ...DISK_CHECK_PATHS];

/** Left behind by running the pack tests in place; never part of a pack release. */
const JUNK_NAMES = new Set(['__pycache__', '.pytest_cache', '.git']);

const FAREWELL_YAML = `---
name: farewell
description: Say goodbye to someone by name.
runner_type: python-script
entry_point: farewell.py
enabled: true
parameters:
  name:
    type: string
    description: Who to say goodbye to.
    required: true
    default: world
`;

const FAREWELL_PY = `from st2common.runners.base_action import Action


class FarewellAction(Action):
    def run(self, name):
        return "Goodbye, {}!".format(name)
`;

export function demoSourceDir(packageRoot: string): string {
  return join(packageRoot, 'examples', 'demo-packs');
}

export async function seedDemoRepo(opts: SeedOptions): Promise<SeedResult> {
  const repoDir = resolve(opts.repoDir);
  const sourceDir = resolve(opts.sourceDir);
  try {
    if (await isRepo(repoDir)) return { created: false, repoDir, branches: await listBranches(repoDir) };
    await checkSource(sourceDir);
    const parent = dirname(repoDir);
    await mkdir(parent, { recursive: true });
    // Built beside the target so the final rename is atomic: a crash leaves only a dot-dir.
    const staging = await mkdtemp(join(parent, `.${basename(repoDir)}.seed-`));
    try {
      const hooks = join(staging, 'hooks');
      const work = join(staging, 'work');
      const bare = join(staging, 'repo.git');
      await mkdir(hooks);
      await mkdir(work);
      const git = gitRunner(hooks);
      await git(work, ['init', '-q', '--template=']);
      await buildHistory(git, sourceDir, work);
      await git(staging, ['clone', '--bare', '-q', '--template=', '--', work, bare]);
      // The clone remembers the temp work dir as origin; it is about to disappear.
      await git(bare, ['remote', 'remove', 'origin']);
      if (!(await publish(bare, repoDir))) {
        return { created: false, repoDir, branches: await listBranches(repoDir) };
      }
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    return { created: true, repoDir, branches: await listBranches(repoDir) };
  } catch (err) {
    if (isPackbotError(err)) throw err;
    throw seedError(`could not seed the demo repository at ${repoDir}: ${firstLine(errorMessage(err))}`, err);
  }
}

type Git = (cwd: string, args: readonly string[]) => Promise<string>;

async function buildHistory(git: Git, sourceDir: string, work: string): Promise<void> {
  const commit = async (message: string): Promise<void> => {
    await git(work, ['add', '-A', '--', '.']);
    await git(work, ['commit', '-q', '-m', message]);
  };
  const packs = (await readdir(join(sourceDir, 'packs'))).filter((p) => !p.startsWith('.')).sort();
  const topLevel = (await readdir(sourceDir)).filter((name) => name !== 'packs');

  for (const name of topLevel) await copyFrom(sourceDir, name, work);
  await copyFrom(sourceDir, 'packs/hello', work);
  await commit('Add hello pack');

  for (const pack of packs.filter((p) => p !== 'hello')) {
    await copyFrom(sourceDir, `packs/${pack}`, work, DISK_CHECK_PATHS);
  }
  await rewriteVersion(join(work, 'packs/monitoring/pack.yaml'), ([major, minor]) => {
    if (minor < 1) throw seedError('packs/monitoring/pack.yaml needs minor version >= 1: the disk check commit bumps it');
    return `${major}.${minor - 1}.0`;
  });
  await commit('Add monitoring and incident packs');

  await copyFrom(sourceDir, 'packs/monitoring', work);
  await commit('monitoring: add disk check');

  await git(work, ['checkout', '-q', '-b', DEMO_FEATURE_BRANCH]);
  await writeFile(join(work, 'packs/hello/actions/farewell.yaml'), FAREWELL_YAML);
  await writeFile(join(work, 'packs/hello/actions/farewell.py'), FAREWELL_PY);
  await rewriteVersion(join(work, 'packs/hello/pack.yaml'), ([major, minor]) => `${major}.${minor + 1}.0`);
  await commit('hello: add farewell action');
  // The bare clone's HEAD follows the work tree's, and master is the default branch.
  await git(work, ['checkout', '-q', DEMO_MAIN_BRANCH]);
}

/** Copies sourceDir/rel into work/rel, skipping test byproducts and the `hold` paths. */
async function copyFrom(sourceDir: string, rel: string, work: string, hold: readonly string[] = []): Promise<void> {
  await cp(join(sourceDir, rel), join(work, rel), {
    recursive: true,
    force: true,
    filter: async (src) => {
      const name = basename(src);
      if (JUNK_NAMES.has(name) || name.endsWith('.pyc')) return false;
      const relPath = relative(sourceDir, src).split(sep).join('/');
      if (hold.includes(relPath)) return false;
      // A symlink would be committed as a link to wherever it points on this machine.
      if ((await lstat(src)).isSymbolicLink()) throw seedError(`demo source contains a symlink: ${relPath}`);
      return true;
    },
  });
}

async function rewriteVersion(file: string, next: (v: [number, number, number]) => string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const pattern = /^version:[ \t]*["']?(\d+)\.(\d+)\.(\d+)["']?[ \t]*$/m;
  const match = pattern.exec(text);
  if (!match) throw seedError(`${file} has no plain "version: X.Y.Z" line to rewrite`);
  const version = next([Number(match[1]), Number(match[2]), Number(match[3])]);
  await writeFile(file, text.replace(pattern, `version: ${version}`));
}

async function checkSource(sourceDir: string): Promise<void> {
  for (const rel of REQUIRED_PATHS) {
    try {
      await lstat(join(sourceDir, rel));
    } catch {
      throw seedError(`demo source ${sourceDir} is missing ${rel}; point sourceDir at examples/demo-packs`);
    }
  }
}

/**
 * True when repoDir itself is a repository (bare, or with a .git inside). False when it is
 * missing or empty, which the rename can fill. Anything else is refused rather than replaced.
 */
async function isRepo(repoDir: string): Promise<boolean> {
  let entries: string[];
  try {
    if (!(await lstat(repoDir)).isDirectory()) throw seedError(`${repoDir} exists and is not a directory`);
    entries = await readdir(repoDir);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
  if (entries.length === 0) return false;
  const real = await realpath(repoDir);
  let gitDir: string;
  try {
    // The ceiling stops git from walking up and answering for an enclosing repository
    // (examples/var sits inside packbot's own checkout).
    const git = gitRunner(null, { GIT_CEILING_DIRECTORIES: dirname(real) });
    gitDir = await git(real, ['rev-parse', '--absolute-git-dir']);
  } catch (err) {
    const reason = errorMessage(err).replace(/^git rev-parse failed: (fatal: )?/, '');
    throw seedError(`${repoDir} is not empty and not a git repository (${reason}); remove it or pick another path`, err);
  }
  if (gitDir === real || gitDir === join(real, '.git')) return true;
  throw seedError(`${repoDir} is not empty and its git directory is ${gitDir}, not its own; pick another path`);
}

/** Renames the finished repository into place; false when another seeder got there first. */
async function publish(bare: string, repoDir: string): Promise<boolean> {
  try {
    await rename(bare, repoDir);
    return true;
  } catch (err) {
    const code = errnoCode(err);
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && (await isRepo(repoDir))) return false;
    throw err;
  }
}

async function listBranches(repoDir: string): Promise<string[]> {
  const out = await gitRunner(null)(repoDir, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/']);
  return out.split('\n').filter(Boolean).sort();
}

/**
 * Git with no inherited configuration: no system/global config, no prompts, no hooks
 * (hooksDir is an empty directory; read-only commands pass null as they run none).
 */
function gitRunner(hooksDir: string | null, extraEnv: Record<string, string> = {}): Git {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // GIT_DIR, GIT_INDEX_FILE etc. are set when packbot runs under a git hook and would
    // redirect every command here into someone else's repository.
    if (!key.startsWith('GIT_') && value !== undefined) env[key] = value;
  }
  Object.assign(env, {
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: IDENTITY.name,
    GIT_AUTHOR_EMAIL: IDENTITY.email,
    GIT_COMMITTER_NAME: IDENTITY.name,
    GIT_COMMITTER_EMAIL: IDENTITY.email,
    ...extraEnv,
  });
  const config = ['-c', `init.defaultBranch=${DEMO_MAIN_BRANCH}`, '-c', 'commit.gpgSign=false', '-c', 'gc.auto=0'];
  if (hooksDir !== null) config.push('-c', `core.hooksPath=${hooksDir}`);

  return (cwd, args) =>
    new Promise((resolvePromise, reject) => {
      execFile(
        'git',
        [...config, ...args],
        { cwd, env, timeout: GIT_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024, windowsHide: true },
        (err, stdout, stderr) => {
          if (!err) return resolvePromise(stdout.trim());
          reject(seedError(`git ${args[0] ?? ''} failed: ${describeGitFailure(err, stdout, stderr)}`, err));
        },
      );
    });
}

function describeGitFailure(err: Error & { code?: unknown; killed?: boolean }, stdout: string, stderr: string): string {
  if (err.code === 'ENOENT') return 'git is not installed or not on PATH';
  if (err.killed) return `timed out after ${formatSeconds(GIT_TIMEOUT_MS)}`;
  // `git commit` reports "nothing to commit" on stdout, so fall back to it.
  return firstLine(stderr) || firstLine(stdout) || `exit code ${String(err.code)}`;
}

function seedError(message: string, cause?: unknown): PackbotError {
  return new PackbotError('demo_seed_failed', message, cause === undefined ? {} : { cause });
}

function firstLine(text: string): string {
  return text.split('\n').map((line) => line.trim()).find(Boolean) ?? '';
}
