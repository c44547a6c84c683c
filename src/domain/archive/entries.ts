/**
 * The rules every archive entry must pass, whatever the format. Each rule refuses the whole
 * archive: silently skipping a hostile entry would leave a pack that differs from what its
 * author shipped, and hides the attack from whoever reviews the deploy.
 */
import { PackbotError } from '../../core/errors.js';

export interface ExtractLimits {
  maxEntries: number;
  /** Total uncompressed bytes of all files. */
  maxBytes: number;
  maxEntryBytes: number;
}

/** What a format reader reports for one entry, before any of it is trusted. */
export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'chardev' | 'blockdev' | 'fifo' | 'other';

export interface RawEntry {
  name: string;
  type: EntryType;
  /** The size the archive's header claims; the writer checks the real bytes against it. */
  declaredSize: number;
  executable: boolean;
  linkTarget?: string;
}

export interface AdmittedEntry {
  /** Normalised, validated relative path ('/'-separated), or '' for the archive's own root dir. */
  path: string;
  display: string;
  type: 'file' | 'dir';
  declaredSize: number;
  executable: boolean;
}

export function refuse(message: string): PackbotError {
  return new PackbotError('archive_invalid', message);
}

/** Quoted and escaped (control characters show as \u…), cut short so a hostile name cannot flood a reply. */
export function showName(name: string): string {
  const cut = name.length > 160 ? `${name.slice(0, 160)}…` : name;
  return JSON.stringify(cut);
}

const TYPE_WORDS: Record<Exclude<EntryType, 'file' | 'dir'>, string> = {
  symlink: 'a symbolic link',
  hardlink: 'a hard link',
  chardev: 'a character device',
  blockdev: 'a block device',
  fifo: 'a FIFO',
  other: 'not a regular file or directory',
};

const CONTROL = /[\u0000-\u001f\u007f]/;

/** Returns the normalised relative path, or throws naming the entry. */
export function checkEntryName(name: string): string {
  const shown = showName(name);
  if (name === '') throw refuse('archive has an entry with an empty name; the archive is refused');
  if (CONTROL.test(name)) throw refuse(`archive entry ${shown} has control characters in its name; the archive is refused`);
  if (name.includes('\\')) throw refuse(`archive entry ${shown} has a backslash in its name; the archive is refused`);
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) {
    throw refuse(`archive entry ${shown} is an absolute path; the archive is refused`);
  }
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw refuse(`archive entry ${shown} escapes the pack directory; the archive is refused`);
  return parts.join('/');
}

export interface EntryLedger {
  admit(raw: RawEntry): AdmittedEntry | undefined;
  readonly entries: number;
  readonly declaredBytes: number;
  readonly files: number;
  /** The single top-level directory, if every entry sits under one. */
  topDir(): string | undefined;
}

/**
 * Tracks what an archive has declared so far: counts, claimed sizes and the path tree, so
 * duplicates and file/directory clashes are caught before anything is written.
 */
export function createLedger(limits: ExtractLimits): EntryLedger {
  const explicit = new Map<string, 'file' | 'dir'>();
  const impliedDirs = new Set<string>();
  const tops = new Set<string>();
  let topIsFile = false;
  let entries = 0;
  let declaredBytes = 0;
  let files = 0;

  const admit = (raw: RawEntry): AdmittedEntry | undefined => {
    entries += 1;
    if (entries > limits.maxEntries) {
      throw refuse(`archive has more than ${limits.maxEntries} entries, the cap; the archive is refused`);
    }
    const shown = showName(raw.name);
    const path = checkEntryName(raw.name);
    if (raw.type !== 'file' && raw.type !== 'dir') {
      const to = raw.linkTarget === undefined ? '' : ` (to ${showName(raw.linkTarget)})`;
      throw refuse(
        `archive entry ${shown} is ${TYPE_WORDS[raw.type]}${to}; only regular files and directories are allowed, so the archive is refused`,
      );
    }
    if (path === '') {
      if (raw.type === 'dir') return undefined;
      throw refuse(`archive entry ${shown} is a file with no name; the archive is refused`);
    }
    if (explicit.has(path) || (raw.type === 'file' && impliedDirs.has(path))) {
      throw refuse(`archive entry ${shown} appears more than once; the archive is refused`);
    }
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (explicit.get(parent) === 'file') {
        throw refuse(`archive entry ${shown} sits under a file of the same archive; the archive is refused`);
      }
      impliedDirs.add(parent);
    }
    explicit.set(path, raw.type);
    tops.add(parts[0] ?? '');
    if (parts.length === 1 && raw.type === 'file') topIsFile = true;

    if (raw.type === 'file') {
      files += 1;
      if (raw.declaredSize > limits.maxEntryBytes) {
        throw refuse(`archive entry ${shown} is ${raw.declaredSize} bytes, over the ${limits.maxEntryBytes}-byte per-file cap; the archive is refused`);
      }
      declaredBytes += raw.declaredSize;
      if (declaredBytes > limits.maxBytes) {
        throw refuse(`archive unpacks to more than ${limits.maxBytes} bytes, the cap; the archive is refused`);
      }
    }
    return { path, display: shown, type: raw.type, declaredSize: raw.type === 'file' ? raw.declaredSize : 0, executable: raw.executable };
  };

  return {
    admit,
    get entries() {
      return entries;
    },
    get declaredBytes() {
      return declaredBytes;
    },
    get files() {
      return files;
    },
    topDir() {
      const [only] = tops;
      return tops.size === 1 && !topIsFile ? only : undefined;
    },
  };
}
