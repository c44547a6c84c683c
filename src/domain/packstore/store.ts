/**
 * The pack store: releases on disk, activated by an atomic symlink swap.
 *
 * The invariant everything here protects: at any instant (including after a SIGKILL or a
 * power cut) `<packsDir>/<pack>` is absent or resolves to a complete release. A release is
 * built under a `.tmp-build-*` name, fsynced, renamed into place, and only then pointed at;
 * nothing is ever modified in place or deleted under a name that could be activated.
 * (Fsynced: one flush of the file system for the releases written together, fs-sync.ts.)
 */
import { chmodSync, type Dirent, lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync } from 'node:fs';
import { readlink, rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { isErrno } from '../../core/caught.js';
import { PackbotError } from '../../core/errors.js';
import { createTreeSyncer, type SyncFs } from './fs-sync.js';
import { dropLegacyEnvs, readEnvRecord, removeEnvs, useEnv } from './env-dirs.js';
import {
  copyFileSafe, copyTree, discard, fsyncPath, lstatOrNull, moveTree, readdirOrEmpty, removeSymlink, swapSymlink,
} from './fsutil.js';
import { defaultVirtualenvsDir, envLockPath, legacyEnvsRoot, linkTarget, packLockPath, packReleasesDir, RELEASES_DIR, TMP_BUILD } from './layout.js';
import { DEFAULT_LOCK, withLock, type LockGuard, type LockOptions } from './release-lock.js';
import { checkMeta, readMeta, storedMeta, writeMetaSync, type Release, type ReleaseMeta, type StoredMeta } from './meta.js';
import { assertPackName, compareReleasesNewestFirst, isPackName, isReleaseName, releaseName, releaseTime } from './names.js';
import { recoverLeftovers } from './recover.js';
import { ambiguous, pickRelease } from './pick-release.js';

export interface PackStoreOptions {
  packsDir: string;
  /** Where the packs' python envs are (envs.virtualenvs_dir); default `virtualenvs/` beside packsDir, StackStorm's layout. */
  virtualenvsDir?: string;
  /** Releases kept per pack after a new one is written (default 5); the active and previous ones always are. */
  releasesKept?: number;
  now?: () => Date;
  /** How long a hung process's lock blocks others (default 10 s); a crashed one's is taken over at once. */
  lockStaleMs?: number;
  /** How releases are flushed to disk before they go live (fs-sync.ts); tests count or fail it. */
  syncFs?: SyncFs;
}

export interface WriteReleaseOptions {
  /**
   * Runs on the release directory before it becomes visible (e.g. buildEnvironment, tests):
   * what it writes is fsynced with the release, and if it throws nothing is activated.
   */
  prepare?: (releaseDir: string) => Promise<void>;
  /**
   * Move sourceDir into the release instead of copying it (fsutil moveTree): for packbot's own
   * staging, which is discarded after: once this is called, the source may be gone.
   */
  move?: boolean;
}

export interface PackStore {
  active(pack: string): Promise<Release | null>;
  /** Active release of every installed pack, sorted by pack. */
  list(): Promise<Release[]>;
  /** Newest first, `active` flagged. */
  releases(pack: string): Promise<Release[]>;
  /**
   * Copy sourceDir into a new release (carrying over the active release's config.yaml if
   * the new one has none), write .packbot.json, run `prepare`, fsync, rename into place,
   * activate, and prune to releasesKept (never the new or the previous release).
   */
  writeRelease(
    pack: string,
    sourceDir: string,
    meta: ReleaseMeta,
    options?: WriteReleaseOptions,
  ): Promise<{ release: Release; previous: Release | null }>;
  /** Make `release` active by atomic symlink swap; unknown or malformed names → release_unknown. */
  activate(pack: string, release: string): Promise<void>;
  /** The release before the active one (or the named one) becomes active; unknown → release_unknown listing the available ones. */
  rollback(pack: string, release?: string): Promise<{ from: Release | null; to: Release }>;
  /** Remove the symlink, then the releases and the pack's environments (an older packbot's too); returns what was active. */
  uninstall(pack: string): Promise<Release | null>;
  /** Remove what a crash left behind; returns the removed paths, relative to packsDir (envs: `virtualenvs_dir/...`). */
  recover(): Promise<string[]>;
}

const CONFIG_FILE = 'config.yaml';
/** A pack's link as messages name it: they reach chat, where the server's paths don't belong. */
const shownLink = (pack: string): string => `packs_dir/${pack}`;

export function createPackStore(opts: PackStoreOptions): PackStore {
  const packsDir = resolve(opts.packsDir);
  const envsDir = resolve(opts.virtualenvsDir ?? defaultVirtualenvsDir(packsDir));
  // An older packbot's envs: unused (StackStorm never looked there), removed with the pack's next release.
  // Unless virtualenvs_dir was set to that very place: then they are the envs.
  const legacyDir = legacyEnvsRoot(packsDir) === envsDir ? null : legacyEnvsRoot(packsDir);
  const kept = opts.releasesKept ?? 5;
  if (!Number.isInteger(kept) || kept < 1) {
    throw new PackbotError('internal', `releasesKept must be a positive integer, not ${kept}`);
  }
  const now = opts.now ?? (() => new Date());
  // Releases written at once share their flush to disk (group commit).
  const syncer = createTreeSyncer(opts.syncFs);
  const lockOpts: LockOptions = { ...DEFAULT_LOCK, staleMs: opts.lockStaleMs ?? DEFAULT_LOCK.staleMs };

  const locked = <T>(pack: string, fn: (guard: LockGuard) => Promise<T>): Promise<T> =>
    withLock(packLockPath(packsDir, pack), `pack ${pack}`, lockOpts, fn);
  // Always taken after the pack lock when both are held, never before: no lock-order deadlock with buildEnvironment.
  const withEnvLock = <T>(pack: string, fn: () => Promise<T>, dir = envsDir): Promise<T> =>
    withLock(envLockPath(dir, pack), `environment of ${pack}`, lockOpts, () => fn());
  const removeLegacyEnvs = (pack: string): Promise<boolean> =>
    legacyDir ? dropLegacyEnvs(legacyDir, pack, (fn) => withEnvLock(pack, fn, legacyDir)) : Promise.resolve(false);

  // A release's metadata is written before the release is renamed into place and never again
  // (a name is never reused), so once read it is kept: listing 1,000 installed packs read
  // 1,000 files, three times for each chat request. Frozen, as it is shared.
  const metas = new Map<string, StoredMeta>();

  async function releaseAt(pack: string, release: string, active: boolean): Promise<Release | null> {
    if (!isReleaseName(release)) return null;
    const dir = join(packReleasesDir(packsDir, pack), release);
    let meta = metas.get(dir) ?? null;
    if (!meta) {
      meta = await readMeta(dir, pack, release);
      if (meta) metas.set(dir, Object.freeze(meta));
    }
    return meta ? { pack, release, dir, meta, active } : null;
  }

  /** The release `<packsDir>/<pack>` points at, or null when absent or not packbot's link. */
  async function activeName(pack: string): Promise<string | null> {
    let target: string;
    try {
      target = await readlink(join(packsDir, pack));
    } catch (err) {
      if (isErrno(err, 'ENOENT', 'EINVAL')) return null;
      throw err;
    }
    const prefix = `${RELEASES_DIR}/${pack}/`;
    const name = target.startsWith(prefix) ? target.slice(prefix.length) : '';
    return isReleaseName(name) ? name : null;
  }

  const namesIn = (entries: readonly Dirent[]): string[] =>
    entries.filter((e) => e.isDirectory() && isReleaseName(e.name)).map((e) => e.name).sort(compareReleasesNewestFirst);
  const releaseNames = async (pack: string): Promise<string[]> => namesIn(await readdirOrEmpty(packReleasesDir(packsDir, pack)));
  /** For writeRelease, whose directory exists (it made it). */
  const releaseNamesSync = (pack: string): string[] => namesIn(readdirSync(packReleasesDir(packsDir, pack), { withFileTypes: true }));

  async function active(pack: string): Promise<Release | null> {
    assertPackName(pack);
    const name = await activeName(pack);
    // A link to a missing or unreadable release is treated as not installed; writing a release repairs it.
    return name ? releaseAt(pack, name, true) : null;
  }

  async function releases(pack: string): Promise<Release[]> {
    assertPackName(pack);
    const current = await activeName(pack);
    const found = await Promise.all((await releaseNames(pack)).map((n) => releaseAt(pack, n, n === current)));
    return found.filter((r): r is Release => r !== null);
  }

  /**
   * Strictly after every existing release (`names`), so names stay unique and sort in the order
   * they were written even if the clock steps back.
   */
  function nextInstant(names: readonly string[]): Date {
    const times = names.map((n) => releaseTime(n) ?? -Infinity);
    return new Date(Math.max(now().getTime(), Math.max(-Infinity, ...times) + 1));
  }

  /** StackStorm keeps a pack's config.yaml across upgrades; so do we, unless the new release ships one. */
  async function carryConfig(from: Release, into: string): Promise<void> {
    if (await lstatOrNull(join(into, CONFIG_FILE))) return;
    const st = await lstatOrNull(join(from.dir, CONFIG_FILE));
    if (st?.isFile()) await copyFileSafe(join(from.dir, CONFIG_FILE), join(into, CONFIG_FILE), from.dir);
  }

  /** Activating a release also brings back the python env it was built with, if that env is still kept. */
  async function syncEnv(release: Release): Promise<void> {
    const name = await readEnvRecord(release.dir, release.pack);
    if (!name) return;
    await withEnvLock(release.pack, () => useEnv(envsDir, release.pack, name));
  }

  /** `names`: the pack's releases newest first, as listed under its lock (default: listed now). */
  async function prune(pack: string, keep: ReadonlySet<string>, listed?: readonly string[]): Promise<void> {
    const names = listed ?? (await releaseNames(pack));
    if (names.length <= kept) return;
    const wanted = new Set([...names.slice(0, kept), ...keep]);
    for (const name of names) {
      if (wanted.has(name)) continue;
      const gone = join(packReleasesDir(packsDir, pack), name);
      metas.delete(gone);
      await discard(gone);
    }
  }

  async function writeRelease(pack: string, sourceDir: string, meta: ReleaseMeta, options: WriteReleaseOptions = {}) {
    assertPackName(pack);
    checkMeta(pack, meta);
    const source = resolve(sourceDir);
    const sourceStat = await lstatOrNull(source);
    if (!sourceStat?.isDirectory()) throw new PackbotError('release_invalid', 'the pack source is not a directory');
    const dir = packReleasesDir(packsDir, pack);

    return locked(pack, async (guard) => {
      // The small steps below are synchronous calls: dozens of packs are written at once, and
      // on the thread pool each would wait behind all the others' steps far longer than it takes.
      // Under the lock: another process's uninstall may have just removed it.
      mkdirSync(dir, { recursive: true });
      const existing = lstatSync(join(packsDir, pack), { throwIfNoEntry: false }) ?? null;
      if (existing && !existing.isSymbolicLink()) {
        const why = `${shownLink(pack)} exists and is not a packbot symlink; move it away before installing ${pack}`;
        throw new PackbotError('release_invalid', why);
      }
      // No link, no active release: one lookup fewer per pack of a cold deploy.
      const previous = existing ? await active(pack) : null;
      const tmp = mkdtempSync(join(dir, TMP_BUILD));
      let name: string;
      let stored: StoredMeta;
      // Listed under the lock, so also what prune starts from (the new release added): nobody else writes here meanwhile.
      let names: string[];
      try {
        await (options.move ? moveTree(source, tmp) : copyTree(source, tmp));
        // mkdtemp makes 0700; st2 may run as another user and must be able to read the pack.
        chmodSync(tmp, (sourceStat.mode & 0o777) | 0o700);
        if (previous) await carryConfig(previous, tmp);
        await options.prepare?.(tmp);
        names = releaseNamesSync(pack);
        const at = nextInstant(names);
        name = releaseName(meta.version, meta.commit, at);
        stored = storedMeta(meta, name, at);
        writeMetaSync(tmp, stored);
        await syncer.syncTree(tmp);
        guard();
        renameSync(tmp, join(dir, name));
      } catch (err) {
        await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
        // prepare may have pointed the env link at the new env; the old release stays, so does its env.
        if (previous) await syncEnv(previous).catch(() => undefined);
        throw err;
      }
      await fsyncPath(dir);
      guard();
      await swapSymlink(join(packsDir, pack), linkTarget(pack, name), shownLink(pack));
      const release: Release = { pack, release: name, dir: join(dir, name), meta: stored, active: true };
      await syncEnv(release);
      await removeLegacyEnvs(pack).catch(() => undefined);
      // The release is live: an old one that cannot be removed now is retried by the next release written.
      await prune(pack, new Set(previous ? [name, previous.release] : [name]), [name, ...names]).catch(() => undefined);
      return { release, previous: previous ? { ...previous, active: false } : null };
    });
  }

  function unknown(pack: string, wanted: string, all: readonly Release[], why = 'has no release'): PackbotError {
    const available = all.map((r) => (r.active ? `${r.release} (active)` : r.release)).join(', ') || 'none';
    return new PackbotError('release_unknown', `${pack} ${why} ${JSON.stringify(wanted.slice(0, 80))}; available: ${available}`);
  }

  async function activate(pack: string, release: string): Promise<void> {
    assertPackName(pack);
    await locked(pack, async (guard) => {
      const target = await releaseAt(pack, release, true);
      if (!target) throw unknown(pack, release, await releases(pack));
      guard();
      await swapSymlink(join(packsDir, pack), linkTarget(pack, target.release), shownLink(pack));
      await syncEnv(target);
    });
  }

  async function rollback(pack: string, release?: string) {
    assertPackName(pack);
    // Checked before locking too: a rollback of a pack that was never installed leaves no trace.
    if (!(await lstatOrNull(packReleasesDir(packsDir, pack)))) throw new PackbotError('pack_not_installed', `${pack} is not installed`);
    return locked(pack, async (guard) => {
      const all = await releases(pack);
      if (all.length === 0) throw new PackbotError('pack_not_installed', `${pack} is not installed`);
      const from = all.find((r) => r.active) ?? null;
      let to: Release | undefined;
      if (release !== undefined) {
        // A listed release only (pickRelease validates the name): chat text never becomes a path.
        const picked = pickRelease(all, release);
        if (picked.kind === 'ambiguous') throw ambiguous(pack, release, picked.candidates);
        if (picked.kind === 'unknown') throw unknown(pack, release, all);
        to = picked.release;
      } else {
        if (!from) {
          const names = all.map((r) => r.release).join(', ');
          throw new PackbotError('pack_not_installed', `${pack} has no active release; name one to activate: ${names}`);
        }
        to = all[all.indexOf(from) + 1];
        if (!to) throw unknown(pack, from.release, all, 'has no release older than');
      }
      if (to.release !== from?.release) {
        guard();
        await swapSymlink(join(packsDir, pack), linkTarget(pack, to.release), shownLink(pack));
        await syncEnv(to);
      }
      return {
        from: from ? { ...from, active: from.release === to.release } : null,
        to: { ...to, active: true },
      };
    });
  }

  async function uninstall(pack: string): Promise<Release | null> {
    assertPackName(pack);
    return locked(pack, async (guard) => {
      const current = await active(pack);
      guard();
      // The link first: from here on st2 no longer sees the pack, whatever happens next.
      const hadLink = await removeSymlink(join(packsDir, pack), shownLink(pack));
      const releasesDir = packReleasesDir(packsDir, pack);
      for (const dir of metas.keys()) if (dir.startsWith(`${releasesDir}/`)) metas.delete(dir);
      const hadReleases = await discard(releasesDir);
      const hadEnvs = [await withEnvLock(pack, () => removeEnvs(envsDir, pack)), await removeLegacyEnvs(pack)].includes(true);
      if (!hadLink && !hadReleases && !hadEnvs) throw new PackbotError('pack_not_installed', `${pack} is not installed`);
      return current ? { ...current, active: false } : null;
    });
  }

  async function recover(): Promise<string[]> {
    const removed = await recoverLeftovers(packsDir, legacyDir ? [envsDir, legacyDir] : [envsDir], {
      pack: (pack, fn) => locked(pack, () => fn()),
      env: (pack, dir, fn) => withEnvLock(pack, fn, dir),
    });
    const shown = (p: string): string => {
      const inPacks = relative(packsDir, p);
      return inPacks.startsWith('..') ? `virtualenvs_dir/${relative(envsDir, p)}` : inPacks;
    };
    return removed.map(shown).sort();
  }

  async function list(): Promise<Release[]> {
    const entries = await readdirOrEmpty(packsDir);
    const packs = entries.filter((e) => e.isSymbolicLink() && isPackName(e.name)).map((e) => e.name).sort();
    const found = await Promise.all(packs.map((p) => active(p)));
    return found.filter((r): r is Release => r !== null);
  }

  return { active, list, releases, writeRelease, activate, rollback, uninstall, recover };
}
