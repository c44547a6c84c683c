/**
 * Which release a user means by what they typed in `pack rollback <pack> <release>`: release
 * ids are long (`<version>-<sha>-<stamp>`), so a version or the start of an id is enough.
 * Pure: the store and the ownership check both resolve through it, so the release the
 * permission check looks at is the one the rollback activates.
 */
import { PackbotError } from '../../core/errors.js';
import type { Release } from './meta.js';
import { isReleaseName } from './names.js';

export type Pick =
  | { kind: 'found'; release: Release }
  | { kind: 'ambiguous'; candidates: Release[] }
  | { kind: 'unknown' };

/**
 * `all` is newest first (as store.releases gives it). An exact id wins; then a version, as
 * its newest release (redeploys of one version are the same code, the newest is the one
 * people mean); then a prefix of exactly one id.
 */
export function pickRelease(all: readonly Release[], wanted: string): Pick {
  // Validated before lookup: a name from chat never matches anything unless it is a plain name.
  if (!isReleaseName(wanted)) return { kind: 'unknown' };
  const exact = all.find((r) => r.release === wanted);
  if (exact) return { kind: 'found', release: exact };
  const ofVersion = all.find((r) => r.meta.version === wanted);
  if (ofVersion) return { kind: 'found', release: ofVersion };
  const prefixed = all.filter((r) => r.release.startsWith(wanted));
  if (prefixed.length === 1) return { kind: 'found', release: prefixed[0]! };
  return prefixed.length > 1 ? { kind: 'ambiguous', candidates: prefixed } : { kind: 'unknown' };
}

/** The one-line refusal of an ambiguous name: every candidate, so the next try can be exact. */
export function ambiguous(pack: string, wanted: string, candidates: readonly Release[]): PackbotError {
  const names = candidates.map((r) => r.release).join(', ');
  return new PackbotError('release_ambiguous', `${pack}: "${wanted}" matches ${candidates.length} releases (${names}); give more of the id`);
}
