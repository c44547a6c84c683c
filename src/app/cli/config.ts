import type { Command } from 'commander';

// The config schema (zod) is imported by the commands that use it (a fast `packbot --version`).
const configModule = () => import('../../domain/config/index.js');

/** `packbot config check|schema`. */
export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('validate the configuration or print its JSON Schema');
  config
    .command('check')
    .description('validate packbot.yaml and report every problem at once')
    .action(async () => {
      const [{ loadConfig }, { checkLocalRepositories }] = await Promise.all([configModule(), import('./local-repos.js')]);
      const explicit = program.opts<{ config?: string }>().config;
      const loaded = await loadConfig({ ...(explicit ? { explicit } : {}), env: process.env, cwd: process.cwd() });
      await checkLocalRepositories(loaded.config, loaded.file);
      const repos = Object.keys(loaded.config.repositories);
      process.stdout.write(`${loaded.file}: OK (${repos.length} repositor${repos.length === 1 ? 'y' : 'ies'}${repos.length ? `: ${repos.join(', ')}` : ''})\n`);
    });
  config
    .command('schema')
    .description('print the JSON Schema of packbot.yaml (for editor completion)')
    .action(async () => {
      const { configJsonSchema } = await configModule();
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });
}
