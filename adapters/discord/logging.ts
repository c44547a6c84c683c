/** discord.js's own diagnostics into packbot's logger (which masks every line it writes). */
import { Events, RESTEvents, type Client } from 'discord.js';
import type { Logger } from '../../src/core/logging/logger.js';

/**
 * Lines not worth keeping: heartbeats arrive every ~40 s forever, and "Provided token"
 * prints the first two thirds of the bot token — the masker knows only the whole token, so
 * the line is dropped rather than trusted to it.
 */
const DROPPED = [/heartbeat/i, /provided token/i];

export function routeClientLogs(client: Client, logger: Logger): void {
  client.on(Events.Debug, (message) => {
    if (!DROPPED.some((re) => re.test(message))) logger.debug({ discord: message }, 'discord.js');
  });
  client.on(Events.Warn, (message) => logger.warn({ discord: message }, 'discord.js warning'));
  client.on(Events.Error, (err) => logger.error({ err }, 'discord.js error'));
  client.on(Events.ShardError, (err, shard) => logger.error({ err, shard }, 'discord gateway error'));
  client.on(Events.ShardDisconnect, (event, shard) => logger.warn({ code: event.code, shard }, 'discord gateway disconnected'));
  client.on(Events.ShardReconnecting, (shard) => logger.info({ shard }, 'discord gateway reconnecting'));
  client.rest.on(RESTEvents.RateLimited, (info) =>
    logger.warn({ route: info.route, retryAfterMs: info.retryAfter, global: info.global }, 'discord rate limit hit; requests wait'));
}
