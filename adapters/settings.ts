/**
 * Which adapters a config asks for, and each one's options, without constructing any: both
 * ways of building them share it — createAdapters (index.ts: every adapter class loaded up
 * front, for tests and benches) and the entry point's kit (kit.ts: a platform SDK is loaded
 * only when its adapter is configured). Imports only types, so it loads no SDK itself.
 */
import type { PackbotConfig } from '../src/domain/config/index.js';
import type { Logger } from '../src/core/logging/logger.js';
import type { ConsoleAdapterOptions } from './console/adapter.js';
import type { DiscordAdapterOptions } from './discord/adapter.js';
import { configuredChannels } from './discord/channels.js';
import type { SlackAdapterOptions } from './slack/adapter.js';

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

/** The adapters to build, in this order: console, Slack, Discord (each only when asked for). */
export interface AdapterSettings {
  console?: ConsoleAdapterOptions;
  slack?: SlackAdapterOptions;
  discord?: DiscordAdapterOptions;
}

/** `packbot chat` asks for the console; `packbot serve` gets every platform configured under `adapters:`. */
export function adapterSettings(config: PackbotConfig, opts: AdapterOptions): AdapterSettings {
  const settings: AdapterSettings = {};
  if (opts.console) settings.console = { ...opts.console, botName: config.bot.name };
  const slack = config.adapters.slack;
  // `packbot chat` is the terminal alone, as for Discord below.
  if (slack && !opts.console) {
    if (!opts.logger) throw new Error('createAdapters: the Slack adapter needs opts.logger');
    settings.slack = {
      botToken: slack.bot_token, mode: slack.mode, logger: opts.logger,
      // Without a slack-group: member anywhere, groups change nothing: no usergroups:read needed.
      lookupGroups: JSON.stringify([config.permissions, Object.values(config.repositories).map((r) => r.allowed_users)]).includes('"slack-group:'),
      ...(slack.app_token ? { appToken: slack.app_token } : {}),
      ...(slack.user_token ? { userToken: slack.user_token } : {}),
      ...(slack.signing_secret ? { signingSecret: slack.signing_secret } : {}),
      ...(slack.api_url ? { apiUrl: slack.api_url } : {}),
      ...opts.slack,
    };
  }
  // `packbot chat` is the terminal alone: it must not also log in to Discord as the bot.
  const discord = opts.console ? undefined : config.adapters.discord;
  if (discord) {
    settings.discord = {
      token: discord.token,
      // Resolved to ids at start: a name that several servers share is refused there.
      channels: configuredChannels(config),
      // discord.js joins `${api}/v10/...`: a trailing slash would double up.
      ...(discord.api_url ? { rest: { api: discord.api_url.replace(/\/+$/, '') } } : {}),
      ...opts.discord,
      ...(discord.application_id ? { applicationId: discord.application_id } : {}), ...(opts.logger ? { logger: opts.logger } : {}),
    };
  }
  return settings;
}
