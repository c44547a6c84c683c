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

export interface PythonEnvInput {
  pack: string;
  packDir: string;
  envsDir: string;
  pythonBin: string;
  /** Shared tool settings (timeout, masker, output sink). */
  tool: Pick<ToolRun, 'timeoutMs' | 'masker' | 'onOutput'>;
}

export const REQUIREMENTS = 'requirements.txt';

/** The interpreter's full version and path: a venv made by one is not valid for another. */
async function interpreter(input: PythonEnvInput): Promise<string> {
  const lines = await runTool({
    ...input.tool,
    onOutput: undefined,
    pack: input.pack,
    label: `${input.pythonBin} version check`,
    file: input.pythonBin,
    args: ['-c', 'import sys; print(sys.version); print(sys.executable)'],
    cwd: input.packDir,
  });
  return lines.join('\n');
}

export async function buildPythonEnv(input: PythonEnvInput): Promise<{ dir: string; reused: boolean }> {
  const { pack, packDir, envsDir } = input;
  const requirementsPath = join(packDir, REQUIREMENTS);
  const requirements = await readFile(requirementsPath);
  const hash = createHash('sha256').update(requirements).update('\0').update(await interpreter(input)).digest('hex');
  const name = `${pack}-${hash.slice(0, 12)}`;
  const dir = join(envsDir, name);
  await mkdir(envsDir, { recursive: true });

  return withLock(envLockPath(envsDir, pack), `environment of ${pack}`, DEFAULT_LOCK, async (guard) => {
    const reused = await isComplete(dir);
    if (!reused) {
      // Whatever is there is a failed or crashed build: start clean.
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, BUILDING_MARKER), `${process.pid}\n`);
      try {
        const tool = { ...input.tool, pack, cwd: packDir };
        await runTool({ ...tool, label: 'python -m venv', file: input.pythonBin, args: ['-m', 'venv', dir] });
        await runTool({
          ...tool,
          label: 'pip install',
          file: join(dir, 'bin', 'pip'),
          args: ['install', '--disable-pip-version-check', '--no-input', '-r', requirementsPath],
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
