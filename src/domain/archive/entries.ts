/**
 * The rules every archive entry must pass, whatever the format. Each rule refuses the whole
 * archive: silently skipping a hostile entry would leave a pack that differs from what its
 * author shipped, and hides the attack from whoever reviews the deploy. Symlinks follow the
 * rules of a git tree (core/fs/pack-links), judged once the whole listing is known.
 */
import { PackbotError } from '../../core/errors.js';
import { checkLinks as judgeLinks, type PackNode } from '../../core/fs/pack-links.js';

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
  type: 'file' | 'dir' | 'link';
  declaredSize: number;
  executable: boolean;
  /** A link's target, to be written only once checkLinks() has passed on the whole archive. */
  linkTarget?: string;
}

export function refuse(message: string): PackbotError {
  return new PackbotError('archive_invalid', message);
}

/** Quoted and escaped (control characters show as \u…), cut short so a hostile name cannot flood a reply. */
export function showName(name: string): string {
  const cut = name.length > 160 ? `${name.slice(0, 160)}…` : name;
  return JSON.stringify(cut);
}

const TYPE_WORDS: Record<Exclude<EntryType, 'file' | 'dir' | 'symlink'>, string> = {
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
  /** Throws unless every symlink is one a pack may keep, judged within the pack (topDir(), else the whole archive). */
  checkLinks(): void;
}

/**
 * Tracks what an archive has declared so far: counts, claimed sizes and the path tree, so
 * duplicates and file/directory clashes are caught before anything is written.
 */
export function createLedger(limits: ExtractLimits): EntryLedger {
  const explicit = new Map<string, 'file' | 'dir' | 'link'>();
  const links = new Map<string, string>();
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
    if (raw.type !== 'file' && raw.type !== 'dir' && raw.type !== 'symlink') {
      const to = raw.linkTarget === undefined ? '' : ` (to ${showName(raw.linkTarget)})`;
      throw refuse(
        `archive entry ${shown} is ${TYPE_WORDS[raw.type]}${to}; only regular files, directories and symbolic links are allowed, so the archive is refused`,
      );
    }
    const type = raw.type === 'symlink' ? 'link' : raw.type;
    if (type === 'link' && !raw.linkTarget) throw refuse(`archive entry ${shown} is a symbolic link with no target; the archive is refused`);
    if (path === '') {
      if (type === 'dir') return undefined;
      throw refuse(`archive entry ${shown} is a file with no name; the archive is refused`);
    }
    if (explicit.has(path) || (type !== 'dir' && impliedDirs.has(path))) {
      throw refuse(`archive entry ${shown} appears more than once; the archive is refused`);
    }
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (explicit.get(parent) === 'file') {
        throw refuse(`archive entry ${shown} sits under a file of the same archive; the archive is refused`);
      }
      // Writing it would follow the link, wherever the link points.
      if (explicit.get(parent) === 'link') {
        throw refuse(`archive entry ${shown} sits under ${showName(parent)}, a symbolic link of the same archive; the archive is refused`);
      }
      impliedDirs.add(parent);
    }
    explicit.set(path, type);
    tops.add(parts[0] ?? '');
    if (parts.length === 1 && type !== 'dir') topIsFile = true;
    if (type === 'link') {
      links.set(path, raw.linkTarget as string);
      return { path, display: shown, type, declaredSize: 0, executable: false, linkTarget: raw.linkTarget as string };
    }

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
    return { path, display: shown, type, declaredSize: type === 'file' ? raw.declaredSize : 0, executable: raw.executable };
  };

  const topDir = (): string | undefined => {
    const [only] = tops;
    return tops.size === 1 && !topIsFile ? only : undefined;
  };

  const checkLinks = (): void => {
    if (links.size === 0) return;
    const top = topDir();
    const strip = top === undefined ? '' : `${top}/`;
    const nodes = new Map<string, PackNode>();
    for (const dir of impliedDirs) if (dir.startsWith(strip)) nodes.set(dir.slice(strip.length), { kind: 'dir' });
    for (const [path, type] of explicit) {
      if (!path.startsWith(strip)) continue;
      nodes.set(path.slice(strip.length), type === 'link' ? { kind: 'link', target: links.get(path) as string } : { kind: type });
    }
    const [bad] = judgeLinks(nodes).refused;
    if (bad) {
      throw refuse(
        `archive entry ${showName(strip + bad.path)} is a symbolic link (to ${showName(bad.target)}), and ${bad.reason}; only relative links to files and directories inside the pack are allowed, so the archive is refused`,
      );
    }
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
    topDir,
    checkLinks,
  };
}
