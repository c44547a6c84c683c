/**
 * Where a pack comes from, as the permission checks see it: a pack belongs to the source of
 * its active release — a configured repository, the registry, or a URL (allow_urls). A
 * release records that in `.packbot.json` (`repo`, and since issue 15 `origin`).
 *
 * Releases written before `origin` existed are read this way: `repo: registry` is the
 * registry unless a repository is also configured under that name; a configured name is
 * that repository; `url-<12 hex>` is a URL deploy. Anything else — a repository since
 * removed from the config, or the ambiguous `registry` — is **unknown**, and a pack of
 * unknown origin may be replaced, rolled back or removed only by an admin: nobody's
 * permission on it can be checked, so nobody but an admin is presumed to have it.
 */
import type { PackbotConfig } from '../config/index.js';

export type Origin =
  | { kind: 'repository'; name: string }
  | { kind: 'registry' }
  | { kind: 'url'; name: string }
  | { kind: 'unknown'; name: string };

/** What a release's metadata says about where it came from. */
export interface OriginFields {
  repo: string;
  origin?: unknown;
}

const REGISTRY = 'registry';
const URL_NAME = /^url-[0-9a-f]{12}$/;

export function originOfRelease(meta: OriginFields, config: Pick<PackbotConfig, 'repositories'>): Origin {
  const configured = Object.hasOwn(config.repositories, meta.repo);
  switch (meta.origin) {
    case 'registry':
      return { kind: 'registry' };
    case 'url':
      return { kind: 'url', name: meta.repo };
    case 'repository':
      return configured ? { kind: 'repository', name: meta.repo } : { kind: 'unknown', name: meta.repo };
    default:
      if (meta.repo === REGISTRY) return configured ? { kind: 'unknown', name: meta.repo } : { kind: 'registry' };
      if (configured) return { kind: 'repository', name: meta.repo };
      if (URL_NAME.test(meta.repo)) return { kind: 'url', name: meta.repo };
      return { kind: 'unknown', name: meta.repo };
  }
}

/** Where a deploy from `repo` (or an install) puts a pack. */
export function originOfDeploy(repo: { name: string; byUrl: boolean }, kind: 'deploy' | 'install' = 'deploy'): Origin {
  if (kind === 'install') return { kind: 'registry' };
  return repo.byUrl ? { kind: 'url', name: repo.name } : { kind: 'repository', name: repo.name };
}

/** One string per origin, for comparing and for what a plan was checked against. */
export function originKey(o: Origin): string {
  return o.kind === 'registry' ? REGISTRY : `${o.kind}:${o.name}`;
}

export function sameOrigin(a: Origin, b: Origin): boolean {
  return originKey(a) === originKey(b);
}

/** How a message names it: `prod`, `the registry`, `a URL (url-…)`, `old (no longer configured)`. */
export function originLabel(o: Origin): string {
  switch (o.kind) {
    case 'repository':
      return o.name;
    case 'registry':
      return 'the registry';
    case 'url':
      return `a URL (${o.name})`;
    case 'unknown':
      return `${o.name} (no longer configured)`;
  }
}

/** The name a denial is recorded under (history's `repo`). */
export function originRecordName(o: Origin): string {
  return o.kind === 'registry' ? REGISTRY : o.name;
}
