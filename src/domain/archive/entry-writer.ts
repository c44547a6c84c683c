/**
 * Writes admitted entries under the extraction directory. Paths were validated already; this layer
 * still refuses to follow or replace anything it did not create (O_EXCL | O_NOFOLLOW, lstat), so a
 * planted symlink in dest cannot redirect a write, and it counts the real bytes, because a header's
 * size is only a claim.
 */
import { constants } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, rm, symlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../../core/caught.js';
import type { AdmittedEntry, ExtractLimits } from './entries.js';
import { refuse } from './entries.js';

export interface EntryWriter {
  dir(entry: AdmittedEntry): Promise<void>;
  file(entry: AdmittedEntry, body: AsyncIterable<Uint8Array>): Promise<void>;
  /** A symlink, as checked by the ledger; symlink() never follows or replaces what is there. */
  link(entry: AdmittedEntry): Promise<void>;
  readonly bytes: number;
}

const FILE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** A single write() may be short; a truncated pack file must never pass as written. */
export async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let done = 0;
  while (done < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, done, chunk.byteLength - done);
    done += bytesWritten;
  }
}

/** dest must be absent (it is created) or an empty real directory; reports whether it was created. */
export async function prepareDest(dest: string): Promise<boolean> {
  let stat;
  try {
    stat = await lstat(dest);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
    await mkdir(dest, { mode: 0o755 });
    await chmod(dest, 0o755);
    return true;
  }
  if (!stat.isDirectory()) {
    throw refuse(`archive staging path ${dest} exists and is not a directory; extract into a fresh staging directory`);
  }
  if ((await readdir(dest)).length > 0) {
    throw refuse(`archive staging directory ${dest} is not empty; extract into a fresh staging directory`);
  }
  return false;
}

/** Undoes a failed extraction: dest goes if this run made it, else it is emptied. */
export async function clearDest(dest: string, created: boolean): Promise<void> {
  if (created) {
    await rm(dest, { recursive: true, force: true });
    return;
  }
  const names = await readdir(dest).catch(() => [] as string[]);
  await Promise.all(names.map((n) => rm(path.join(dest, n), { recursive: true, force: true })));
}

export function createEntryWriter(dest: string, limits: ExtractLimits): EntryWriter {
  const made = new Set<string>();
  let bytes = 0;

  const ensureDir = async (rel: string): Promise<void> => {
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const sub = parts.slice(0, i).join('/');
      if (made.has(sub)) continue;
      const abs = path.join(dest, sub);
      try {
        await mkdir(abs, { mode: 0o755 });
      } catch (err) {
        if (errnoCode(err) !== 'EEXIST') throw err;
        // Something appeared that this run did not make: never descend through it.
        const stat = await lstat(abs);
        if (!stat.isDirectory()) throw refuse(`archive staging path ${sub} was replaced during extraction; retry in a fresh directory`);
      }
      await chmod(abs, 0o755);
      made.add(sub);
    }
  };

  const file = async (entry: AdmittedEntry, body: AsyncIterable<Uint8Array>): Promise<void> => {
    const slash = entry.path.lastIndexOf('/');
    if (slash > 0) await ensureDir(entry.path.slice(0, slash));
    const handle = await open(path.join(dest, entry.path), FILE_FLAGS, 0o600);
    try {
      let written = 0;
      for await (const chunk of body) {
        written += chunk.byteLength;
        bytes += chunk.byteLength;
        if (written > entry.declaredSize) {
          throw refuse(`archive entry ${entry.display} holds more data than its header declares (${entry.declaredSize} bytes); the archive is refused`);
        }
        if (written > limits.maxEntryBytes) {
          throw refuse(`archive entry ${entry.display} is over the ${limits.maxEntryBytes}-byte per-file cap; the archive is refused`);
        }
        if (bytes > limits.maxBytes) {
          throw refuse(`archive unpacks to more than ${limits.maxBytes} bytes, the cap; the archive is refused`);
        }
        await writeAll(handle, chunk);
      }
      if (written !== entry.declaredSize) {
        throw refuse(`archive entry ${entry.display} is shorter than its header declares; the archive is corrupt and refused`);
      }
      // fchmod, not the open mode: the umask would otherwise decide, and no setuid/setgid survives.
      await handle.chmod(entry.executable ? 0o755 : 0o644);
    } finally {
      await handle.close();
    }
  };

  const link = async (entry: AdmittedEntry): Promise<void> => {
    const slash = entry.path.lastIndexOf('/');
    if (slash > 0) await ensureDir(entry.path.slice(0, slash));
    await symlink(entry.linkTarget as string, path.join(dest, entry.path));
  };

  return {
    dir: (entry) => ensureDir(entry.path),
    file,
    link,
    get bytes() {
      return bytes;
    },
  };
}
