/**
 * Real git repositories in temp dirs, for tests. Repositories are built with the git binary
 * directly (never packbot's src/domain/git, which is what the tests check), in a clean environment:
 * no GIT_* from the test process, no system or user config, fixed identities and increasing
 * dates, so shas are reproducible. createTestGit() gives packbot's Git on a fresh state dir.
 */
import { execa } from 'execa';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createGit, type Git } from '../../src/domain/git/index.js';
import { createLogger } from '../../src/core/logging/logger.js';
import { createMasker, type Masker } from '../../src/core/masking/masker.js';

/** A file's content; null deletes it; `symlink`/`gitlink` make those entries; `executable` sets mode 755. */
export type FileSpec = string | null | { symlink: string } | { gitlink: string } | { content: string; executable: true };

/** A tree written object by object (git mktree), so names git would never add (`..`, `.git`) can exist. */
export interface RawTree {
  [name: string]: string | RawTree;
}

export interface GitRepo {
  /** The work tree (the repository is `<dir>/.git`). */
  dir: string;
  /** file:// URL of the repository. */
  url: string;
  git(args: string[], opts?: { input?: string }): Promise<string>;
  /** Applies `files`, commits (on the current branch) and returns the new sha. */
  commit(message: string, files?: Record<string, FileSpec>): Promise<string>;
  /** A commit whose whole root tree is `tree`, on the current branch. */
  commitRawTree(message: string, tree: RawTree): Promise<string>;
  branch(name: string, from?: string): Promise<void>;
  checkout(name: string): Promise<void>;
  deleteBranch(name: string): Promise<void>;
  /** Lightweight tag, or annotated when `message` is given. */
  tag(name: string, opts?: { ref?: string; message?: string }): Promise<void>;
  /** Any ref, e.g. refs/pull/1/head, pointing at `sha`. */
  updateRef(ref: string, sha: string): Promise<void>;
  revParse(rev: string): Promise<string>;
}

export async function tempDir(prefix = 'packbot-git-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

const EPOCH = Date.UTC(2024, 0, 1) / 1000;

/** The environment for helper git processes: nothing inherited but PATH; `tick` orders commit dates. */
export function cleanGitEnv(home: string, tick = 0): Record<string, string> {
  const when = `${EPOCH + tick * 60} +0000`;
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'Ada Author',
    GIT_AUTHOR_EMAIL: 'ada@example.invalid',
    GIT_COMMITTER_NAME: 'Ada Author',
    GIT_COMMITTER_EMAIL: 'ada@example.invalid',
    GIT_AUTHOR_DATE: when,
    GIT_COMMITTER_DATE: when,
  };
}

/** Runs git in `cwd` with the clean environment (plus `env`). */
export async function runGit(
  cwd: string,
  args: string[],
  opts: { input?: string; env?: Record<string, string>; tick?: number } = {},
): Promise<string> {
  const result = await execa('git', args, {
    cwd,
    env: { ...cleanGitEnv(cwd, opts.tick), ...opts.env },
    extendEnv: false,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
  return result.stdout;
}

export async function createRepo(opts: { dir?: string; branch?: string; files?: Record<string, FileSpec>; message?: string } = {}): Promise<GitRepo> {
  const dir = opts.dir ?? path.join(await tempDir('packbot-repo-'), 'repo');
  await mkdir(dir, { recursive: true });
  let tick = 0;
  const git = (args: string[], o: { input?: string } = {}) => runGit(dir, args, { ...o, tick: tick++ });
  await git(['init', '--quiet', `--initial-branch=${opts.branch ?? 'main'}`]);

  const apply = async (files: Record<string, FileSpec>) => {
    for (const [rel, spec] of Object.entries(files)) {
      const abs = path.join(dir, rel);
      await rm(abs, { recursive: true, force: true });
      if (spec === null) {
        await git(['rm', '-r', '--cached', '--quiet', '--ignore-unmatch', '--', rel]);
        continue;
      }
      await mkdir(path.dirname(abs), { recursive: true });
      if (typeof spec === 'string') {
        await writeFile(abs, spec);
      } else if ('symlink' in spec) {
        await symlink(spec.symlink, abs);
      } else if ('gitlink' in spec) {
        await git(['update-index', '--add', '--cacheinfo', `160000,${spec.gitlink},${rel}`]);
        continue;
      } else {
        await writeFile(abs, spec.content);
        await chmod(abs, 0o755);
      }
      await git(['add', '--', rel]);
    }
  };

  const writeRawTree = async (tree: RawTree): Promise<string> => {
    const lines: string[] = [];
    for (const [name, value] of Object.entries(tree)) {
      if (typeof value === 'string') {
        const blob = (await git(['hash-object', '-w', '--stdin'], { input: value })).trim();
        lines.push(`100644 blob ${blob}\t${name}`);
      } else {
        lines.push(`040000 tree ${await writeRawTree(value)}\t${name}`);
      }
    }
    return (await git(['mktree'], { input: lines.join('\n') + '\n' })).trim();
  };

  const repo: GitRepo = {
    dir,
    url: pathToFileURL(dir).href,
    git,
    async commit(message, files = {}) {
      await apply(files);
      await git(['commit', '--quiet', '--allow-empty', '--no-verify', '-m', message]);
      return repo.revParse('HEAD');
    },
    async commitRawTree(message, tree) {
      const treeId = await writeRawTree(tree);
      const parent = (await git(['rev-parse', '--verify', '--quiet', 'HEAD']).catch(() => '')).trim();
      const sha = (await git(['commit-tree', treeId, '-m', message, ...(parent ? ['-p', parent] : [])])).trim();
      await git(['update-ref', 'HEAD', sha]);
      await git(['read-tree', 'HEAD']).catch(() => undefined);
      return sha;
    },
    async branch(name, from = 'HEAD') {
      await git(['branch', '--', name, from]);
    },
    async checkout(name) {
      await git(['checkout', '--quiet', '--force', name]);
    },
    async deleteBranch(name) {
      await git(['branch', '--quiet', '-D', '--', name]);
    },
    async tag(name, o = {}) {
      const args = o.message !== undefined ? ['tag', '-a', '-m', o.message] : ['tag'];
      await git([...args, '--', name, o.ref ?? 'HEAD']);
    },
    async updateRef(ref, sha) {
      await git(['update-ref', ref, sha]);
    },
    async revParse(rev) {
      return (await git(['rev-parse', '--verify', `${rev}^{commit}`])).trim();
    },
  };
  if (opts.files) await repo.commit(opts.message ?? 'initial', opts.files);
  return repo;
}

/** The files of a small valid pack named `name`. */
export function packFiles(name: string, prefix = ''): Record<string, FileSpec> {
  return {
    [`${prefix}pack.yaml`]: `---\nref: ${name}\nname: ${name}\ndescription: The ${name} pack.\nversion: 1.0.0\nauthor: Ada\n`,
    [`${prefix}actions/hello.yaml`]: `---\nname: hello\nrunner_type: python-script\nentry_point: hello.py\n`,
    [`${prefix}actions/hello.py`]: `print("hello from ${name}")\n`,
    [`${prefix}actions/run.sh`]: { content: '#!/bin/sh\necho run\n', executable: true },
  };
}

/** A subtree repo (packs/<name>/ for each name) with one commit on `main`. */
export async function createSubtreeRepo(names: string[] = ['a', 'b'], opts: { dir?: string } = {}): Promise<GitRepo> {
  const files = Object.assign({ 'README.md': '# packs\n' }, ...names.map((n) => packFiles(n, `packs/${n}/`))) as Record<string, FileSpec>;
  return createRepo({ ...opts, files, message: `add packs ${names.join(', ')}` });
}

/** A repo whose root is one pack. */
export async function createSinglePackRepo(name = 'solo', opts: { dir?: string } = {}): Promise<GitRepo> {
  return createRepo({ ...opts, files: packFiles(name), message: `add pack ${name}` });
}

/** Every file under `root` (relative, '/'-separated, sorted); symlinks are listed, not followed. */
export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, rel: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) await walk(path.join(dir, entry.name), childRel);
      else out.push(childRel);
    }
  };
  await walk(root, '');
  return out.sort();
}

/** Files under `root` whose bytes contain any of `needles` (for "no secret on disk" checks). */
export async function filesContaining(root: string, needles: string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const rel of await listFiles(root)) {
    const bytes = await readFile(path.join(root, rel)).catch(() => null);
    if (bytes && needles.some((n) => bytes.includes(Buffer.from(n)))) hits.push(rel);
  }
  return hits;
}

export interface TestGit {
  git: Git;
  stateDir: string;
  masker: Masker;
  /** Everything logged so far (JSON lines, already masked). */
  logs(): string;
}

/** packbot's Git on a fresh state dir, logging at debug level into memory. */
export async function createTestGit(opts: { stateDir?: string; timeoutMs?: number } = {}): Promise<TestGit> {
  const stateDir = opts.stateDir ?? (await tempDir('packbot-state-'));
  const masker = createMasker();
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  const logger = createLogger({ level: 'debug', masker, destination: stream, pretty: false });
  const git = createGit({ stateDir, masker, logger, ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}) });
  return { git, stateDir, masker, logs: () => text };
}
