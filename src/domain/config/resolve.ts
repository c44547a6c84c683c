/**
 * Makes every path in a validated config absolute, relative to the config file's directory
 * (see paths.ts for why), and turns local repository paths into file:// URLs.
 */
import { normalizeGitUrl } from './git-url.js';
import { resolveConfigPath } from './path-values.js';
import type { PackbotConfig } from './schema.js';

export function resolveConfigPaths(config: PackbotConfig, baseDir: string): PackbotConfig {
  const abs = (p: string): string => resolveConfigPath(p, baseDir);
  const repositories: PackbotConfig['repositories'] = {};
  for (const [name, repo] of Object.entries(config.repositories)) {
    repositories[name] = {
      ...repo,
      repo: normalizeGitUrl(repo.repo, baseDir),
      ...(repo.ssh_key_file === undefined ? {} : { ssh_key_file: abs(repo.ssh_key_file) }),
    };
  }
  return {
    ...config,
    state_dir: abs(config.state_dir),
    // The defaults were joined onto the relative state_dir, so resolving them here keeps them under it.
    packs_dir: abs(config.packs_dir),
    configs_dir: abs(config.configs_dir),
    envs: { ...config.envs, virtualenvs_dir: abs(config.envs.virtualenvs_dir) },
    templates: config.templates.dir === undefined ? config.templates : { ...config.templates, dir: abs(config.templates.dir) },
    repositories,
    registry: { ...config.registry, indexes: config.registry.indexes.map((s) => (s.file === undefined ? s : { ...s, file: abs(s.file) })) },
  };
}
