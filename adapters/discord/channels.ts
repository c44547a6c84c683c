/**
 * Discord channels by id. A channel name is not unique on Discord: every server (guild) the
 * bot is in may have its own `#ops`, and anyone can invite the bot to a server of theirs. So
 * a configured channel (allowed_channels, permissions.channels, notify targets) is one of
 *
 * - an id: `80351110224678912`;
 * - guild-qualified: `<guild id or name>/#ops` (or `/ops`);
 * - a bare name, `#ops`: accepted only when exactly one channel of that name exists across
 *   the bot's servers when it starts, and then pinned to that channel's id.
 *
 * Everything is resolved to ids once, at start (the ambiguous refused there); afterwards an
 * incoming message's channel matches a configured entry by id only, never by its name, so a
 * same-named channel in a server joined later matches nothing.
 */
import { PackbotError } from '../../src/core/errors.js';
import type { PackbotConfig } from '../../src/domain/config/index.js';

/** A text channel in one of the bot's servers. */
export interface GuildChannel {
  id: string;
  name: string;
  guildId: string;
  guildName: string;
}

export type Resolution =
  | { kind: 'found'; channel: GuildChannel }
  | { kind: 'ambiguous'; matches: GuildChannel[] }
  | { kind: 'missing' };

const SNOWFLAKE = /^\d{1,20}$/;

const plain = (name: string) => name.replace(/^#/, '').toLowerCase();

/** `Fake Guild/#ops (80351110224678912)`: how a match is listed in an error. */
export function describeChannel(c: GuildChannel): string {
  return `${c.guildName}/#${c.name} (${c.id})`;
}

/** Which of `channels` an entry names; ids are taken as they are (a DM channel, say). */
export function resolveChannel(entry: string, channels: readonly GuildChannel[]): Resolution | { kind: 'id'; id: string } {
  if (SNOWFLAKE.test(entry)) return { kind: 'id', id: entry };
  // Guild names may hold "/", channel names never do: the last "/" splits them.
  const slash = entry.lastIndexOf('/');
  const guild = slash >= 0 ? entry.slice(0, slash).trim() : null;
  const name = plain(slash >= 0 ? entry.slice(slash + 1).trim() : entry.trim());
  const matches = channels.filter(
    (c) => c.name.toLowerCase() === name && (guild === null || c.guildId === guild || c.guildName.toLowerCase() === guild.toLowerCase()),
  );
  if (matches.length === 1) return { kind: 'found', channel: matches[0]! };
  return matches.length === 0 ? { kind: 'missing' } : { kind: 'ambiguous', matches };
}

export function ambiguous(entry: string, matches: readonly GuildChannel[]): PackbotError {
  return new PackbotError(
    'chat_channel_ambiguous',
    `Discord channel ${JSON.stringify(entry)} names ${matches.length} channels (${matches.map(describeChannel).join(', ')}); write its id, or "<server id>/#name", in packbot.yaml instead.`,
  );
}

/** Every channel packbot.yaml names, for the Discord adapter to resolve at start. */
export function configuredChannels(config: PackbotConfig): string[] {
  const found = new Set<string>(config.permissions.channels ?? []);
  for (const repo of Object.values(config.repositories)) {
    for (const c of repo.allowed_channels ?? []) found.add(c);
    for (const c of [repo.notify_channel, repo.announce_channel, repo.auto_deployment?.notify_channel]) if (c) found.add(c);
  }
  return [...found];
}

/**
 * The configured entries, each pinned to the channel id it resolves to now. Throws the first
 * ambiguity (one line naming every match). An entry naming no channel is returned in
 * `missing`: it may be another platform's (Slack's #ops), and it matches nothing here.
 */
export function pinChannels(entries: readonly string[], channels: readonly GuildChannel[]): { pinned: Map<string, string>; missing: string[] } {
  const pinned = new Map<string, string>();
  const missing: string[] = [];
  for (const entry of entries) {
    const r = resolveChannel(entry, channels);
    if (r.kind === 'ambiguous') throw ambiguous(entry, r.matches);
    if (r.kind === 'missing') missing.push(entry);
    else pinned.set(entry, r.kind === 'id' ? r.id : r.channel.id);
  }
  return { pinned, missing };
}

/** The configured entries that name channel `id`: what a message there may match, beside the id itself. */
export function refsOf(pinned: ReadonlyMap<string, string>, id: string): string[] {
  return [...pinned].filter(([, pinnedId]) => pinnedId === id).map(([entry]) => entry);
}
