/**
 * The fallback when bubblewrap is missing but packbot runs as root: pack code runs as another
 * account (default nobody). The kernel then keeps it out of packbot's /proc/<pid>/environ
 * and out of every file that account cannot read, so state_dir is made private and the
 * config file must not be world-readable. What the run writes is lent to the account and
 * given back to packbot's user afterwards, so one pack's build cannot touch another's later.
 */
import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { chownTree, lstatOrNull } from './fs.js';
import type { SandboxSettings } from './types.js';

export interface Account {
  name: string;
  uid: number;
  gid: number;
}

/** uid and gid of `name` (through NSS, so LDAP accounts work too); a one-line reason when it fails. */
export async function lookupAccount(name: string): Promise<Account | string> {
  // Loaded here, not at start-up: execa is ~100 modules, ~0.1 s of every CLI command.
  const { execa } = await import('execa');
  const [u, g] = await Promise.all(['-u', '-g'].map((flag) => execa('id', [flag, name], { reject: false, stdin: 'ignore' })));
  const uid = Number(u?.stdout.trim());
  const gid = Number(g?.stdout.trim());
  if (u?.failed || g?.failed || !Number.isInteger(uid) || !Number.isInteger(gid)) return `there is no user ${name} (sandbox.user)`;
  if (uid === 0) return `sandbox.user ${name} is root`;
  return { name, uid, gid };
}

function inside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep);
}

/**
 * state_dir private: 0700, or, when packs_dir or virtualenvs_dir lies inside it (the default),
 * searchable but not listable (0711) with every other entry closed to other users, so the
 * account can reach the pack's directories and nothing beside them. Group bits are kept (st2
 * may share a group).
 */
export async function privateStateDir(settings: Pick<SandboxSettings, 'stateDir' | 'packsDir' | 'virtualenvsDir'>): Promise<void> {
  const { stateDir } = settings;
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const mode = (await stat(stateDir)).mode & 0o770;
  const open = [settings.packsDir, settings.virtualenvsDir ?? ''].filter((dir) => dir !== '' && inside(dir, stateDir));
  if (open.length === 0) {
    await chmod(stateDir, mode);
    return;
  }
  await chmod(stateDir, mode | 0o001);
  const onPath = new Set(open.map((dir) => relative(stateDir, dir).split(sep)[0]));
  for (const name of await readdir(stateDir)) {
    if (onPath.has(name)) continue;
    const st = await lstatOrNull(join(stateDir, name));
    if (st && !st.isSymbolicLink()) await chmod(join(stateDir, name), st.mode & 0o7770);
  }
}

/** Why the account cannot be used safely here, or null: the config file readable by others. */
export async function configProblem(configFile: string | undefined): Promise<string | null> {
  if (!configFile) return null;
  const st = await lstatOrNull(configFile);
  if (st && (st.mode & 0o004) !== 0) {
    return `the config file ${configFile} is readable by every user (sandbox: user runs pack code as another user); chmod o-r it`;
  }
  return null;
}

/** The first directory on the way to `path` that other users cannot search, or null. */
export async function unreachable(path: string): Promise<string | null> {
  const chain: string[] = [];
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) chain.unshift(dir);
  for (const dir of chain) {
    const st = await lstatOrNull(dir);
    if (st && (st.mode & 0o001) === 0) return dir;
  }
  return null;
}

export async function lend(dirs: readonly string[], account: Account): Promise<void> {
  for (const dir of dirs) await chownTree(dir, account.uid, account.gid);
}

/** Back to packbot's own user, whatever the run left there. */
export async function giveBack(dirs: readonly string[]): Promise<void> {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  for (const dir of dirs) await chownTree(dir, uid, gid);
}
