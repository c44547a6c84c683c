/** Small filesystem helpers the sandbox needs (it sits beside packstore, not on top of it). */
import { lchown, lstat, readdir } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { errnoCode } from '../../core/caught.js';

export async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return null;
    throw err;
  }
}

/** chown -R that never follows a symlink (a pack's link must not hand packbot's own files away). */
export async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  const st = await lstatOrNull(path);
  if (!st) return;
  if (st.isDirectory()) {
    for (const name of await readdir(path)) await chownTree(join(path, name), uid, gid);
  }
  await lchown(path, uid, gid);
}
