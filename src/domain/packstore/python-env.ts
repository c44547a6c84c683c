/**
 * A pack's Python virtualenv, shared by every release with the same requirements.
 *
 * The env dir is named by a hash of requirements.txt and the interpreter, so identical
 * requirements reuse a finished env and a changed file gets a fresh one. A venv embeds its
 * absolute path, so it is built in place at its final name under a `.building` marker and
 * counts as usable only once `.complete` is written (see env-dirs). `<envsDir>/<pack>`
 * is then swapped to it atomically, and only the current and previous envs are kept.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
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
 * The interpreter's full version and path (a venv made by one is not valid for another), and
 * its prefix (what a sandbox must show for the venv's python to start). Isolated (-I) and
 * outside the pack: run from the pack, `python -m venv` would import a pack's own venv.py.
 */
async function interpreter(input: PythonEnvInput): Promise<{ id: string; prefix: string }> {
  const lines = await runTool({
    ...input.tool,
    onOutput: undefined,
    pack: input.pack,
    label: `${input.pythonBin} version check`,
    file: input.pythonBin,
    args: ['-I', '-c', 'import sys; print(sys.version); print(sys.executable); print(sys.base_prefix)'],
    cwd: input.envsDir,
  });
  const prefix = lines.at(-1)?.trim() ?? '';
  return { id: lines.slice(0, -1).join('\n'), prefix };
}

export async function buildPythonEnv(input: PythonEnvInput): Promise<{ dir: string; reused: boolean }> {
  const { pack, packDir, envsDir } = input;
  const requirementsPath = join(packDir, REQUIREMENTS);
  // Refused before anything is built: a line that would run or fetch code the pack chose.
  if (input.sourceBuilds) await confine(input.sandbox, 'env_failed', `${pack}: pip install with source builds`);
  else await checkRequirements(pack, packDir, REQUIREMENTS, input.tool.masker);
  await confineIfExplicit(input.sandbox, 'env_failed', `${pack}: pip install`);
  const requirements = await readFile(requirementsPath);
  await mkdir(envsDir, { recursive: true });
  const python = await interpreter(input);
  const hash = createHash('sha256').update(requirements).update('\0').update(python.id).digest('hex');
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
        await runTool({ ...tool, cwd: envsDir, label: 'python -m venv', file: input.pythonBin, args: ['-I', '-m', 'venv', dir] });
        await runTool({
          ...tool,
          label: 'pip install',
          file: join(dir, 'bin', 'pip'),
          args: [
            'install', '--disable-pip-version-check', '--no-input',
            // Wheels run no code when installed; sdists and local paths run their build backend.
            ...(input.sourceBuilds ? [] : ['--only-binary', ':all:']),
            '-r', requirementsPath,
          ],
          sandbox: { box: input.sandbox, writable: [dir, packDir], readable: python.prefix ? [python.prefix] : [], network: true },
        });
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
