/**
 * The files components.ts compares, with their content ids, from either place a pack lives:
 * a commit in the mirror (blob ids from the tree objects, no blob read, no checkout) or a
 * release directory on disk (each file hashed as git would). Only what `tracked` names is read:
 * the kind directories' own files and the env files, never node_modules or a virtualenv.
 */
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import { isErrno } from '../../core/caught.js';
import type { DirEntry, Git, GitRemote } from '../../domain/git/index.js';
import { blobId, blobIdFormat, ENV_FILES, PREVIEW_KINDS, type BlobIdFormat, type FileIds } from './components.js';

// Regular files (either mode) and symlinks: what a release can hold.
const FILE_MODES = new Set(['100644', '100755', '120000']);

const blobs = (entries: readonly DirEntry[]) => entries.filter((e) => e.type === 'blob' && FILE_MODES.has(e.mode));

/**
 * The tracked files of the pack at `dir` ('' = root) of `commit`, from its listing and its kind
 * directories' listings; the object format tells how the disk side must hash to compare.
 */
export async function commitFiles(git: Pick<Git, 'listDir'>, remote: GitRemote, commit: string, dir: string): Promise<{ files: FileIds; format: BlobIdFormat }> {
  const files = new Map<string, string>();
  const root = await git.listDir(remote, commit, dir);
  const envNames: string[] = [...ENV_FILES.python, ...ENV_FILES.node];
  for (const e of blobs(root)) if (envNames.includes(e.name)) files.set(e.name, e.oid);
  const kinds = PREVIEW_KINDS.filter((k) => root.some((e) => e.name === k && e.type === 'tree'));
  const listed = await Promise.all(kinds.map((k) => git.listDir(remote, commit, dir === '' ? k : `${dir}/${k}`)));
  kinds.forEach((k, i) => {
    for (const e of blobs(listed[i] ?? [])) files.set(`${k}/${e.name}`, e.oid);
  });
  return { files, format: blobIdFormat(root[0]?.oid ?? '') };
}

/** A file's id as git would give it; a symlink's bytes are its target, as git stores it. Null for anything else. */
async function idOnDisk(file: string, format: BlobIdFormat): Promise<string | null> {
  const st = await lstat(file);
  if (st.isSymbolicLink()) return blobId(Buffer.from(await readlink(file)), format);
  if (st.isFile()) return blobId(await readFile(file), format);
  return null;
}

async function namesIn(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENOTDIR')) return [];
    throw err;
  }
}

/** The tracked files of a release directory, hashed in `format` (the commit side's). */
export async function releaseFiles(dir: string, format: BlobIdFormat = 'sha1'): Promise<FileIds> {
  const files = new Map<string, string>();
  const add = async (rel: string) => {
    try {
      const id = await idOnDisk(path.join(dir, rel), format);
      if (id !== null) files.set(rel, id);
    } catch (err) {
      if (!isErrno(err, 'ENOENT', 'ENOTDIR')) throw err;
    }
  };
  for (const name of [...ENV_FILES.python, ...ENV_FILES.node]) await add(name);
  for (const kind of PREVIEW_KINDS) {
    for (const name of await namesIn(path.join(dir, kind))) await add(`${kind}/${name}`);
  }
  return files;
}
