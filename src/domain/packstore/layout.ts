/**
 * Where things live under the packs dir. StackStorm only ever looks at `<packsDir>/<pack>`;
 * everything packbot keeps beside it is a dot-entry so st2's pack discovery skips it.
 *
 *   <packsDir>/<pack>                         symlink → .releases/<pack>/<release>
 *   <packsDir>/.releases/<pack>/<release>/    complete releases, each with .packbot.json
 *   <packsDir>/.releases/<pack>.lock          cross-process lock (src/core/fs/file-lock.ts)
 *
 * Python environments live where StackStorm's python runner looks for them,
 * `<base_path>/virtualenvs/<pack>`: by default `virtualenvs/` beside the packs dir.
 *
 *   <virtualenvsDir>/<pack>                   symlink → <pack>-<hash>
 *   <virtualenvsDir>/<pack>-<hash>/           python environments
 *   <virtualenvsDir>/<pack>.lock              the env lock
 *
 * Temp entries all start with ".tmp-" so recovery can find them by name alone.
 */
import { dirname, join } from 'node:path';

export const RELEASES_DIR = '.releases';
/** Where packbot kept envs before virtualenvs_dir: `<packsDir>/.virtualenvs`, removed pack by pack (see store). */
export const LEGACY_ENVS_DIR = '.virtualenvs';
export const META_FILE = '.packbot.json';

/** A release being written; becomes `<release>` by rename once complete and fsynced. */
export const TMP_BUILD = '.tmp-build-';
/** Something renamed out of the way to be deleted; already invisible, safe to remove any time. */
export const TMP_DELETE = '.tmp-del-';
/** A symlink about to be renamed over `<pack>`. */
export const TMP_LINK = '.tmp-link-';

export function releasesRoot(packsDir: string): string {
  return join(packsDir, RELEASES_DIR);
}

export function packReleasesDir(packsDir: string, pack: string): string {
  return join(packsDir, RELEASES_DIR, pack);
}

export function packLockPath(packsDir: string, pack: string): string {
  return join(packsDir, RELEASES_DIR, `${pack}.lock`);
}

/** Relative, so the packs dir can be moved or bind-mounted elsewhere (e.g. into st2 containers). */
export function linkTarget(pack: string, release: string): string {
  return `${RELEASES_DIR}/${pack}/${release}`;
}

/** StackStorm's layout: /opt/stackstorm/packs beside /opt/stackstorm/virtualenvs. */
export function defaultVirtualenvsDir(packsDir: string): string {
  return join(dirname(packsDir), 'virtualenvs');
}

export function legacyEnvsRoot(packsDir: string): string {
  return join(packsDir, LEGACY_ENVS_DIR);
}

export function envLockPath(envsDir: string, pack: string): string {
  return join(envsDir, `${pack}.lock`);
}

/** `<pack>-<12 hex>`: pack names have no '-', so the pattern cannot match another pack's envs. */
export function isEnvDirOf(pack: string, name: string): boolean {
  return name.length === pack.length + 13 && name.startsWith(`${pack}-`) && /^[0-9a-f]{12}$/.test(name.slice(-12));
}
