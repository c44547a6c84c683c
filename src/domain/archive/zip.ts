/**
 * Reads a .zip with yauzl from its central directory. Names are decoded here (decodeStrings off,
 * strict names) so that a hostile name reaches our own rules and is refused with our message,
 * rather than yauzl quietly turning backslashes into slashes.
 */
import yauzl from 'yauzl';
import { errorMessage } from '../../core/caught.js';
import { MAX_TARGET_LENGTH } from '../../core/fs/pack-links.js';
import type { EntryType, ExtractLimits, RawEntry } from './entries.js';
import { refuse, showName } from './entries.js';
import type { EntryHandler } from './tar.js';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const S_IFIFO = 0o010000;
/** "version made by" high byte 3: the external attributes' high 16 bits are a Unix st_mode. */
const HOST_UNIX = 3;

function unixMode(entry: yauzl.Entry): number {
  return entry.versionMadeBy >>> 8 === HOST_UNIX ? (entry.externalFileAttributes >>> 16) & 0xffff : 0;
}

function zipType(name: string, mode: number): EntryType {
  const isDirName = name.endsWith('/');
  switch (mode & S_IFMT) {
    case 0:
      return isDirName ? 'dir' : 'file';
    case S_IFREG:
      return isDirName ? 'other' : 'file';
    case S_IFDIR:
      return isDirName ? 'dir' : 'other';
    case S_IFLNK:
      return 'symlink';
    case S_IFCHR:
      return 'chardev';
    case S_IFBLK:
      return 'blockdev';
    case S_IFIFO:
      return 'fifo';
    default:
      return 'other';
  }
}

function toRaw(entry: yauzl.Entry): RawEntry {
  const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
  const mode = unixMode(entry);
  return { name, type: zipType(name, mode), declaredSize: entry.uncompressedSize, executable: (mode & 0o111) !== 0 };
}

function malformed(err: unknown): unknown {
  if (err instanceof Error && err.name === 'PackbotError') return err;
  const code = (err as { code?: unknown } | null)?.code;
  // Filesystem errors from writing are not the archive's fault; zlib's (Z_*) are.
  if (typeof code === 'string' && !code.startsWith('Z_')) return err;
  const detail = errorMessage(err);
  return refuse(`archive is not a valid .zip (${detail.slice(0, 200)}); check the URL points at the pack's zip`);
}

function sizeLie(name: string, detail: string): Error {
  return refuse(`archive entry ${showName(name)} does not match the size its header declares (${detail}); the archive is refused`);
}

/**
 * Calls `onEntry` for every entry in central-directory order. With `withBodies` off the data is
 * never inflated (but for a symlink's short target), so a first pass over the directory is cheap.
 */
export async function walkZip(file: string, limits: ExtractLimits, onEntry: EntryHandler, withBodies: boolean): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, { decodeStrings: false, strictFileNames: true, validateEntrySizes: true, autoClose: false });
  } catch (err) {
    throw malformed(err);
  }
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw refuse(`archive has ${zip.entryCount} entries, over the ${limits.maxEntries}-entry cap; the archive is refused`);
    }
    for await (const entry of zip.eachEntry()) {
      const raw = toRaw(entry);
      if (raw.type === 'file' && entry.isEncrypted()) {
        throw refuse(`archive entry ${showName(raw.name)} is encrypted; packbot cannot unpack it, so the archive is refused`);
      }
      if (raw.type === 'file' && !entry.canDecodeFileData()) {
        throw refuse(
          `archive entry ${showName(raw.name)} uses unsupported compression method ${entry.compressionMethod}; re-zip with deflate`,
        );
      }
      if (raw.type === 'symlink') {
        // A zip keeps a link's target as its data: both passes need it to judge the link.
        await onEntry({ ...raw, linkTarget: await readLinkTarget(zip, entry, raw.name) }, emptyBody());
        continue;
      }
      if (!withBodies || raw.type !== 'file') {
        await onEntry(raw, emptyBody());
        continue;
      }
      const stream = await zip.openReadStreamPromise(entry);
      // yauzl's size check can fail after the consumer has stopped reading (it refused the entry
      // first, or destroyed the stream): an 'error' nobody listens to then would crash the process.
      // The consumer still sees every error while it reads: its own listeners get it too.
      stream.on('error', () => undefined);
      try {
        await onEntry(raw, stream);
      } catch (err) {
        const message = err instanceof Error ? err.message : '';
        // yauzl's validateEntrySizes: the inflated data ran past, or short of, the declared size.
        if (/too many bytes|not enough bytes/.test(message) && !(err instanceof Error && err.name === 'PackbotError')) {
          throw sizeLie(raw.name, message);
        }
        throw err;
      } finally {
        stream.destroy();
      }
    }
  } catch (err) {
    throw malformed(err);
  } finally {
    zip.close();
  }
}

async function readLinkTarget(zip: yauzl.ZipFile, entry: yauzl.Entry, name: string): Promise<string> {
  if (entry.isEncrypted() || !entry.canDecodeFileData()) {
    throw refuse(`archive entry ${showName(name)} is a symbolic link packbot cannot read (encrypted or an unsupported compression); the archive is refused`);
  }
  if (entry.uncompressedSize > MAX_TARGET_LENGTH) {
    throw refuse(`archive entry ${showName(name)} is a symbolic link with a target over ${MAX_TARGET_LENGTH} bytes; the archive is refused`);
  }
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } finally {
    stream.destroy();
  }
  const bytes = Buffer.concat(chunks);
  const target = bytes.toString('utf8');
  // Bytes that do not survive as text would be written as some other name than was checked.
  if (!Buffer.from(target, 'utf8').equals(bytes)) {
    throw refuse(`archive entry ${showName(name)} is a symbolic link whose target is not UTF-8 text; the archive is refused`);
  }
  return target;
}

async function* emptyBody(): AsyncIterable<Uint8Array> {
  // A directory, or the listing pass: no data is read.
}
