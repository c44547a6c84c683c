import { createHash } from 'node:crypto';
import type { PackbotConfig, RepositoryConfig } from '../../domain/config/index.js';
import { checkGitUrl } from '../../domain/config/git-url.js';
import type { GitRemote } from '../../domain/git/index.js';
import { PackbotError } from '../../core/errors.js';
import { checkAllowedUrl } from '../../core/net/url-policy.js';

/** What a deploy needs of a repository's settings besides where it is: its test gate, pack code, strictness. */
export type RepositorySettings = Pick<RepositoryConfig, 'require_tests' | 'tests' | 'pack_code' | 'strict'>;

export interface ResolvedRepository {
  /** The configured name, or a stable name derived from an allowed URL. */
  name: string;
  remote: GitRemote;
  /** Asked for by URL (allow_urls), not by a configured name: shown as that URL, no settings, no credentials. */
  byUrl: boolean;
  /** null = a raw URL: the layout is detected from the tree. */
  subtree: boolean | null;
  defaultBranch: string;
  /** null for a raw URL. */
  settings: RepositorySettings | null;
}

/** A resolved repository as a plan keeps it: JSON, and its remote without credentials. */
export interface PlannedRepository extends Omit<ResolvedRepository, 'remote'> {
  remote: Pick<GitRemote, 'name' | 'url'>;
}

function looksLikeUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^[^\s/@]+@[^\s/:]+:/.test(value);
}

/**
 * `repo` from chat → a repository packbot may fetch. Names come from `repositories:`; raw
 * URLs only with `allow_urls: true` and a matching `url_allowlist` prefix.
 */
export function resolveRepository(config: PackbotConfig, repo: string): ResolvedRepository {
  const configured = config.repositories[repo];
  if (configured) {
    const remote: GitRemote = { name: repo, url: configured.repo, ...credentials(configured) };
    return { name: repo, remote, byUrl: false, subtree: configured.subtree, defaultBranch: configured.branch, settings: settingsOf(configured) };
  }
  const names = Object.keys(config.repositories).sort();
  if (!looksLikeUrl(repo)) {
    const known = names.length > 0 ? `configured: ${names.join(', ')}` : 'none are configured';
    throw new PackbotError('repo_unknown', `Unknown repository "${repo}" (${known}). Add it under repositories: in packbot.yaml.`);
  }
  if (!config.allow_urls) {
    throw new PackbotError('repo_unknown', 'Deploying from a URL is turned off; add the repository under repositories: in packbot.yaml (or set allow_urls: true with a url_allowlist).');
  }
  const check = checkGitUrl(repo);
  // Judged (and fetched) as git will request it: `/../` and `%2e%2e` resolved, prefixes on path segments.
  const allowed = checkAllowedUrl(repo, config.url_allowlist);
  if (!check.ok || !allowed.ok || allowed.url.protocol !== 'https:') {
    throw new PackbotError('repo_unknown', `That URL is not allowed: only https URLs under url_allowlist (${config.url_allowlist.join(', ') || 'empty'}) can be deployed.`);
  }
  const url = allowed.url.href;
  const name = `url-${createHash('sha256').update(url).digest('hex').slice(0, 12)}`;
  return { name, remote: { name, url }, byUrl: true, subtree: null, defaultBranch: 'master', settings: null };
}

function credentials(configured: RepositoryConfig): Omit<GitRemote, 'name' | 'url'> {
  return {
    ...(configured.token ? { token: configured.token } : {}),
    ...(configured.username ? { username: configured.username } : {}),
    ...(configured.ssh_key_file ? { sshKeyFile: configured.ssh_key_file } : {}),
  };
}

/** Only the keys that are set: a plan holds no `undefined`. */
function settingsOf(configured: RepositoryConfig): RepositorySettings {
  return {
    ...(configured.require_tests !== undefined ? { require_tests: configured.require_tests } : {}),
    ...(configured.tests !== undefined ? { tests: configured.tests } : {}),
    ...(configured.pack_code !== undefined ? { pack_code: configured.pack_code } : {}),
    ...(configured.strict !== undefined ? { strict: configured.strict } : {}),
  };
}

/** For a plan: the same repository with its credentials left out (the store would mask them anyway). */
export function plannedRepository(repo: ResolvedRepository): PlannedRepository {
  return { ...repo, remote: { name: repo.remote.name, url: repo.remote.url } };
}

/** How people name it: the configured name, or the URL it was asked by. */
export function askedAs(repo: Pick<ResolvedRepository, 'name' | 'byUrl' | 'remote'>): string {
  return repo.byUrl ? repo.remote.url : repo.name;
}

/**
 * A planned repository's remote with its credentials, when a deploy runs. A plan may wait in
 * the queue across a restart: if the config no longer has its repository at that URL (or no
 * longer allows that URL), it is refused rather than fetched, and a token is only ever sent
 * to the URL it was configured for.
 */
export function withCredentials(config: PackbotConfig, repo: PlannedRepository): ResolvedRepository {
  if (repo.byUrl) {
    const allowed = checkAllowedUrl(repo.remote.url, config.url_allowlist);
    if (!config.allow_urls || !allowed.ok || allowed.url.protocol !== 'https:' || allowed.url.href !== repo.remote.url) {
      throw new PackbotError('repo_unknown', `That URL is not allowed any more: only https URLs under url_allowlist (${config.url_allowlist.join(', ') || 'empty'}) can be deployed.`);
    }
    return { ...repo, remote: { ...repo.remote } };
  }
  const configured = config.repositories[repo.name];
  if (!configured || configured.repo !== repo.remote.url) {
    throw new PackbotError('repo_unknown', `Repository "${repo.name}" is no longer configured as it was when this deploy was asked for; ask again.`);
  }
  return { ...repo, remote: { ...repo.remote, ...credentials(configured) } };
}

const PACK_DIR = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;

/** `docker,sensu` (or those names as a list) → names; '', `all`, `*` and [] → null (every pack). */
export function parsePackList(packs: string | readonly string[]): string[] | null {
  const trimmed = typeof packs === 'string' ? packs.trim() : packs.join(',');
  if (trimmed === '' || trimmed === '*' || trimmed.toLowerCase() === 'all') return null;
  const names = [...new Set(trimmed.split(',').map((p) => p.trim()).filter((p) => p !== ''))];
  const bad = names.filter((n) => !PACK_DIR.test(n) || n.includes('..'));
  if (bad.length > 0) {
    throw new PackbotError('usage', `Invalid pack name${bad.length > 1 ? 's' : ''} ${bad.map((b) => JSON.stringify(b.slice(0, 60))).join(', ')}: use letters, digits, "_", "-" and ".", separated by commas.`);
  }
  return names;
}
