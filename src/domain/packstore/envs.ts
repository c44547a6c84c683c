/**
 * A pack's runtime environments: a Python virtualenv (under envsDir, where StackStorm looks)
 * for every pack, as `st2 pack install` makes one (the python runner refuses to run an action
 * of a pack without it), and node_modules (inside the pack) when it has package.json.
 * Best called from PackStore.writeRelease's `prepare` hook, on the release before it is
 * visible: node_modules then lands in the release without a copy (the store refuses to
 * copy symlinks, and npm makes some), and a failure activates nothing.
 */
import { realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Masker } from '../../core/masking/masker.js';
import { noSandbox, type Sandbox } from '../sandbox/index.js';
import { lstatOrNull } from './fsutil.js';
import { assertPackName } from './names.js';
import { buildNodeEnv, PACKAGE_JSON } from './node-env.js';
import { buildPythonEnv } from './python-env.js';

export interface EnvOptions {
  pack: string;
  /** The new release's directory (or its staging copy). */
  packDir: string;
  /** Where StackStorm looks for `<pack>`: envs.virtualenvs_dir. */
  envsDir: string;
  /** The packs dir: its `<pack>` is the active release, whose node_modules may be reused. */
  packsDir: string;
  python: 'off' | 'venv';
  node: 'off' | 'npm';
  /** Per tool run (venv creation, pip, npm). */
  timeoutMs: number;
  masker: Masker;
  /** Default python3. */
  pythonBin?: string;
  /** Every output line, already masked. */
  onOutput?: (line: string) => void;
  /** Release whose node_modules may be reused; default the active `<packsDir>/<pack>`. */
  previousDir?: string;
  /** pip may build from source (the repository's pack_code.source_builds); default wheels only. */
  sourceBuilds?: boolean;
  /** Where pip runs; without one, source builds are refused and pip runs unconfined on wheels. */
  sandbox?: Sandbox;
}

export interface EnvResult {
  python?: { dir: string; reused: boolean };
  node?: { reused: boolean };
}

async function isFile(path: string): Promise<boolean> {
  return (await lstatOrNull(path))?.isFile() ?? false;
}

async function activeRelease(packsDir: string, pack: string): Promise<string | null> {
  try {
    return await realpath(join(resolve(packsDir), pack));
  } catch {
    return null;
  }
}

export async function buildEnvironment(opts: EnvOptions): Promise<EnvResult> {
  assertPackName(opts.pack);
  const packDir = resolve(opts.packDir);
  const envsDir = resolve(opts.envsDir);
  const tool = { timeoutMs: opts.timeoutMs, masker: opts.masker, onOutput: opts.onOutput };
  const result: EnvResult = {};

  if (opts.python === 'venv') {
    result.python = await buildPythonEnv({
      pack: opts.pack, packDir, envsDir, pythonBin: opts.pythonBin ?? 'python3', tool,
      sourceBuilds: opts.sourceBuilds ?? false, sandbox: opts.sandbox ?? noSandbox(),
    });
  }
  if (opts.node === 'npm' && (await isFile(join(packDir, PACKAGE_JSON)))) {
    const previousDir = opts.previousDir ?? (await activeRelease(opts.packsDir, opts.pack));
    result.node = await buildNodeEnv({ pack: opts.pack, packDir, previousDir, tool });
  }
  return result;
}
