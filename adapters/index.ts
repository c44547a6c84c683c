/**
 * The concrete chat adapters, in one place: the entry point (bin/packbot.ts) hands this kit to
 * the composition root, so nothing under src/ imports an adapter.
 */
import type { AdapterKit } from '../src/app/adapter-kit.js';
import type { PackbotConfig } from '../src/domain/config/index.js';
import type { Logger } from '../src/core/logging/logger.js';
import type { ChatAdapter } from '../src/interfaces/chat/types.js';
import { ConsoleAdapter, type ConsoleAdapterOptions } from './console/adapter.js';
import { DiscordAdapter, type DiscordAdapterOptions } from './discord/adapter.js';
import { configuredChannels } from './discord/channels.js';
import { SlackAdapter, type SlackAdapterOptions } from './slack/adapter.js';

export interface AdapterOptions {
  /** Run the console adapter with these streams (`packbot chat`). */
  console?: Omit<ConsoleAdapterOptions, 'botName'>;
  /** Where platform adapters log (discord.js diagnostics); `packbot serve` passes its logger. */
  logger?: Logger;
  /** Discord REST options; wins over adapters.discord.api_url (tests point `api` at a fake Discord). */
  discord?: Pick<DiscordAdapterOptions, 'rest'>;
  /** Slack test seams: a fake Slack's Web API URL (wins over adapters.slack.api_url), how a Retry-After is waited out. */
  slack?: Pick<SlackAdapterOptions, 'apiUrl' | 'sleep' | 'now'>;
}

/**
 * The only place that knows concrete adapters. `packbot chat` asks for the console;
 * `packbot serve` gets every platform configured under `adapters:`.
 */
export function createAdapters(config: PackbotConfig, opts: AdapterOptions): ChatAdapter[] {
  const adapters: ChatAdapter[] = [];
  if (opts.console) adapters.push(new ConsoleAdapter({ ...opts.console, botName: config.bot.name }));
  const slack = config.adapters.slack;
  // `packbot chat` is the terminal alone, as for Discord below.
  if (slack && !opts.console) {
    if (!opts.logger) throw new Error('createAdapters: the Slack adapter needs opts.logger');
    adapters.push(new SlackAdapter({
      botToken: slack.bot_token, mode: slack.mode, logger: opts.logger,
      // Without a slack-group: member anywhere, groups change nothing: no usergroups:read needed.
      lookupGroups: JSON.stringify([config.permissions, Object.values(config.repositories).map((r) => r.allowed_users)]).includes('"slack-group:'),
      ...(slack.app_token ? { appToken: slack.app_token } : {}),
      ...(slack.user_token ? { userToken: slack.user_token } : {}),
      ...(slack.signing_secret ? { signingSecret: slack.signing_secret } : {}),
      ...(slack.api_url ? { apiUrl: slack.api_url } : {}),
      ...opts.slack,
    }));
  }
  // `packbot chat` is the terminal alone: it must not also log in to Discord as the bot.
  const discord = opts.console ? undefined : config.adapters.discord;
  if (discord) {
    adapters.push(new DiscordAdapter({
      token: discord.token,
      // Resolved to ids at start: a name that several servers share is refused there.
      channels: configuredChannels(config),
      // discord.js joins `${api}/v10/...`: a trailing slash would double up.
      ...(discord.api_url ? { rest: { api: discord.api_url.replace(/\/+$/, '') } } : {}),
      ...opts.discord,
      ...(discord.application_id ? { applicationId: discord.application_id } : {}), ...(opts.logger ? { logger: opts.logger } : {}),
    }));
  }
  return adapters;
}

export function consoleAdapterOf(app: { adapters: readonly ChatAdapter[] }): ConsoleAdapter | undefined {
  return app.adapters.find((a): a is ConsoleAdapter => a instanceof ConsoleAdapter);
}

/** What the entry point hands the composition root (src/ never imports adapters/). */
export const adapterKit: AdapterKit = {
  create: createAdapters,
  consoleFinished: (adapters) => consoleAdapterOf({ adapters })?.finished,
};
