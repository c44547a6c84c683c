/**
 * The file-system moves the pack store's crash safety rests on: copying without ever
 * following a symlink (a pack's own links are re-checked and recreated as links), fsyncing a tree before it is renamed into view, swapping a symlink
 * by rename(), and deleting by first renaming out of view (so a crash mid-delete never
 * leaves a half-deleted directory under a name someone may activate).
 */
import { randomBytes } from 'node:crypto';
import { constants, type Dirent, lstatSync, renameSync, symlinkSync } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, readlink, rename, rm, symlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { errnoCode, isErrno } from '../../core/caught.js';
import { PackbotError } from '../../core/errors.js';
import { checkLinks, type PackNode } from '../../core/fs/pack-links.js';
import { TMP_DELETE, TMP_LINK } from './layout.js';

/** Bounds open file handles while fsyncing big trees (venvs hold thousands of files). */
const FSYNC_BATCH = 32;
const COPY_CHUNK = 128 * 1024;

export function randomSuffix(): string {
  return randomBytes(6).toString('hex');
}

export async function lstatOrNull(path: string) {
  try {
    return await lstat(path);
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENOTDIR')) return null;
    throw err;
  }
}

export async function readdirOrEmpty(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENOTDIR')) return [];
    throw err;
  }
}

function refuse(root: string, path: string, what: string): PackbotError {
  return new PackbotError('release_invalid', `refusing ${what} in the pack source: ${relative(root, path) || '.'}`);
}

/** Every entry below `dir` by relative path, links with their targets; special files are refused. */
async function listNodes(dir: string, root: string, rel = '', out = new Map<string, PackNode>()): Promise<Map<string, PackNode>> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (entry.isSymbolicLink()) out.set(childRel, { kind: 'link', target: await readlink(path) });
    else if (entry.isFile()) out.set(childRel, { kind: 'file' });
    else if (entry.isDirectory()) {
      out.set(childRel, { kind: 'dir' });
      await listNodes(path, root, childRel, out);
    } else throw refuse(root, path, 'a special file');
  }
  return out;
}

/**
 * Copy a source tree into an existing empty directory. File modes are kept (actions are
 * often executable scripts), except set-id bits; directories are made owner-writable so a
 * release can always be pruned. Special files are refused, and files are opened O_NOFOLLOW
 * so a link swapped in after the listing is refused too.
 *
 * A pack's symlinks stay symlinks, as StackStorm's own install leaves them (a git checkout,
 * moved into place), but only those core/fs/pack-links keeps: relative, resolving inside the
 * pack. Checked here again, on this very tree: since no kept link can climb above the pack's
 * root, its copy names the same file inside the new release, and nothing outside it.
 */
export async function copyTree(src: string, dst: string): Promise<void> {
  const nodes = await listNodes(src, src);
  const [bad] = checkLinks(nodes).refused;
  if (bad) {
    throw new PackbotError('release_invalid', `refusing the symlink ${bad.path} (-> ${JSON.stringify(bad.target)}) in the pack source: ${bad.reason}`);
  }
  await copyDir(src, dst, src, '', nodes);
}

/**
 * Move a source tree into `dst` (an empty directory, replaced) instead of copying it: for a
 * tree packbot itself just wrote into its staging (git blobs, an extracted archive), which
 * nobody needs after. The moved tree is listed and its links checked as copyTree checks a
 * source, so what lands in a release is held to the same rules; the modes are the writer's
 * (those never set set-id bits and keep directories owner-writable). Across file systems
 * (EXDEV) it is copied after all.
 */
export async function moveTree(src: string, dst: string): Promise<void> {
  try {
    renameSync(src, dst);
  } catch (err) {
    if (errnoCode(err) === 'EXDEV') return copyTree(src, dst);
    throw err;
  }
  const [bad] = checkLinks(await listNodes(dst, dst)).refused;
  if (bad) {
    throw new PackbotError('release_invalid', `refusing the symlink ${bad.path} (-> ${JSON.stringify(bad.target)}) in the pack source: ${bad.reason}`);
  }
}

async function copyDir(src: string, dst: string, root: string, rel: string, nodes: ReadonlyMap<string, PackNode>): Promise<void> {
  for (const entry of await readdir(src, { withFileTypes: true })) {
    const from = join(src, entry.name);
    const to = join(dst, entry.name);
    const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
    const listed = nodes.get(childRel);
    if (entry.isSymbolicLink()) {
      // Only the target that was checked is ever written.
      const target = await readlink(from);
      if (listed?.kind !== 'link' || listed.target !== target) throw refuse(root, from, 'a changed entry');
      await symlink(target, to);
    } else if (entry.isDirectory()) {
      const st = await lstat(from);
      if (!st.isDirectory() || listed?.kind !== 'dir') throw refuse(root, from, 'a changed entry');
      await mkdir(to, { mode: 0o700 });
      await copyDir(from, to, root, childRel, nodes);
      await chmod(to, (st.mode & 0o777) | 0o700);
    } else if (entry.isFile()) {
      if (listed?.kind !== 'file') throw refuse(root, from, 'a changed entry');
      await copyFileSafe(from, to, root);
    } else {
      throw refuse(root, from, 'a special file');
    }
  }
}

/** Copy one regular file, mode kept, refusing a symlink at `from` or anything already at `to`. */
export async function copyFileSafe(from: string, to: string, root: string = from): Promise<void> {
  let input;
  try {
    input = await open(from, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if (errnoCode(err) === 'ELOOP') throw refuse(root, from, 'a symlink');
    throw err;
  }
  try {
    const st = await input.stat();
    if (!st.isFile()) throw refuse(root, from, 'a special file');
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    const output = await open(to, flags, 0o600);
    try {
      await pump(input, output);
      // After the write, so a read-only source file is still writable while we fill it.
      await output.chmod(st.mode & 0o777);
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

/** A plain read/write loop: fd-backed streams with autoClose off never signal the end to pipeline(). */
async function pump(input: FileHandle, output: FileHandle): Promise<void> {
  const buffer = Buffer.allocUnsafe(COPY_CHUNK);
  for (;;) {
    const { bytesRead } = await input.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) return;
    let written = 0;
    while (written < bytesRead) {
      written += (await output.write(buffer, written, bytesRead - written)).bytesWritten;
    }
  }
}

export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * fsync every file and directory below (and including) dir: the whole tree listed first, then
 * its files and directories FSYNC_BATCH at a time, not one directory after another (a pack is
 * mostly small directories, each a wait on the disk). `dir` itself goes last, after all it holds.
 * `sync` is the fsync (tests count it).
 */
export async function fsyncTree(dir: string, sync: (path: string) => Promise<void> = fsyncPath): Promise<void> {
  const files: string[] = [];
  const dirs: string[] = [];
  const walk = async (at: string): Promise<void> => {
    const entries = await readdir(at, { withFileTypes: true });
    // Symlinks need no fsync of their own: the entry lives in its directory.
    for (const e of entries) if (e.isFile()) files.push(join(at, e.name));
    const below = entries.filter((e) => e.isDirectory()).map((e) => join(at, e.name));
    dirs.push(...below);
    await Promise.all(below.map(walk));
  };
  await walk(dir);
  await inBatches(files, sync);
  await inBatches(dirs, sync);
  await sync(dir);
}

/** `fn` over `items`, FSYNC_BATCH at once (each a file handle). */
async function inBatches(items: readonly string[], fn: (path: string) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as string);
  };
  await Promise.all(Array.from({ length: Math.min(FSYNC_BATCH, items.length) }, worker));
}

/**
 * Point `linkPath` at `target` atomically: a reader sees the old target or the new one,
 * never nothing. A crash leaves at most a `.tmp-link-*` beside it for recovery to remove.
 */
export async function swapSymlink(linkPath: string, target: string, shown = basename(linkPath)): Promise<void> {
  const parent = dirname(linkPath);
  const tmp = join(parent, `${TMP_LINK}${basename(linkPath)}-${randomSuffix()}`);
  // Three tiny synchronous calls: a deploy swaps dozens of links at once, and on the thread
  // pool each would wait behind the others' file operations for far longer than it takes.
  symlinkSync(target, tmp);
  try {
    const existing = lstatSync(linkPath, { throwIfNoEntry: false });
    if (existing && !existing.isSymbolicLink()) {
      throw new PackbotError(
        'release_invalid',
        `${shown} exists and is not a packbot symlink; move it away before installing over it`,
      );
    }
    renameSync(tmp, linkPath);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await fsyncPath(parent);
}

/** Remove a symlink (not what it points at); true if there was one. `shown` names it in messages, which reach chat. */
export async function removeSymlink(linkPath: string, shown = basename(linkPath)): Promise<boolean> {
  const st = await lstatOrNull(linkPath);
  if (!st) return false;
  if (!st.isSymbolicLink()) {
    throw new PackbotError('release_invalid', `${shown} is not a packbot symlink; leaving it alone`);
  }
  await rm(linkPath, { force: true });
  await fsyncPath(dirname(linkPath));
  return true;
}

/** Rename out of view (atomic), then delete at leisure; a crash in between leaves `.tmp-del-*`. */
export async function discard(path: string): Promise<boolean> {
  const doomed = join(dirname(path), `${TMP_DELETE}${basename(path)}-${randomSuffix()}`);
  try {
    await rename(path, doomed);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
  await fsyncPath(dirname(path));
  await rm(doomed, { recursive: true, force: true });
  return true;
}
