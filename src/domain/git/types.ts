import type { Logger } from '../../core/logging/logger.js';
import type { Masker } from '../../core/masking/masker.js';

export interface GitRemote {
  /** Configured repository name; names the mirror directory. */
  name: string;
  /** A validated https/http/ssh/git/file URL, an scp-like address or an absolute path; never holds credentials. */
  url: string;
  token?: string;
  /** Basic-auth user sent with the token (default `x-access-token`, what GitHub and Gitea accept). */
  username?: string;
  sshKeyFile?: string;
}

export interface GitOptions {
  stateDir: string;
  masker: Masker;
  logger: Logger;
  /** Limit for each git process (default 5 minutes). */
  timeoutMs?: number;
}

export interface TreeEntry {
  /** Relative to the directory that was listed. */
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  /** Blobs only. */
  size?: number;
}

export interface CommitInfo {
  sha: string;
  subject: string;
  author: string;
  /** ISO 8601, author date. */
  date: string;
}

export interface SyncResult {
  mirrorDir: string;
  cloned: boolean;
  durationMs: number;
}

/** One entry of a directory listing, as the tree object holds it. */
export interface DirEntry {
  name: string;
  /** Six digits, as ls-tree prints it: 100644, 100755, 120000 (symlink), 040000, 160000. */
  mode: string;
  type: TreeEntry['type'];
  oid: string;
}

/** A directory under packs/: one without a pack.yaml (`manifest: false`) is not a pack. */
export interface PackTreeEntry {
  name: string;
  treeId: string;
  manifest: boolean;
}

export interface Git {
  /** Clone (first time) or fetch (incremental) the bare mirror <stateDir>/mirrors/<name>.git. Holds a cross-process lock per mirror. */
  sync(remote: GitRemote): Promise<SyncResult>;
  /** Branch, tag, or (abbreviated) commit sha → full commit sha. Unknown → git_ref_unknown naming the ref and listing a few branches/tags. */
  resolveRef(remote: GitRemote, ref: string): Promise<string>;
  /** Every branch and tag of the mirror, the most recently active first (for "did you mean"). */
  refNames(remote: GitRemote): Promise<{ branches: string[]; tags: string[] }>;
  /** Whether the mirror has this commit (one git process for a full sha, unlike resolveRef). */
  hasCommit(remote: GitRemote, sha: string): Promise<boolean>;
  /** The tree object id of `path` ('' = root) at commit: equal ids mean identical content. */
  treeId(remote: GitRemote, commit: string, path: string): Promise<string>;
  /** Entries under `path` ('' = root) at commit, recursively, with paths relative to `path`. */
  tree(remote: GitRemote, commit: string, path: string): Promise<TreeEntry[]>;
  /**
   * The entries directly in directory `path` ('' = root) at commit, with their object ids (equal
   * blob ids, equal bytes), read through the object reader; pack_unknown when it is no directory.
   */
  listDir(remote: GitRemote, commit: string, path: string): Promise<DirEntry[]>;
  /** A regular file's bytes at commit (through the object reader, no checkout); null when absent, a symlink or a directory. */
  readFile(remote: GitRemote, commit: string, path: string): Promise<Buffer | null>;
  /** Directory names directly under `packs/` at commit (subtree repos); [] when there is no packs/. */
  listPackDirs(remote: GitRemote, commit: string): Promise<string[]>;
  /** The directories under packs/ with their tree ids and whether they hold a pack.yaml (discover + no-op check, no checkout). */
  packTrees(remote: GitRemote, commit: string): Promise<PackTreeEntry[]>;
  /**
   * Write the files of `path` at commit into `dest` (absent or empty), with no .git; refuses symlinks, gitlinks and unsafe names, writing nothing.
   * With `maxBytes`, stops before the files pass it (PackTooBig, dest left as found).
   */
  materialize(remote: GitRemote, commit: string, path: string, dest: string, opts?: { maxBytes?: number }): Promise<void>;
  /** Commits touching `path` in (from, to], newest first, at most `max` (default 20). */
  log(remote: GitRemote, from: string | null, to: string, path: string, max?: number): Promise<CommitInfo[]>;
  /** Paths changed between two commits, sorted. */
  changedPaths(remote: GitRemote, from: string, to: string): Promise<string[]>;
  /**
   * Closes the object reader (one `git cat-file --batch`) of the remote's mirror, or of every
   * mirror, once it has answered what it was asked; the next read starts another. Readers also
   * close after a few idle seconds, and with packbot.
   */
  closeReaders(remote?: GitRemote): Promise<void>;
}
