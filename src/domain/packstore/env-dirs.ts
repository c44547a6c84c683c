/**
 * Python environments on disk, shared by the builder (envs) and the store (uninstall,
 * recovery). A venv cannot be renamed into place (it embeds its absolute path), so
 * completeness is a marker instead: `.complete` is written last and removed first, and a
 * directory without it is garbage whatever else it holds.
 */
import { readFile, rm, rmdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../../core/caught.js';
import { PackbotError } from '../../core/errors.js';
import { discard, fsyncPath, lstatOrNull, readdirOrEmpty, removeSymlink, swapSymlink } from './fsutil.js';
import { isEnvDirOf, TMP_DELETE, TMP_LINK } from './layout.js';
import { isPackName } from './names.js';

export const BUILDING_MARKER = '.building';
export const COMPLETE_MARKER = '.complete';
/** Written into a release by buildEnvironment: which env it was built with, so activating it can restore that env. */
export const ENV_RECORD = '.packbot-env.json';

export async function isComplete(envDir: string): Promise<boolean> {
  const st = await lstatOrNull(join(envDir, COMPLETE_MARKER));
  return st?.isFile() ?? false;
}

export async function markComplete(envDir: string): Promise<void> {
  await rm(join(envDir, BUILDING_MARKER), { force: true });
  const marker = join(envDir, COMPLETE_MARKER);
  await writeFile(marker, `${new Date().toISOString()}\n`);
  await fsyncPath(marker);
  await fsyncPath(envDir);
}

/** A pack's env link as messages name it: they reach chat, where the server's paths don't belong. */
const shownEnv = (pack: string): string => `virtualenvs_dir/${pack}`;

/**
 * `st2 pack install` leaves a real virtualenv at `<virtualenvs>/<pack>`; StackStorm itself
 * deletes and rebuilds it at will, so packbot takes the name over (moved out of view, then
 * removed). Anything else there is not an env and is left alone, with the fix.
 */
async function clearStackStormEnv(link: string, pack: string): Promise<void> {
  const st = await lstatOrNull(link);
  if (!st || st.isSymbolicLink()) return;
  if (!st.isDirectory() || !(await lstatOrNull(join(link, 'bin', 'python')))) {
    throw new PackbotError('env_failed', `${shownEnv(pack)} exists and is not a virtualenv; move it away so packbot can put ${pack}'s env there`);
  }
  await discard(link);
}

/**
 * Point `<envsDir>/<pack>` at a finished env and mark it as the most recently used one
 * (the marker's mtime is what pruning keeps by). False if the env is gone or unfinished.
 */
export async function useEnv(envsDir: string, pack: string, name: string): Promise<boolean> {
  const dir = join(envsDir, name);
  if (!isEnvDirOf(pack, name) || !(await isComplete(dir))) return false;
  await clearStackStormEnv(join(envsDir, pack), pack);
  await swapSymlink(join(envsDir, pack), name, shownEnv(pack));
  const t = new Date();
  await utimes(join(dir, COMPLETE_MARKER), t, t);
  return true;
}

/** The env in use plus the most recently used other finished one: what a rollback may need. */
export async function envsToKeep(envsDir: string, pack: string, current: string): Promise<Set<string>> {
  let previous: { name: string; used: number } | null = null;
  for (const entry of await readdirOrEmpty(envsDir)) {
    if (!isEnvDirOf(pack, entry.name) || entry.name === current) continue;
    const st = await lstatOrNull(join(envsDir, entry.name, COMPLETE_MARKER));
    if (st?.isFile() && (!previous || st.mtimeMs > previous.used)) previous = { name: entry.name, used: st.mtimeMs };
  }
  return new Set(previous ? [current, previous.name] : [current]);
}

export async function writeEnvRecord(packDir: string, record: { python: string }): Promise<void> {
  await writeFile(join(packDir, ENV_RECORD), `${JSON.stringify(record)}\n`, { mode: 0o644 });
}

/** The python env a release was built with, if it recorded a plausible one. */
export async function readEnvRecord(releaseDir: string, pack: string): Promise<string | null> {
  try {
    const parsed = JSON.parse(await readFile(join(releaseDir, ENV_RECORD), 'utf8')) as { python?: unknown };
    return typeof parsed.python === 'string' && isEnvDirOf(pack, parsed.python) ? parsed.python : null;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || err instanceof SyntaxError) return null;
    throw err;
  }
}

/** Unmark first, so a crash mid-delete leaves an incomplete dir (rebuilt), never a broken "complete" one. */
export async function discardEnv(envDir: string): Promise<void> {
  await rm(join(envDir, COMPLETE_MARKER), { force: true });
  await discard(envDir);
}

/** Remove the pack's env dirs except `keep`, and any temp links of its own. Caller holds the env lock. */
export async function pruneEnvs(envsDir: string, pack: string, keep: ReadonlySet<string>): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of await readdirOrEmpty(envsDir)) {
    const path = join(envsDir, entry.name);
    if (isEnvDirOf(pack, entry.name) && !keep.has(entry.name)) {
      await discardEnv(path);
      removed.push(path);
    } else if (entry.name.startsWith(`${TMP_LINK}${pack}-`) && entry.isSymbolicLink()) {
      await rm(path, { force: true });
      removed.push(path);
    }
  }
  return removed;
}

/** Everything a pack has under envsDir; a directory at `<pack>` is StackStorm's, not ours, and stays. Caller holds the env lock. */
export async function removeEnvs(envsDir: string, pack: string): Promise<boolean> {
  const ours = (await lstatOrNull(join(envsDir, pack)))?.isSymbolicLink() ?? false;
  const hadLink = ours && (await removeSymlink(join(envsDir, pack), shownEnv(pack)));
  const removed = await pruneEnvs(envsDir, pack, new Set());
  return hadLink || removed.length > 0;
}

/**
 * One pack's envs in an older packbot's `<packs_dir>/.virtualenvs`, where StackStorm never
 * looked; the directory goes with the last of them. `locked` runs fn holding the pack's env lock there.
 */
export async function dropLegacyEnvs(legacyDir: string, pack: string, locked: (fn: () => Promise<boolean>) => Promise<boolean>): Promise<boolean> {
  if (!(await lstatOrNull(legacyDir))) return false;
  let had: boolean;
  try {
    had = await locked(() => removeEnvs(legacyDir, pack));
  } catch (err) {
    // Another pack's removal took the last entry, and the directory, first.
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
  // rmdir refuses while anything (another pack's envs) is left.
  await rmdir(legacyDir).catch(() => undefined);
  return had;
}

/** Leftovers of a crash for one pack: temp links and incomplete env dirs. Caller holds the env lock. */
export async function recoverEnvs(envsDir: string, pack: string): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of await readdirOrEmpty(envsDir)) {
    const path = join(envsDir, entry.name);
    const incomplete = isEnvDirOf(pack, entry.name) && entry.isDirectory() && !(await isComplete(path));
    const tmpLink = entry.name.startsWith(`${TMP_LINK}${pack}-`) && entry.isSymbolicLink();
    if (incomplete || tmpLink) {
      await rm(path, { recursive: true, force: true });
      removed.push(path);
    }
  }
  return removed;
}

/** Packs that have anything under envsDir, and the already-doomed `.tmp-del-*` entries. */
export async function scanEnvs(envsDir: string): Promise<{ packs: Set<string>; doomed: string[] }> {
  const packs = new Set<string>();
  const doomed: string[] = [];
  for (const entry of await readdirOrEmpty(envsDir)) {
    if (entry.name.startsWith(TMP_DELETE)) {
      doomed.push(join(envsDir, entry.name));
      continue;
    }
    const pack = entry.name.startsWith(TMP_LINK)
      ? entry.name.slice(TMP_LINK.length).replace(/-[0-9a-f]{12}$/, '')
      : entry.name.replace(/(-[0-9a-f]{12}|\.lock)$/, '');
    if (isPackName(pack)) packs.add(pack);
  }
  return { packs, doomed };
}
