import type { ChatAdapter } from './chat/types.js';
import { createDispatcher, type Dispatcher } from './chat/dispatcher.js';
import { createResponder, type Responder } from './chat/responder.js';
import { createCommandRegistry } from './commands/registry.js';
import type { AliasTable } from './aliases/index.js';
import type { PackbotConfig } from './config/index.js';
import type { Logger } from './logging/logger.js';
import type { Masker } from './masking/masker.js';
import type { Templates } from './templates/environment.js';
import path from 'node:path';
import { ConsoleAdapter, type ConsoleAdapterOptions } from '../adapters/console/adapter.js';
import { createGit } from './git/index.js';
import { createPackStore } from './packstore/index.js';
import { createFileHistory } from './store/history.js';
import { createDeployer, type Deployer } from './deploy/pipeline.js';
import type { Services } from './commands/types.js';

export interface AppDeps {
  logger: Logger;
  masker: Masker;
  aliases: AliasTable;
  templates: Templates;
  adapters: ChatAdapter[];
  now?: () => number;
}

export interface App {
  readonly config: PackbotConfig;
  readonly dispatcher: Dispatcher;
  readonly responder: Responder;
  readonly adapters: readonly ChatAdapter[];
  readonly services: Services;
  readonly deployer: Deployer;
  start(): Promise<void>;
  /** Resolves once every message and background job in flight has finished. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the whole bot from its config and its parts; nothing here lives at module level. */
export function createApp(config: PackbotConfig, deps: AppDeps): App {
  const git = createGit({ stateDir: config.state_dir, masker: deps.masker, logger: deps.logger, timeoutMs: config.timeouts.git });
  const store = createPackStore({ packsDir: config.packs_dir, releasesKept: config.releases_kept });
  const history = createFileHistory(path.join(config.state_dir, 'history.jsonl'), deps.masker);
  const deployer = createDeployer({ config, git, store, history, masker: deps.masker, logger: deps.logger });
  const services: Services = { deployer, store, history };
  const responder = createResponder({
    templates: deps.templates,
    masker: deps.masker,
    globals: { prefix: config.bot.prefix, bot: config.bot.name },
  });
  const dispatcher = createDispatcher({
    config,
    aliases: deps.aliases,
    commands: createCommandRegistry(),
    responder,
    logger: deps.logger,
    services,
    ...(deps.now ? { now: deps.now } : {}),
  });

  return {
    config,
    dispatcher,
    responder,
    adapters: deps.adapters,
    services,
    deployer,
    async start() {
      const removed = await deployer.recover();
      if (removed.length > 0) deps.logger.warn({ removed }, 'cleaned up after an interrupted deploy');
      for (const adapter of deps.adapters) {
        await adapter.start((msg) => dispatcher.handleTracked(msg, adapter));
        deps.logger.info({ platform: adapter.platform }, 'adapter started');
      }
    },
    idle: () => dispatcher.idle(),
    async stop() {
      await dispatcher.idle();
      for (const adapter of deps.adapters) await adapter.stop();
    },
  };
}

export interface AdapterOptions {
  /** Run the console adapter with these streams (`packbot chat`). */
  console?: Omit<ConsoleAdapterOptions, 'botName'>;
}

/**
 * The only place that knows concrete adapters. `packbot chat` asks for the console;
 * `packbot serve` gets every platform configured under `adapters:`.
 */
export function createAdapters(config: PackbotConfig, opts: AdapterOptions): ChatAdapter[] {
  const adapters: ChatAdapter[] = [];
  if (opts.console) adapters.push(new ConsoleAdapter({ ...opts.console, botName: config.bot.name }));
  return adapters;
}

export function consoleAdapterOf(app: App): ConsoleAdapter | undefined {
  return app.adapters.find((a): a is ConsoleAdapter => a instanceof ConsoleAdapter);
}
