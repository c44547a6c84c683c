import type { Command } from 'commander';
import { configJsonSchema, loadConfig } from '../../domain/config/index.js';
import { checkLocalRepositories } from './local-repos.js';

/** `packbot config check|schema`. */
export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('validate the configuration or print its JSON Schema');
  config
    .command('check')
    .description('validate packbot.yaml and report every problem at once')
    .action(async () => {
      const explicit = program.opts<{ config?: string }>().config;
      const loaded = await loadConfig({ ...(explicit ? { explicit } : {}), env: process.env, cwd: process.cwd() });
      await checkLocalRepositories(loaded.config, loaded.file);
      const repos = Object.keys(loaded.config.repositories);
      process.stdout.write(`${loaded.file}: OK (${repos.length} repositor${repos.length === 1 ? 'y' : 'ies'}${repos.length ? `: ${repos.join(', ')}` : ''})\n`);
    });
  config
    .command('schema')
    .description('print the JSON Schema of packbot.yaml (for editor completion)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });
}
