import path from 'node:path';
import type { ChatAdapter } from '../interfaces/chat/types.js';
import { createDispatcher, DEDUPE_TTL_MS, type Dispatcher } from '../interfaces/commands/dispatcher.js';
import { actorOf, identityOfEvent } from '../interfaces/chat/actor.js';
import { createResponder, type Responder } from '../interfaces/chat/responder.js';
import { serverPathScrubber } from '../interfaces/chat/server-paths.js';
import { createActionHandler } from '../interfaces/chat/actions.js';
import { storeOffers } from '../interfaces/chat/delete-offer.js';
import { storeClaims } from '../interfaces/chat/claim.js';
import { PackbotError } from '../core/errors.js';
import { createCommandTable } from '../interfaces/commands/command-table.js';
import { answerReplies } from '../interfaces/commands/coordination.js';
import type { AliasTable } from '../domain/aliases/index.js';
import type { PackbotConfig } from '../domain/config/index.js';
import type { Logger } from '../core/logging/logger.js';
import type { Masker } from '../core/masking/masker.js';
import { configSecrets } from '../domain/config/derived-secrets.js';
import { installedPackSecrets } from '../domain/packstore/pack-secrets.js';
import type { Templates } from '../interfaces/templates/environment.js';
import { createGit } from '../domain/git/index.js';
import { createHttpClient } from '../core/net/http-client.js';
import { createPackStore } from '../domain/packstore/index.js';
import { createStoreHistory } from '../domain/store/history.js';
import { createStateStore, type StateStore } from '../domain/store/index.js';
import { maskedStore } from '../domain/store/masked.js';
import { createJobRunner } from '../domain/jobs/index.js';
import { createDeployer, type Deployer } from '../services/deploy/pipeline.js';
import { createCoordinator } from '../services/coord/coordinator.js';
import { createPermissionGate, mayConfirmFor } from '../domain/permissions/index.js';
import type { Services } from '../interfaces/commands/types.js';
import type { HttpServer } from '../interfaces/server/http.js';
import type { Metrics } from '../interfaces/server/metrics.js';
import { uncountedMetrics } from './uncounted-metrics.js';
import { createYamlPool } from '../core/yaml-safe/index.js';
import { createSandbox, sandboxSettings } from '../domain/sandbox/index.js';
import { defaultServerConfig } from '../domain/config/schema-server.js';
import { autoDeploy } from '../services/autodeploy/autodeploy.js';
import { createNotifier } from '../interfaces/presenter/notifier.js';
import { createCoordPresenter } from '../interfaces/presenter/coord-presenter.js';
import { createStatusHomes } from '../interfaces/presenter/status-home.js';
import { readStatus } from '../services/coord/status.js';
import { createAutoDeployPresenter } from '../interfaces/presenter/autodeploy-presenter.js';
import { createInstaller, type Installer } from '../services/install/installer.js';
import { REGISTRY } from '../services/install/install-plan.js';
import type { DeployPlan, DeployResult } from '../services/deploy/types.js';
import type { ProgressListener } from '../services/deploy/stage-clock.js';
import type { TurnFence } from '../services/deploy/fence.js';
import { outcome } from '../services/deploy/result.js';

export interface AppDeps {
  logger: Logger;
  masker: Masker;
  aliases: AliasTable;
  templates: Templates;
  adapters: ChatAdapter[];
  now?: () => number;
  /** Where the config came from (the CLI's runtime passes it): hidden from pack code. */
  loaded?: { file: string };
}

export interface App {
  readonly config: PackbotConfig;
  readonly dispatcher: Dispatcher;
  readonly responder: Responder;
  readonly adapters: readonly ChatAdapter[];
  readonly services: Services;
  readonly deployer: Deployer;
  readonly state: StateStore;
  readonly metrics: Metrics;
  start(): Promise<void>;
  /** The HTTP server's base URL while it runs (only when an adapter mounts routes on it). */
  httpUrl(): string | undefined;
  /** Resolves once every message and background job in flight has finished. */
  idle(): Promise<void>;
  /**
   * Stops everything and closes the store. With `drain`, deploys that can run now are let
   * finish first (the end of a scripted chat); otherwise only the running ones are awaited.
   */
  stop(opts?: { drain?: boolean }): Promise<void>;
}

/** A deploy, counted: by result and repository (configured names only: URLs are one label), and each stage's time. */
function countedDeploy(config: PackbotConfig, deployer: Deployer, installer: Installer, metrics: Metrics) {
  return async (plan: DeployPlan, onProgress?: ProgressListener, fence?: TurnFence): Promise<DeployResult> => {
    const result = plan.kind === 'install' ? await installer.install(plan, onProgress, fence) : await deployer.deploy(plan, onProgress, fence);
    metrics.deployFinished(outcome(result), config.repositories[result.repo] || result.repo === REGISTRY ? result.repo : 'url');
    for (const [stage, ms] of Object.entries(result.stages)) metrics.stageDuration(stage, ms / 1000);
    return result;
  };
}

/** Builds the whole bot from its config and its parts; nothing here lives at module level. */
export async function createApp(config: PackbotConfig, deps: AppDeps): Promise<App> {
  const { logger, masker } = deps;
  masker.add(...configSecrets(config));
  const storeHealth = (problem: string | null) => (problem ? logger.error({ problem }, 'state store unavailable') : logger.info('state store writable again'));
  const state = maskedStore(await createStateStore(config.store, { stateDir: config.state_dir, onHealth: storeHealth, ...(deps.now ? { now: deps.now } : {}) }), masker);
  const jobs = await createJobRunner(config.store, {
    store: state, prefix: config.store.kind === 'redis' ? config.store.prefix : '', stallMs: config.queue.stall_timeout, logger,
    ...(deps.now ? { now: deps.now } : {}),
  });
  const git = createGit({ stateDir: config.state_dir, masker, logger, timeoutMs: config.timeouts.git });
  const store = createPackStore({ packsDir: config.packs_dir, virtualenvsDir: config.envs.virtualenvs_dir, releasesKept: config.releases_kept });
  const history = createStoreHistory(state, masker);
  // Threads that parse big pack YAML off the event loop, started on first use.
  const yaml = createYamlPool();
  // packbot's own HTTP client (never the global dispatcher a dependency installs); closed on stop.
  const httpClient = createHttpClient();
  const installer = createInstaller({ config, git, store, history, masker, logger, yaml, fetch: httpClient.fetch });
  const deployer = createDeployer({
    config, git, store, history, masker, logger, yaml, fetch: httpClient.fetch,
    // A deployed pack's dependencies that nothing provides come from the registry, when there is one.
    ...(config.registry.indexes.length > 0 ? { fetchDependencies: installer.fetchDependencies, resolveDependencies: installer.resolve } : {}),
  });
  const responder = createResponder({
    templates: deps.templates, masker, globals: { prefix: config.bot.prefix, bot: config.bot.name },
    // A staging directory is never named; the others by the setting that holds them.
    scrub: serverPathScrubber([
      { path: path.join(config.state_dir, 'staging'), shownAs: '' },
      { path: config.configs_dir, shownAs: 'configs' },
      { path: config.packs_dir, shownAs: 'packs_dir' },
      { path: config.envs.virtualenvs_dir, shownAs: 'virtualenvs_dir' },
      { path: config.state_dir, shownAs: 'state_dir' },
    ]),
  });
  // Background messages (a turn, a timer, a push) go out through the adapter of the platform they concern.
  const notifier = createNotifier(deps.adapters, responder);
  // Kept only by an app that serves them (`server:`, or an adapter mounting routes, as start()
  // decides): prom-client is loaded for it alone. Gauges read the coordinator at scrape time.
  const serves = config.server !== undefined || deps.adapters.some((a) => a.mount);
  const metrics: Metrics = !serves ? uncountedMetrics() : (await import('../interfaces/server/metrics.js')).createMetrics({
    queueDepth: async () => {
      const entries = await coordinator.queue.list();
      return { waiting: entries.filter((e) => e.state !== 'running').length, running: entries.filter((e) => e.state === 'running').length };
    },
    locksHeld: async () => (await coordinator.locks.list()).length,
    // Process metrics only where something serves them (they cost an observer per app).
  }, { defaultMetrics: config.server !== undefined });
  // The console prints every edit of a deploy's message and nothing merges them there (Slack's
  // and Discord's outboxes merge edits under their rate limits): its progress edits are spaced.
  const presenter = createCoordPresenter({ config, notifier, logger, state, progressGapMs: (platform) => (platform === 'console' ? 200 : 0) });
  // Per-person status pages (Slack's App Home), refreshed off coordination's events; read once started.
  const homes = createStatusHomes({
    adapters: deps.adapters, masker,
    read: (viewer) => readStatus({ config, queue: coordinator.queue, locks: coordinator.locks, history }, viewer.identity, (repo) => permissions.mayDeploy(viewer, repo)),
  });
  const coordinator = createCoordinator({
    config, store: state, jobs, history, logger, deploy: countedDeploy(config, deployer, installer, metrics),
    events: homes.watch(presenter),
    changes: (result) => deployer.changes(result),
    // Each turn's plan (the prompt, the deploy message) is worked out just before it is shown.
    preview: (plan) => deployer.preview(plan),
    // What a cut-off deploy left active is read from the pack store, not assumed (coord/outcome.ts).
    packStore: store,
    ...(deps.now ? { now: () => new Date(deps.now!()) } : {}),
  });
  const permissions = createPermissionGate({ config, history, logger, aliases: deps.aliases, ...(deps.now ? { now: () => new Date(deps.now!()) } : {}) });
  const services: Services = { deployer, installer, coordinator, store, history, permissions };
  const offers = storeOffers(state);
  // Events claimed in the shared store, marked handled once their work is durable (chat/claim.ts).
  const claims = storeClaims({ store: state, logger, doneTtlMs: DEDUPE_TTL_MS });
  const dispatcher = createDispatcher({
    config,
    aliases: deps.aliases,
    commands: createCommandTable(),
    responder,
    logger,
    services,
    ...(deps.now ? { now: deps.now } : {}),
    claims,
    masker,
    offers,
    onCommand: (alias, outcome) => metrics.commandRun(alias, outcome),
    // A confirmation phrase is typed as a plain message, not addressed to the bot.
    onUnaddressed: async (msg, text) =>
      text.length > 200 ? [] : answerReplies(await coordinator.answer(identityOfEvent(msg), msg.channel.id, text, false, mayConfirmFor(permissions, actorOf(msg)))),
  });
  const onAction = createActionHandler({
    coordinator, permissions, logger, masker, offers,
    claims,
    deleteMessage: async (platform, messageId) => {
      const adapter = deps.adapters.find((a) => a.platform === platform);
      if (!adapter?.deleteMessage) throw new PackbotError('message_delete_failed', `packbot can't delete messages on ${platform}; delete it by hand.`);
      await adapter.deleteMessage(messageId);
    },
  });
  let stopped: Promise<void> | null = null;
  let http: HttpServer | null = null;
  let started = false;
  const pushNotices = createAutoDeployPresenter({ config, notifier, logger });
  const onPush = (event: Parameters<typeof autoDeploy>[1]) => autoDeploy({
    config, git, store, coordinator, events: pushNotices, logger, masker, yaml, platform: deps.adapters[0]?.platform ?? 'console',
    ...(deps.now ? { now: () => new Date(deps.now!()) } : {}),
  }, event);

  return {
    config, dispatcher, responder, adapters: deps.adapters, services, deployer, state, metrics,
    async start() {
      masker.add(...(await installedPackSecrets(config.packs_dir, config.configs_dir)));
      const removed = await deployer.recover();
      if (removed.length > 0) logger.warn({ removed }, 'cleaned up after an interrupted deploy');
      await coordinator.start();
      for (const adapter of deps.adapters) {
        await adapter.start(async (msg) => {
          await dispatcher.handleTracked(msg, adapter);
          // A store outage was answered already: nothing it started needs waiting for.
          if (adapter.settles) await coordinator.settled().catch((err: unknown) => logger.warn({ err }, 'could not wait for what a message started'));
        }, onAction);
        logger.info({ platform: adapter.platform }, 'adapter started');
      }
      started = true;
      // Only when configured or needed: a socket-mode bot without `server:` opens no port at all.
      const mounting = deps.adapters.filter((a) => a.mount);
      if (config.server || mounting.length > 0) {
        const server = config.server ?? defaultServerConfig();
        // fastify is loaded only by an app that serves HTTP (not by `packbot deploy`, `diff`, `chat`).
        const [{ createHttpServer }, { mountAppRoutes }] = await Promise.all([
          import('../interfaces/server/http.js'), import('../interfaces/server/app-server.js'),
        ]);
        http = createHttpServer({ host: server.host, port: server.port, timeouts: server.timeouts, logger });
        for (const adapter of mounting) await adapter.mount?.(http.fastify);
        await mountAppRoutes(http.fastify, {
          state, adapters: deps.adapters, started: () => started, metrics, secrets: server.webhooks, bodyLimit: server.body_limit, replayWindowMs: server.webhook_replay_window,
          onPush, logger, masker, ...(deps.now ? { now: deps.now } : {}),
        });
        await http.listen();
      }
    },
    httpUrl: () => http?.url(),
    // Commands answered, and what their deploys had to say delivered.
    async idle() {
      await dispatcher.idle();
      await presenter.idle();
    },
    stop(opts = {}) {
      stopped ??= (async () => {
        // First stop taking events in; requests in flight are answered.
        await http?.close();
        await dispatcher.idle();
        await coordinator.stop(opts);
        await dispatcher.idle();
        // What coordination handed to chat goes out before the adapters close (the state store holds its message refs).
        await presenter.idle();
        for (const adapter of deps.adapters) await adapter.stop();
        await state.close();
        metrics.close();
        await yaml.close();
        await httpClient.close();
        // Object readers outlive a deploy (the next request reads on): they end with the app.
        await git.closeReaders();
      })();
      return stopped;
    },
  };
}
