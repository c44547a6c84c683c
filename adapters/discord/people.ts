/**
 * How Discord shows a person. `mention`: `<@id>`, which pings them when the message lists
 * them in allowed_mentions (the responder passes resolved mentions as `pinged`). `name`: the
 * name the server shows for them — their nickname there, else their global display name,
 * else their username — fetched through discord.js (a member of the channel's server; a
 * plain user in a DM) and kept for a TTL per server and user. A lookup that fails (unknown
 * user, no answer) leaves the person shown by id, which Discord renders as their name.
 */
import { DiscordAPIError, escapeMarkdown, type Client } from 'discord.js';
import { cleanDisplayName, type PersonHow } from '../../src/core/identity.js';
import type { Logger } from '../../src/core/logging/logger.js';
import { LookupCache } from '../../src/core/lookup-cache.js';

export const PEOPLE_TTL_MS = 15 * 60_000;
const FAILURE_TTL_MS = 60_000;
const MAX_PEOPLE = 2_000;
const LOOKUP_TIMEOUT_MS = 5_000;
const SNOWFLAKE = /^\d{17,20}$/;
/** Discord's "Unknown Member": the user is not (or no longer) in that server. */
const UNKNOWN_MEMBER = 10007;

export interface DiscordPeopleOptions {
  client: () => Client | null;
  /** The server a channel (an id or a configured name) belongs to; null for a DM or an unknown channel. */
  guildOf: (channel: string) => string | null;
  logger?: Logger;
  now?: () => number;
  ttlMs?: number;
}

/** A name as Discord text: one safe line, markdown characters escaped so `__bob__` reads as written. */
function asText(name: string | null | undefined): string | null {
  const clean = cleanDisplayName(name ?? '');
  return clean === '' ? null : escapeMarkdown(clean);
}

export class DiscordPeople {
  private readonly names: LookupCache<string>;

  constructor(private readonly opts: DiscordPeopleOptions) {
    this.names = new LookupCache<string>({
      load: (key) => this.load(key),
      ttlMs: opts.ttlMs ?? PEOPLE_TTL_MS,
      failureTtlMs: FAILURE_TTL_MS,
      maxEntries: MAX_PEOPLE,
      timeoutMs: LOOKUP_TIMEOUT_MS,
      ...(opts.now ? { now: opts.now } : {}),
      onFailure: (key, err) => opts.logger?.debug({ who: key, err }, 'no display name from Discord; showing the user id'),
    });
  }

  async show(userId: string, how: PersonHow, channel: string): Promise<string | null> {
    if (!SNOWFLAKE.test(userId)) return null;
    if (how === 'mention') return `<@${userId}>`;
    return this.names.get(`${this.opts.guildOf(channel) ?? ''}/${userId}`);
  }

  private async load(key: string): Promise<string | null> {
    const [guildId = '', userId = ''] = key.split('/');
    const client = this.opts.client();
    if (!client) return null;
    const guild = guildId ? client.guilds.cache.get(guildId) : undefined;
    if (guild) {
      try {
        // Forced: the member cache is not kept fresh without the privileged members intent.
        return asText((await guild.members.fetch({ user: userId, force: true })).displayName);
      } catch (err) {
        if (!(err instanceof DiscordAPIError && err.code === UNKNOWN_MEMBER)) throw err;
      }
    }
    return asText((await client.users.fetch(userId, { force: true })).displayName);
  }
}
