/**
 * The safety walk: a pack comes from a git repository somebody else controls, and it is about
 * to be copied next to every other pack and read by StackStorm. Regular files and directories
 * are allowed, and symlinks only as core/fs/pack-links keeps them (relative, resolving inside
 * the pack to a file or directory): any other link could expose /etc/passwd or another pack's
 * secrets, and a FIFO or device would hang or mislead whatever reads it. Entries are examined
 * with lstat and links are followed only through the listing, never on disk; the walk stops at
 * the caps instead of exhausting the disk or the event loop on a repository full of build output.
 */
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Stats } from 'node:fs';
import { errnoCode, errorMessage } from '../../core/caught.js';
import { checkLinks, type KeptLink, type PackNode } from '../../core/fs/pack-links.js';
import type { Problem } from './problems.js';

export interface WalkLimits {
  maxFiles: number;
  maxBytes: number;
}

export const DEFAULT_LIMITS: WalkLimits = { maxFiles: 10_000, maxBytes: 200 * 1024 * 1024 };

export interface PackTree {
  /** Absolute path of the pack directory. */
  root: string;
  /**
   * Regular files, relative `/`-separated path → size in bytes; a kept link to a file is listed
   * under its own path too (StackStorm reads it as a file), with its target's size.
   */
  files: Map<string, number>;
  /** Directories, kept links to directories included (what is below them is listed at its real path only). */
  dirs: Set<string>;
  /** Kept symlinks by path; read a linked file at `inPackPath()`, never by following the link on disk. */
  links: Map<string, KeptLink>;
  problems: Problem[];
  /** False when the root is unusable or a cap stopped the walk: the lists are partial. */
  complete: boolean;
}

/** True when `child` is `root` or below it. */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel));
}

/** A directory entry's name that stays inside its directory whatever the platform. */
function isPlainName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\:]/.test(name) && !name.includes(sep);
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MiB` : `${n} bytes`;
}

function specialKind(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/**
 * Entries are examined synchronously: an lstat of a file in the page cache takes microseconds,
 * a thread-pool round trip per entry cost more than the walk's own work. This many between turns.
 */
const YIELD_EVERY = 256;

const ONLY_FILES = 'a pack may contain only regular files and directories';
const LINKS_KEPT = 'only relative links to files and directories inside the pack are kept';

export async function walkPack(dir: string, limits: WalkLimits = DEFAULT_LIMITS): Promise<PackTree> {
  const root = resolve(dir);
  const tree: PackTree = { root, files: new Map(), dirs: new Set(), links: new Map(), problems: [], complete: false };
  // Every entry, for following links through the listing alone.
  const nodes = new Map<string, PackNode>();
  const fail = (file: string, message: string) => tree.problems.push({ file, message });

  let rootStat: Stats;
  try {
    // Synchronously, as every entry below: a thread-pool round trip per pack was a tenth of
    // validating a thousand small packs.
    rootStat = lstatSync(root);
  } catch (err) {
    // The pack directory by its role, not its path: a deploy's is a staging dir on the server.
    fail('', errnoCode(err) === 'ENOENT' ? 'the pack directory does not exist' : `the pack directory cannot be read (${errCode(err)})`);
    return tree;
  }
  if (rootStat.isSymbolicLink()) {
    fail('', `the pack directory is a symbolic link; ${ONLY_FILES}`);
    return tree;
  }
  if (!rootStat.isDirectory()) {
    fail('', 'the pack is not a directory');
    return tree;
  }

  let entries = 0;
  let bytes = 0;
  const queue: string[] = [''];
  while (queue.length > 0) {
    const rel = queue.shift() as string;
    let names: string[];
    try {
      names = readdirSync(join(root, rel)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    } catch (err) {
      fail(rel || '.', `cannot read the directory (${errCode(err)})`);
      continue;
    }
    for (const name of names) {
      // A checkout's own .git is written by git, not by the repository's content, and is never
      // installed; walking it would only spend the caps on object files.
      if (rel === '' && name === '.git') continue;
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const abs = join(root, childRel);
      // readdir never lists `.`, `..` or a name with a separator; only such a name could leave
      // the directory, so the path arithmetic of isInside is done for it alone.
      if (!isPlainName(name) && (!isInside(root, abs) || abs === root)) {
        fail(childRel, 'escapes the pack directory');
        continue;
      }
      entries += 1;
      if (entries > limits.maxFiles) {
        fail('', `the pack has more than ${limits.maxFiles} files and directories (the limit); remove build output or vendored code from it`);
        return tree;
      }
      // The event loop gets a turn now and then; a pack's walk is thousands of these.
      if (entries % YIELD_EVERY === 0) await nextTurn();
      let st: Stats;
      try {
        st = lstatSync(abs);
      } catch (err) {
        fail(childRel, `cannot read it (${errCode(err)})`);
        continue;
      }
      if (st.isSymbolicLink()) {
        try {
          nodes.set(childRel, { kind: 'link', target: readlinkSync(abs) });
        } catch (err) {
          fail(childRel, `is a symbolic link that cannot be read (${errCode(err)})`);
        }
      } else if (st.isDirectory()) {
        tree.dirs.add(childRel);
        nodes.set(childRel, { kind: 'dir' });
        queue.push(childRel);
      } else if (st.isFile()) {
        bytes += st.size;
        if (bytes > limits.maxBytes) {
          fail('', `the pack's files add up to more than ${formatBytes(limits.maxBytes)} (the limit), reached at ${childRel}; large files belong outside the pack`);
          return tree;
        }
        tree.files.set(childRel, st.size);
        nodes.set(childRel, { kind: 'file' });
      } else {
        fail(childRel, `is ${specialKind(st)}; ${ONLY_FILES}`);
        nodes.set(childRel, { kind: 'special', what: specialKind(st) });
      }
    }
  }
  addLinks(tree, nodes);
  tree.complete = true;
  return tree;
}

/** Links are judged once the whole listing is known: a target may sit anywhere in the pack. */
function addLinks(tree: PackTree, nodes: ReadonlyMap<string, PackNode>): void {
  const { kept, refused } = checkLinks(nodes);
  for (const r of refused) {
    tree.problems.push({ file: r.path, message: `is a symbolic link (-> ${JSON.stringify(r.target)}), and ${r.reason}; ${LINKS_KEPT}` });
  }
  for (const link of kept) {
    tree.links.set(link.path, link);
    if (link.kind === 'dir') tree.dirs.add(link.path);
    else tree.files.set(link.path, tree.files.get(link.real) ?? 0);
  }
}

/** Where to read a listed file: a kept link's final target, else the path itself. */
export function inPackPath(tree: PackTree, rel: string): string {
  return tree.links.get(rel)?.real ?? rel;
}

function errCode(err: unknown): string {
  return errnoCode(err) ?? errorMessage(err);
}
