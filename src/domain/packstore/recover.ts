/**
 * Startup cleanup. Every temp entry the store or the env builder makes starts with
 * ".tmp-", so leftovers are found by name. Entries a live process might still be using
 * (build dirs, temp links, env dirs being built) are only removed under that pack's lock;
 * `.tmp-del-*` entries are already out of view and removed without one.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { recoverEnvs, scanEnvs } from './env-dirs.js';
import { readdirOrEmpty } from './fsutil.js';
import { packReleasesDir, releasesRoot, TMP_DELETE, TMP_LINK } from './layout.js';
import { isPackName } from './names.js';
import { mapBounded } from '../../core/bounded.js';

const TMP = '.tmp-';

export interface RecoverLocks {
  /** Run fn holding the pack's release lock. */
  pack: (pack: string, fn: () => Promise<string[]>) => Promise<string[]>;
  /** Run fn holding the pack's environment lock in envsDir. */
  env: (pack: string, envsDir: string, fn: () => Promise<string[]>) => Promise<string[]>;
}

/** Removes crash leftovers under packsDir and each of envsDirs; returns the absolute paths removed. */
export async function recoverLeftovers(packsDir: string, envsDirs: readonly string[], locks: RecoverLocks): Promise<string[]> {
  const removed: string[] = [];
  const remove = async (path: string) => {
    await rm(path, { recursive: true, force: true });
    removed.push(path);
  };

  const packs = new Set<string>();
  for (const entry of await readdirOrEmpty(releasesRoot(packsDir))) {
    if (entry.name.startsWith(TMP_DELETE)) await remove(join(releasesRoot(packsDir), entry.name));
    else if (entry.isDirectory() && isPackName(entry.name)) packs.add(entry.name);
  }
  for (const entry of await readdirOrEmpty(packsDir)) {
    if (!entry.name.startsWith(TMP_LINK)) continue;
    const pack = entry.name.slice(TMP_LINK.length).replace(/-[0-9a-f]{12}$/, '');
    if (isPackName(pack)) packs.add(pack);
    else await remove(join(packsDir, entry.name));
  }

  // Looked at without the lock first: a lock costs a few file operations and a redeploy of
  // 1,000 packs met 1,000 of them at every start. Only a pack with something left over is
  // locked, and looked at again under the lock (a live deploy may be using what we saw).
  const links = (await readdirOrEmpty(packsDir)).filter((e) => e.name.startsWith(TMP_LINK)).map((e) => e.name);
  const leftOver = async (pack: string) => links.some((n) => n.startsWith(`${TMP_LINK}${pack}-`))
    || (await readdirOrEmpty(packReleasesDir(packsDir, pack))).some((e) => e.name.startsWith(TMP));
  const sorted = [...packs].sort();
  const marks = await mapBounded(sorted, 16, leftOver);
  for (const pack of sorted.filter((_, i) => marks[i])) {
    const found = await locks.pack(pack, async () => {
      const out: string[] = [];
      const dir = packReleasesDir(packsDir, pack);
      for (const entry of await readdirOrEmpty(dir)) {
        if (entry.name.startsWith(TMP)) out.push(join(dir, entry.name));
      }
      for (const entry of await readdirOrEmpty(packsDir)) {
        if (entry.name.startsWith(`${TMP_LINK}${pack}-`) && entry.isSymbolicLink()) out.push(join(packsDir, entry.name));
      }
      for (const path of out) await rm(path, { recursive: true, force: true });
      return out;
    });
    removed.push(...found);
  }

  for (const envsDir of envsDirs) {
    const { packs: envPacks, doomed } = await scanEnvs(envsDir);
    for (const path of doomed) await remove(path);
    for (const pack of [...envPacks].sort()) {
      removed.push(...(await locks.env(pack, envsDir, () => recoverEnvs(envsDir, pack))));
    }
  }
  return removed;
}
