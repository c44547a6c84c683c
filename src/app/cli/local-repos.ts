/**
 * `config check` on what the schema cannot see: a repository given as a local path that is
 * not there. The usual case is a copy of examples/packbot.yaml, whose demo repository exists
 * only once `packbot chat --demo` (npm start) has seeded it beside the example itself.
 */
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PackbotError } from '../../core/errors.js';
import type { PackbotConfig } from '../../domain/config/index.js';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** Throws config_invalid naming every local repository path that does not exist. */
export async function checkLocalRepositories(config: Pick<PackbotConfig, 'repositories'>, file: string): Promise<void> {
  const problems: string[] = [];
  for (const [name, repo] of Object.entries(config.repositories)) {
    // Local paths were made file:// URLs when the config was loaded (relative to the file).
    if (!repo.repo.startsWith('file://')) continue;
    const path = fileURLToPath(repo.repo);
    if (await exists(path)) continue;
    problems.push(`repositories.${name}.repo: ${path} does not exist; point it at your pack repository `
      + '(the example\'s demo repository is seeded only by `packbot chat --demo`, i.e. npm start)');
  }
  if (problems.length === 0) return;
  const what = problems.length === 1 ? '1 local repository is' : `${problems.length} local repositories are`;
  throw new PackbotError('config_invalid', `${file}: ${what} missing`, { details: problems });
}
