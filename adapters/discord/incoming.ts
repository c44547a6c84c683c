/** discord.js structures into packbot's platform-neutral events. */
import type { ButtonInteraction, Message } from 'discord.js';
import type { IncomingAction, IncomingMessage } from '../../src/interfaces/chat/types.js';
import { parseCustomId } from './components.js';

export const PLATFORM = 'discord';

/** A channel's display name: `#name` in a guild, `direct` for a DM (whose channel has no name). */
function channelName(channel: { isDMBased(): boolean } & Partial<{ name: string | null }>): string {
  if (channel.isDMBased()) return 'direct';
  return channel.name ?? 'unknown';
}

/**
 * The sender's server roles as permission groups (`discord-role:<role id>`). A cached member
 * has a role manager; an uncached interaction member is raw API data with a list of ids.
 */
export function memberGroups(member: unknown): string[] {
  if (!member || typeof member !== 'object') return [];
  const roles = (member as { roles?: unknown }).roles;
  let ids: string[] = [];
  if (Array.isArray(roles)) ids = roles.filter((r): r is string => typeof r === 'string');
  else if (roles && typeof roles === 'object' && 'cache' in roles) ids = [...(roles as { cache: Map<string, unknown> }).cache.keys()];
  return ids.map((id) => `discord-role:${id}`);
}

/**
 * The configured channel entries resolved to a channel id (channels.ts): a channel list then
 * matches a Discord channel by these and its id only. The adapter always passes one; without
 * it (a unit test reading a message's shape) the channel carries no refs.
 */
export type ChannelRefs = (channelId: string) => readonly string[];

const withRefs = (refs: ChannelRefs | undefined, id: string) => (refs ? { refs: refs(id) } : {});

/**
 * The message as packbot sees it, or null for messages it must not answer: other bots
 * (including itself, so it never talks to itself), webhooks and system messages (joins, pins).
 */
export function toIncomingMessage(message: Message, refs?: ChannelRefs): IncomingMessage | null {
  if (message.author.bot || message.webhookId || message.system) return null;
  const direct = message.channel.isDMBased();
  return {
    platform: PLATFORM,
    id: message.id,
    // Identity is the user id: usernames change, ids don't (locks and confirmations key on it).
    user: { id: message.author.id, name: message.author.username },
    channel: { id: message.channelId, name: channelName(message.channel), ...withRefs(refs, message.channelId) },
    text: message.content,
    ...(direct ? { direct: true } : {}),
    groups: memberGroups(message.member),
  };
}

/** A click on one of our buttons, or null for components that aren't ours. */
export function toIncomingAction(interaction: ButtonInteraction, refs?: ChannelRefs): IncomingAction | null {
  const parsed = parseCustomId(interaction.customId);
  if (!parsed) return null;
  return {
    platform: PLATFORM,
    id: interaction.id,
    user: { id: interaction.user.id, name: interaction.user.username },
    channel: { id: interaction.channelId, name: interaction.channel ? channelName(interaction.channel) : 'unknown', ...withRefs(refs, interaction.channelId) },
    action: parsed.action,
    entryId: parsed.entryId,
    groups: memberGroups(interaction.member),
  };
}
