/**
 * Which configured repositories a push is about. Providers name a repository several ways
 * (https clone URL, ssh, scp-like, web page) and packbot's config may use any of them, so
 * both sides are reduced to `host/path`: no scheme, user, port or `.git`, lower case.
 */
import type { PackbotConfig, RepositoryConfig } from '../config/index.js';

const SCP_LIKE = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/;

/** `git@GitHub.com:Acme/Packs.git` and `https://github.com/acme/packs/` → `github.com/acme/packs`; null if unreadable. */
export function normaliseRepoUrl(raw: string): string | null {
  const value = raw.trim();
  if (value === '') return null;
  let host: string;
  let path: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return null;
    }
    // Local repositories (tests, single-host setups) are named by their path alone.
    host = url.protocol === 'file:' ? 'file:' : url.hostname;
    path = decodeURIComponent(url.pathname);
  } else {
    const scp = SCP_LIKE.exec(value);
    if (scp) {
      host = scp[1] ?? '';
      path = scp[2] ?? '';
    } else if (value.startsWith('/')) {
      host = 'file:';
      path = value;
    } else {
      return null;
    }
  }
  const cleaned = path.replace(/\/+$/, '').replace(/\.git$/i, '').replace(/^\/+/, '').replace(/\/{2,}/g, '/');
  if (cleaned === '' || host === '') return null;
  return `${host}/${cleaned}`.toLowerCase();
}

export interface MatchedRepository {
  name: string;
  config: RepositoryConfig;
}

/** Configured repositories with auto_deployment whose URL is one of `urls`. */
export function repositoriesFor(config: PackbotConfig, urls: readonly string[]): MatchedRepository[] {
  const wanted = new Set(urls.map(normaliseRepoUrl).filter((u): u is string => u !== null));
  return Object.entries(config.repositories)
    .filter(([, repo]) => {
      const own = normaliseRepoUrl(repo.repo);
      return own !== null && wanted.has(own);
    })
    .map(([name, repo]) => ({ name, config: repo }));
}
