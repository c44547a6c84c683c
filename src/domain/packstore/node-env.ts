/**
 * A pack's node_modules, installed into the release itself with `npm ci` (exactly what
 * the lock file says, no install scripts). When the previous release was built from a
 * byte-identical lock file its node_modules is copied instead, which is much faster and
 * needs no registry.
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../../core/caught.js';
import { PackbotError } from '../../core/errors.js';
import { lstatOrNull } from './fsutil.js';
import { runTool, type ToolRun } from './tool.js';

export interface NodeEnvInput {
  pack: string;
  packDir: string;
  /** The release whose node_modules may be reused (normally the active one). */
  previousDir: string | null;
  tool: Pick<ToolRun, 'timeoutMs' | 'masker' | 'onOutput'>;
}

export const PACKAGE_JSON = 'package.json';
const LOCK_FILE = 'package-lock.json';
/** Inside node_modules, so it travels with (and disappears with) what it describes. */
const LOCK_HASH_FILE = '.packbot-lock-sha256';

async function lockHash(pack: string, packDir: string): Promise<string> {
  try {
    return createHash('sha256').update(await readFile(join(packDir, LOCK_FILE))).digest('hex');
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
    throw new PackbotError(
      'env_failed',
      `${pack}: package.json has no package-lock.json beside it, and npm ci needs one; ` +
        'run npm install in the pack and commit package-lock.json',
    );
  }
}

async function builtFrom(dir: string): Promise<string | null> {
  try {
    return (await readFile(join(dir, 'node_modules', LOCK_HASH_FILE), 'utf8')).trim();
  } catch {
    return null;
  }
}

async function samePath(a: string, b: string): Promise<boolean> {
  try {
    return (await realpath(a)) === (await realpath(b));
  } catch {
    return false;
  }
}

async function reuse(input: NodeEnvInput, hash: string): Promise<boolean> {
  const { previousDir, packDir } = input;
  if (!previousDir || (await samePath(previousDir, packDir)) || (await builtFrom(previousDir)) !== hash) return false;
  const target = join(packDir, 'node_modules');
  await rm(target, { recursive: true, force: true });
  try {
    // verbatimSymlinks keeps node_modules/.bin links relative, as npm made them.
    await cp(join(previousDir, 'node_modules'), target, {
      recursive: true,
      verbatimSymlinks: true,
      errorOnExist: true,
      force: false,
    });
    return true;
  } catch (err) {
    // A previous release pruned mid-copy, say: fall back to a clean install.
    await rm(target, { recursive: true, force: true });
    input.tool.onOutput?.(input.tool.masker.mask(`reusing node_modules failed (${(err as Error).message}); running npm ci`));
    return false;
  }
}

export async function buildNodeEnv(input: NodeEnvInput): Promise<{ reused: boolean }> {
  const { pack, packDir } = input;
  const hash = await lockHash(pack, packDir);
  if (await reuse(input, hash)) return { reused: true };
  await runTool({
    ...input.tool,
    pack,
    label: 'npm ci',
    file: 'npm',
    args: ['ci', '--ignore-scripts', '--no-audit', '--no-fund'],
    cwd: packDir,
  });
  // npm creates no node_modules for a package without dependencies; the hash needs a home anyway.
  const modules = join(packDir, 'node_modules');
  if (!(await lstatOrNull(modules))) await mkdir(modules);
  await writeFile(join(modules, LOCK_HASH_FILE), `${hash}\n`);
  return { reused: false };
}
