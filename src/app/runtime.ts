import { loadConfig, type LoadedConfig, type PackbotConfig } from '../domain/config/index.js';
import { createMasker, type Masker } from '../core/masking/masker.js';
import { createLogger, type Logger } from '../core/logging/logger.js';
import { loadAliasTable, type AliasTable } from '../domain/aliases/index.js';
import { createTemplates, type Templates } from '../interfaces/templates/environment.js';
import { bundledAliasesDir } from '../core/package-root.js';
import type { Writable } from 'node:stream';

export interface Runtime {
  loaded: LoadedConfig;
  masker: Masker;
  logger: Logger;
  aliases: AliasTable;
  templates: Templates;
}

export interface RuntimeOptions {
  configPath?: string;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Alias files or directories (default: the bundled aliases/). */
  aliasPaths?: string[];
  /** Where the log goes (default: stderr); a function picks it once the config is known (`packbot chat`: under state_dir). */
  logDestination?: Writable | ((config: PackbotConfig) => Writable);
}

/** Everything `createApp` needs that comes from disk: config, aliases, templates, logging. */
export async function loadRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const loaded = await loadConfig({ ...(opts.configPath ? { explicit: opts.configPath } : {}), env: opts.env, cwd: opts.cwd });
  const masker = createMasker(loaded.secrets);
  const logger = createLogger({
    level: loaded.config.log.level,
    masker,
    ...(opts.logDestination ? { destination: typeof opts.logDestination === 'function' ? opts.logDestination(loaded.config) : opts.logDestination } : {}),
  });
  const { table, warnings } = await loadAliasTable(opts.aliasPaths ?? [bundledAliasesDir()]);
  for (const warning of warnings) logger.warn(warning);
  for (const collision of table.collisions()) logger.warn(collision);
  const templates = await createTemplates(loaded.config.templates?.dir ? { dir: loaded.config.templates.dir } : {});
  return { loaded, masker, logger, aliases: table, templates };
}
