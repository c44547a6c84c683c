/**
 * A pack's Python virtualenv, where StackStorm's python runner looks for it, built the way
 * StackStorm's own setup_pack_virtualenv builds it (what is matched, and what deliberately
 * not, is in the README's "Python environments").
 *
 * The env dir is named by a hash of requirements.txt, the interpreter and the recipe below,
 * so identical requirements reuse a finished env and a changed file gets a fresh one. A venv
 * embeds its absolute path, so it is built in place at its final name under a `.building`
 * marker and counts as usable only once `.complete` is written (see env-dirs). `<envsDir>/<pack>`
 * is then swapped to it atomically, and only the current and previous envs are kept.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PackbotError } from '../../core/errors.js';
import { BUILDING_MARKER, envsToKeep, isComplete, markComplete, pruneEnvs, useEnv, writeEnvRecord } from './env-dirs.js';
import { fsyncTree } from './fsutil.js';
import { envLockPath } from './layout.js';
import { DEFAULT_LOCK, withLock } from './release-lock.js';
import { runTool, type ToolRun } from './tool.js';
import { checkRequirements } from './requirements-check.js';
import { confine, confineIfExplicit, type Sandbox } from '../sandbox/index.js';

export interface PythonEnvInput {
  pack: string;
  packDir: string;
  envsDir: string;
  pythonBin: string;
  /** Shared tool settings (timeout, masker, output sink). */
  tool: Pick<ToolRun, 'timeoutMs' | 'masker' | 'onOutput'>;
  /** Let pip build sdists, local paths and VCS URLs (pack-chosen code): only inside the sandbox. */
  sourceBuilds: boolean;
  /** Where pip runs (and, with source builds, the build code). */
  sandbox: Sandbox;
}

export const REQUIREMENTS = 'requirements.txt';

/**
 * How an env is made; part of its hash, so an env made another way (an older packbot's,
 * without the system's site-packages) is rebuilt rather than reused.
 */
const RECIPE = 'st2/1: venv --system-site-packages, pip install -U -r, st2 site dir .pth';
/** StackStorm's name for it, sorted last so it loads after the env's own .pth files. */
const ST2_PTH = 'zzzzzzzzzz__st2__.pth';

interface Interpreter {
  /** Full version and path: a venv made by one is not valid for another. */
  id: string;
  /** What a sandbox must show for the venv's python to start (and, if it is in a venv itself, that venv). */
  prefixes: string[];
  /** The interpreter's own site-packages when it runs in a virtualenv (StackStorm's does: /opt/stackstorm/st2). */
  venvSite: string | null;
}

const PROBE = `import json, sys, sysconfig
venv = sys.prefix != sys.base_prefix
print(json.dumps({"version": sys.version, "executable": sys.executable, "base_prefix": sys.base_prefix,
  "prefix": sys.prefix, "site": sysconfig.get_path("platlib") if venv else None}))`;

/** Isolated (-I) and outside the pack: run from the pack, `python -m venv` would import a pack's own venv.py. */
async function interpreter(input: PythonEnvInput): Promise<Interpreter> {
  const lines = await runTool({
    ...input.tool, onOutput: undefined, pack: input.pack, label: `${input.pythonBin} version check`,
    file: input.pythonBin, args: ['-I', '-c', PROBE], cwd: input.envsDir,
  });
  let found: { version?: unknown; executable?: unknown; base_prefix?: unknown; prefix?: unknown; site?: unknown } = {};
  try {
    found = JSON.parse(lines.filter((l) => l.startsWith('{')).at(-1) ?? '{}') as typeof found;
  } catch {
    // Reported below: the interpreter said nothing usable.
  }
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  if (!text(found.version) || !text(found.base_prefix)) {
    throw new PackbotError('env_failed', `${input.pack}: ${input.pythonBin} did not report its version and prefix; set envs.python_binary to a python 3 interpreter`);
  }
  const site = text(found.site);
  return {
    id: `${text(found.version)}\n${text(found.executable)}`,
    prefixes: [...new Set([text(found.base_prefix), text(found.prefix)].filter((p) => p !== ''))],
    // A .pth line is one line of code: a path that cannot be quoted into one is not linked.
    venvSite: site !== '' && !/[\n\r]/.test(site) ? site : null,
  };
}

async function readRequirements(path: string): Promise<Buffer | null> {
  // Followed: a link inside a release is one the store checked to stay inside the pack.
  const st = await stat(path).catch(() => null);
  return st?.isFile() ? readFile(path) : null;
}

/**
 * StackStorm's inject_st2_pth_into_virtualenv: when the interpreter is itself a virtualenv,
 * its site-packages becomes a site dir of the pack's env, so the .pth files there load too
 * (the python runner already puts that directory on PYTHONPATH, which skips .pth files).
 */
async function linkInterpreterSite(dir: string, site: string): Promise<void> {
  const lib = join(dir, 'lib');
  const version = (await readdir(lib)).find((n) => n.startsWith('python'));
  if (!version) return;
  const line = `import sys; addsitedir(${JSON.stringify(site)}, known_paths)`;
  await writeFile(join(lib, version, 'site-packages', ST2_PTH), `# Written by packbot, as StackStorm does.\n${line}\n`, { mode: 0o644 });
}

export async function buildPythonEnv(input: PythonEnvInput): Promise<{ dir: string; reused: boolean }> {
  const { pack, packDir, envsDir } = input;
  const requirementsPath = join(packDir, REQUIREMENTS);
  const requirements = await readRequirements(requirementsPath);
  if (requirements) {
    // Refused before anything is built: a line that would run or fetch code the pack chose.
    if (input.sourceBuilds) await confine(input.sandbox, 'env_failed', `${pack}: pip install with source builds`);
    else await checkRequirements(pack, packDir, REQUIREMENTS, input.tool.masker);
    await confineIfExplicit(input.sandbox, 'env_failed', `${pack}: pip install`);
  }
  await mkdir(envsDir, { recursive: true });
  const python = await interpreter(input);
  const hash = createHash('sha256').update(RECIPE).update('\0').update(python.id).update('\0')
    .update(requirements ? Buffer.concat([Buffer.from('requirements\0'), requirements]) : 'none').digest('hex');
  const name = `${pack}-${hash.slice(0, 12)}`;
  const dir = join(envsDir, name);

  return withLock(envLockPath(envsDir, pack), `environment of ${pack}`, DEFAULT_LOCK, async (guard) => {
    const reused = await isComplete(dir);
    if (!reused) {
      // Whatever is there is a failed or crashed build: start clean.
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, BUILDING_MARKER), `${process.pid}\n`);
      try {
        const tool = { ...input.tool, pack, cwd: packDir };
        // The host's interpreter and standard library only: no pack code, so outside the sandbox.
        // pip is seeded only where something is installed: the runner never calls it, and ensurepip costs seconds per pack.
        await runTool({
          ...tool, cwd: envsDir, label: 'python -m venv', file: input.pythonBin,
          args: ['-I', '-m', 'venv', '--system-site-packages', ...(requirements ? [] : ['--without-pip']), dir],
        });
        if (python.venvSite) await linkInterpreterSite(dir, python.venvSite);
        if (requirements) {
          await runTool({
            ...tool,
            label: 'pip install',
            file: join(dir, 'bin', 'pip'),
            args: [
              'install', '--disable-pip-version-check', '--no-input',
              // Wheels run no code when installed; sdists and local paths run their build backend.
              ...(input.sourceBuilds ? [] : ['--only-binary', ':all:']),
              // As StackStorm: the pack's own versions even where the system's site-packages has one.
              '-U', '-r', requirementsPath,
            ],
            sandbox: { box: input.sandbox, writable: [dir, packDir], readable: python.prefixes, network: true },
          });
        }
        await fsyncTree(dir);
        await markComplete(dir);
      } catch (err) {
        await rm(dir, { recursive: true, force: true }).catch(() => undefined);
        throw err;
      }
    }
    guard();
    if (!(await useEnv(envsDir, pack, name))) {
      throw new PackbotError('env_failed', `${pack}: environment ${name} vanished while building`);
    }
    await pruneEnvs(envsDir, pack, await envsToKeep(envsDir, pack, name));
    // Recorded in the release so activating it later (rollback) restores this env too.
    await writeEnvRecord(packDir, { python: name });
    return { dir, reused };
  });
}
