/** Which configured repositories a push is about: the same repository identity, however either side spells the URL. */
import type { PackbotConfig, RepositoryConfig } from '../../domain/config/index.js';
import { repoIdentity } from '../../core/net/urls.js';

export interface MatchedRepository {
  name: string;
  config: RepositoryConfig;
}

/** Configured repositories with auto_deployment whose URL is one of `urls`. */
export function repositoriesFor(config: PackbotConfig, urls: readonly string[]): MatchedRepository[] {
  const wanted = new Set(urls.map(repoIdentity).filter((u): u is string => u !== null));
  return Object.entries(config.repositories)
    .filter(([, repo]) => {
      const own = repoIdentity(repo.repo);
      return own !== null && wanted.has(own);
    })
    .map(([name, repo]) => ({ name, config: repo }));
}
