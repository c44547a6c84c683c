/**
 * Which configured repositories hold a pack, on their default branch: for `pack deps`, so a
 * pack that is not installed is shown where it can be deployed from, not as nowhere at all.
 * Only asked about packs the graph found nowhere else; a repository that cannot be read
 * (offline, credentials) is left out rather than failing the graph.
 */
import { preflight } from '../deploy/preflight.js';
import { resolveRepository } from '../deploy/resolve.js';
import type { DeployerDeps } from '../deploy/types.js';

/** Pack ref → names of the configured repositories that have it (config order). */
export async function repositoriesHolding(deps: Pick<DeployerDeps, 'config' | 'git' | 'logger' | 'yaml'>, packs: readonly string[]): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  if (packs.length === 0) return found;
  for (const name of Object.keys(deps.config.repositories)) {
    const repo = resolveRepository(deps.config, name);
    try {
      const { keys } = await preflight(deps.git, repo, repo.defaultBranch, [], deps.yaml);
      for (const pack of packs) if (keys.includes(pack)) found.set(pack, [...(found.get(pack) ?? []), name]);
    } catch (err) {
      deps.logger.debug({ err, repo: name }, 'pack deps: repository not read');
    } finally {
      await deps.git.closeReaders(repo.remote).catch(() => undefined);
    }
  }
  return found;
}
