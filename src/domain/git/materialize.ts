/**
 * Writes one directory of a commit to disk, as plain files. The whole tree is inspected
 * before the first byte is written: a symlink could point the installer at /etc, a gitlink
 * names code from elsewhere, and a `..` or `.git` entry (possible in a crafted tree, which
 * fsck would flag but a fetch does not check) would escape or fake a repository. Any of them
 * refuses the pack and nothing is written.
 *
 * The files are written by git itself (`read-tree --reset -u` into a throwaway index, with
 * `dest` as the work tree): no shell, no archive parsing, no .git in the result.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../../core/caught.js';
import { PackbotError } from '../../core/errors.js';
import { readMirror } from './health.js';
import type { Repo } from './repo.js';
import type { GitContext } from './run.js';
import { listTree, treeOidAt, type RawEntry } from './tree.js';

const SHOWN = 5;

/** Why an entry may not be written, or undefined when it is a plain file or directory. */
function unsafeReason(entry: RawEntry): string | undefined {
  if (entry.mode === '120000') return `${entry.path} is a symlink`;
  if (entry.mode === '160000' || entry.type === 'commit') return `${entry.path} is a submodule`;
  if (path.posix.isAbsolute(entry.path) || entry.path.includes('\\')) return `${JSON.stringify(entry.path)} is not a relative path`;
  const parts = entry.path.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return `${JSON.stringify(entry.path)} leaves the pack directory`;
  if (parts.some((p) => p.toLowerCase() === '.git')) return `${JSON.stringify(entry.path)} is a .git entry`;
  if (/[\u0000-\u001f\u007f]/.test(entry.path)) return `${JSON.stringify(entry.path)} has control characters in its name`;
  return undefined;
}

async function emptyOrAbsent(dest: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dest);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return;
    if (errnoCode(err) === 'ENOTDIR') throw new PackbotError('internal', `Cannot write a pack into ${dest}: it is a file.`);
    throw err;
  }
  if (entries.length > 0) throw new PackbotError('internal', `Cannot write a pack into ${dest}: the directory is not empty.`);
}

export async function materialize(ctx: GitContext, repo: Repo, commit: string, dir: string, dest: string): Promise<void> {
  const { sha, oid } = await treeOidAt(ctx, repo, commit, dir);
  const target = path.resolve(dest);
  await emptyOrAbsent(target);

  const entries = await listTree(ctx, repo, oid, { recursive: true });
  const problems = entries.map(unsafeReason).filter((r): r is string => r !== undefined);
  if (problems.length > 0) {
    const shown = problems.slice(0, SHOWN).join('; ') + (problems.length > SHOWN ? `; and ${problems.length - SHOWN} more` : '');
    const what = dir === '' ? 'the repository root' : `"${dir}"`;
    throw new PackbotError(
      'pack_unsafe',
      ctx.masker.mask(`Refusing to deploy ${what} of repository "${repo.remote.name}" at ${sha.slice(0, 7)}: ${shown}. Packs may contain only regular files and directories.`),
    );
  }

  // The first directory this call created (undefined when dest existed), to undo on failure.
  const created = await mkdir(target, { recursive: true });
  const indexFile = path.join(ctx.layout.tmpDir, `index-${randomUUID()}`);
  const spec = { workTree: target, indexFile };
  try {
    // One process reads the tree into the throwaway index and writes the files (-u).
    await readMirror(ctx, repo, 'writing the pack files', ['read-tree', '--reset', '-u', '--end-of-options', oid], spec);
  } catch (err) {
    // Leave dest as it was found: a half-written pack must never be mistaken for a whole one.
    if (created !== undefined) await rm(created, { recursive: true, force: true });
    else await Promise.all((await readdir(target)).map((e) => rm(path.join(target, e), { recursive: true, force: true })));
    throw err;
  } finally {
    await rm(indexFile, { force: true });
    await rm(`${indexFile}.lock`, { force: true });
  }
}
