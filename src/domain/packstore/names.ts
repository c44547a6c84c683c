/**
 * Names that become path segments. Pack and release names reach the file system from chat
 * (rollback targets, uninstall lists), so they are validated against an allow-list here,
 * before any path is built from them; nothing else in the pack store joins user text.
 */
import { PackbotError } from '../../core/errors.js';

const PACK_NAME = /^[a-z0-9_]+$/;
/** Leading alphanumeric keeps every temp entry (".tmp-…") out of the release namespace. */
const RELEASE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const MAX_NAME = 200;
const STAMP = /-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/;
const COMMIT = /^[0-9a-f]{7,64}$/i;

export function isPackName(name: string): boolean {
  return typeof name === 'string' && name.length <= MAX_NAME && PACK_NAME.test(name);
}

export function assertPackName(name: string): void {
  if (!isPackName(name)) {
    throw new PackbotError(
      'pack_name_invalid',
      `invalid pack name ${JSON.stringify(String(name).slice(0, 80))}: use lowercase letters, digits and _`,
    );
  }
}

export function isCommitSha(commit: string): boolean {
  return typeof commit === 'string' && COMMIT.test(commit);
}

export function isReleaseName(name: string): boolean {
  return (
    typeof name === 'string' && name.length <= MAX_NAME && RELEASE_NAME.test(name) && !name.includes('..')
  );
}

/** `<version>-<shortsha>-<YYYYMMDDTHHMMSSmmmZ>`; the version is only a label, so it is tamed, not rejected. */
export function releaseName(version: string, commit: string, at: Date): string {
  if (!isCommitSha(commit)) {
    throw new PackbotError('release_invalid', `release commit ${JSON.stringify(commit.slice(0, 80))} is not a git sha`);
  }
  const label =
    version
      .replace(/[^A-Za-z0-9._+-]+/g, '_')
      .replace(/\.{2,}/g, '.')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 64) || 'unversioned';
  const name = `${label}-${commit.slice(0, 7).toLowerCase()}-${formatStamp(at)}`;
  if (!isReleaseName(name)) throw new PackbotError('internal', `generated release name ${name} is invalid`);
  return name;
}

export function formatStamp(at: Date): string {
  return at.toISOString().replace(/[-:.]/g, '');
}

/** The instant encoded in a release name, or null for names packbot did not make. */
export function releaseTime(name: string): number | null {
  const m = STAMP.exec(name);
  if (!m) return null;
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  return Number.isNaN(t) ? null : t;
}

/** Newest first: by the stamp in the name, then by name so the order is total. */
export function compareReleasesNewestFirst(a: string, b: string): number {
  const ta = releaseTime(a) ?? -Infinity;
  const tb = releaseTime(b) ?? -Infinity;
  if (ta !== tb) return tb > ta ? 1 : -1;
  return a < b ? 1 : a > b ? -1 : 0;
}
