/**
 * A disk that really fills up: a 1 MiB tmpfs (mounting needs root, as CI runs), and a file
 * that takes its last byte. For the embedded store's full-disk tests.
 */
import { execFile } from 'node:child_process';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { isErrno } from '../../src/core/caught.js';
import { tempDir } from './git-repo.js';

const exec = promisify(execFile);

export interface SmallDisk {
  dir: string;
  unmount(): Promise<void>;
}

export async function smallDisk(size = '1m'): Promise<SmallDisk> {
  const dir = await tempDir('packbot-full-');
  await exec('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]).catch((err: unknown) => {
    throw new Error(`mounting a tmpfs for the full-disk test failed (it needs root, as CI runs): ${String(err)}`);
  });
  return { dir, unmount: async () => void (await exec('umount', ['-l', dir])) };
}

/** Writes a file until the disk is full; removing it frees the space. */
export async function fillDisk(dir: string): Promise<string> {
  const file = path.join(dir, 'filler');
  const fh = await open(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) await fh.write(chunk);
  } catch (err) {
    if (!isErrno(err, 'ENOSPC')) throw err;
  } finally {
    await fh.close();
  }
  return file;
}
