/**
 * Writes one directory of a commit to disk, as plain files. The whole tree is inspected
 * before the first byte is written: a gitlink names code from elsewhere, a `..` or `.git`
 * entry (possible in a crafted tree, which fsck would flag but a fetch does not check) would
 * escape or fake a repository, and a symlink could point the installer at /etc. Symlinks are
 * kept only as core/fs/pack-links allows (relative, resolving inside the pack, the target
 * being the link blob's bytes); anything else refuses the pack and nothing is written.
 *
 * The files are the blobs as stored, read through the mirror's object reader and written
 * here (mode 100755 → executable): no git process per pack, no shell, no archive parsing,
 * no .git in the result. The bytes are exactly the committed ones: unlike git's checkout,
 * a pack's own .gitattributes (eol=crlf, ident, working-tree-encoding) rewrites nothing.
 * Kept links are written as links, last, once every directory they could sit in is real.
 *
 * A byte cap (the validator's, for a pack) is applied as the files are written, not after: a
 * blob that would take the pack past it is skipped by the reader from its size alone (never
 * read into memory) and nothing more is written, so a 1 GB file cannot fill the disk first.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import path from 'node:path';
import { errnoCode } from '../../core/caught.js';
import { PackbotError } from '../../core/errors.js';
import { checkLinks, MAX_TARGET_LENGTH, type PackNode } from '../../core/fs/pack-links.js';
import { readBlob, treeAt, walkTree, type ObjectAccess } from './objects.js';
import { ObjectTooBig } from './object-reader.js';
import type { RawEntry } from './tree.js';

const SHOWN = 5;

const SYMLINK = '120000';

export interface MaterializeOptions {
  /** The most bytes the files may add up to; the write stops before passing it. */
  maxBytes?: number;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MiB` : `${n} bytes`;
}

/** The pack's files add up to more than the cap; `at` is the file that would have passed it. */
export class PackTooBig extends PackbotError {
  constructor(readonly at: string, readonly limit: number) {
    // Worded as the validator words its own cap (domain/packs/walk.ts): one problem, however found.
    super('pack_invalid', `the pack's files add up to more than ${formatBytes(limit)} (the limit), reached at ${at}; large files belong outside the pack`);
  }
}

/** Why an entry may not be written, or undefined when it is a file, directory or symlink (judged apart). */
function unsafeReason(entry: RawEntry): string | undefined {
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

// Files up to this size are written synchronously, this many between turns of the event loop.
const SYNC_WRITE_MAX = 64 * 1024;
const SYNC_RUN = 32;

// Blobs asked for ahead of the one being written: the reader stays busy, memory stays small.
const WINDOW = 32;

export async function materialize(a: ObjectAccess, commit: string, dir: string, dest: string, opts: MaterializeOptions = {}): Promise<void> {
  const { sha, oid } = await treeAt(a, commit, dir);
  const target = path.resolve(dest);
  await emptyOrAbsent(target);

  const entries = await walkTree(a, oid);
  const problems = entries.map(unsafeReason).filter((r): r is string => r !== undefined);
  const links = problems.length > 0 ? new Map<string, string>() : await linkTargets(a, entries, problems);
  if (problems.length > 0) {
    const shown = problems.slice(0, SHOWN).join('; ') + (problems.length > SHOWN ? `; and ${problems.length - SHOWN} more` : '');
    const what = dir === '' ? 'the repository root' : `"${dir}"`;
    throw new PackbotError(
      'pack_unsafe',
      a.ctx.masker.mask(`Refusing to deploy ${what} of repository "${a.repo.remote.name}" at ${sha.slice(0, 7)}: ${shown}. Packs may contain only regular files, directories and relative symlinks to their own files and directories.`),
    );
  }

  // The first directory this call created (undefined when dest existed), to undo on failure.
  const created = await mkdir(target, { recursive: true });
  try {
    await writeBlobs(a, target, entries.filter((e) => e.type === 'blob' && e.mode !== SYMLINK), opts.maxBytes ?? Infinity);
    for (const [rel, to] of links) {
      const file = path.join(target, ...rel.split('/'));
      await mkdir(path.dirname(file), { recursive: true });
      await symlink(to, file);
    }
  } catch (err) {
    // Leave dest as it was found: a half-written pack must never be mistaken for a whole one.
    if (created !== undefined) await rm(created, { recursive: true, force: true });
    else await Promise.all((await readdir(target)).map((e) => rm(path.join(target, e), { recursive: true, force: true })));
    throw err;
  }
}

/**
 * The target of every symlink (its blob's bytes), checked against the whole tree: kept links by
 * path, and a reason pushed onto `problems` for each refused one. Only called on a tree whose
 * names are all safe, so a path names one entry.
 */
async function linkTargets(a: ObjectAccess, entries: RawEntry[], problems: string[]): Promise<Map<string, string>> {
  const nodes = new Map<string, PackNode>();
  for (const e of entries) {
    if (nodes.has(e.path)) {
      problems.push(`${JSON.stringify(e.path)} appears twice in its directory`);
    } else if (e.type === 'tree') {
      nodes.set(e.path, { kind: 'dir' });
    } else if (e.mode !== SYMLINK) {
      nodes.set(e.path, { kind: 'file' });
    } else {
      const bytes = await readBlob(a, e.oid, e.path);
      const target = bytes.toString('utf8');
      // Bytes that do not survive as text would be written as some other name than was checked.
      if (bytes.length > MAX_TARGET_LENGTH || !Buffer.from(target, 'utf8').equals(bytes)) {
        problems.push(`${e.path} is a symlink whose target is not a short UTF-8 path`);
      } else {
        nodes.set(e.path, { kind: 'link', target });
      }
    }
  }
  const { kept, refused } = checkLinks(nodes);
  for (const r of refused) problems.push(`${r.path} is a symlink (-> ${JSON.stringify(r.target)}), and ${r.reason}`);
  return new Map(kept.map((l) => [l.path, l.target]));
}

async function writeBlobs(a: ObjectAccess, target: string, blobs: RawEntry[], maxBytes: number): Promise<void> {
  let written = 0;
  // What is left of the cap when a blob is asked for bounds it: no more can fit when it is written.
  const ask = (e: RawEntry) => {
    const p = readBlob(a, e.oid, e.path, { maxBytes: maxBytes - written }).catch((err: unknown) => {
      throw err instanceof ObjectTooBig ? new PackTooBig(e.path, maxBytes) : err;
    });
    p.catch(() => undefined); // awaited in turn below; a failure meanwhile is not unhandled
    return p;
  };
  // Asked for WINDOW / 2 at a time (one write to git, one burst of answers), the next half
  // window as the current one starts being written; each is dropped once written.
  const half = WINDOW / 2;
  const asked = new Map(blobs.slice(0, WINDOW).map((e, i) => [i, ask(e)]));
  const dirs = new Set<string>([target]);
  let inline = 0;
  for (const [i, entry] of blobs.entries()) {
    if (i > 0 && i % half === 0) {
      blobs.slice(i + half, i + WINDOW).forEach((e, k) => asked.set(i + half + k, ask(e)));
    }
    const content = await (asked.get(i) ?? ask(entry));
    asked.delete(i);
    written += content.length;
    if (written > maxBytes) throw new PackTooBig(entry.path, maxBytes);
    const file = path.join(target, ...entry.path.split('/'));
    const parent = path.dirname(file);
    if (!dirs.has(parent)) {
      mkdirSync(parent, { recursive: true });
      dirs.add(parent);
    }
    // What git's checkout does: 0666 or 0777, less the umask; 'wx' never follows or replaces.
    const executable = (parseInt(entry.mode, 8) & 0o100) !== 0;
    const how = { mode: executable ? 0o777 : 0o666, flag: 'wx' } as const;
    // A pack is mostly small files, into the page cache: written at once, each costs microseconds,
    // where a thread-pool round trip per open, write and close cost more than the writing. The
    // event loop gets a turn every SYNC_RUN files; big files are written in the background.
    if (content.length <= SYNC_WRITE_MAX) {
      writeFileSync(file, content, how);
      if (++inline % SYNC_RUN === 0) await nextTurn();
    } else await writeFile(file, content, how);
  }
}
