import { once } from 'node:events';
import {
  Client, Events, GatewayIntentBits, MessageFlags, Partials, Routes,
  type APIMessage, type ButtonInteraction, type ClientOptions, type Interaction, type Message,
  type RESTPatchAPIChannelMessageJSONBody, type RESTPostAPIChannelMessageJSONBody,
} from 'discord.js';
import type { ActionHandler, ActionOutcome, AdapterLimits, ChatAdapter, IncomingMessage, MessageRef, OutgoingMessage } from '../../src/interfaces/chat/types.js';
import type { Logger } from '../../src/core/logging/logger.js';
import type { PersonHow } from '../../src/core/identity.js';
import { peopleFor } from '../../src/interfaces/chat/people.js';
import { PackbotError } from '../../src/core/errors.js';
import { buttonRows } from './components.js';
import { cardEmbed, LIMITS, messageContent, renderUserRefs, truncate } from './embeds.js';
import { PLATFORM, toIncomingAction, toIncomingMessage } from './incoming.js';
import { routeClientLogs } from './logging.js';
import { DiscordPeople } from './people.js';
import { ambiguous, pinChannels, refsOf, resolveChannel, type GuildChannel } from './channels.js';

export interface DiscordAdapterOptions {
  token: string;
  /** When set, checked against the application the token belongs to (a mismatch is logged). */
  applicationId?: string;
  logger?: Logger;
  /** REST client options; tests point `api` at a fake Discord on 127.0.0.1. */
  rest?: ClientOptions['rest'];
  /** packbot's clock (ms), for the display-name cache's TTL. */
  now?: () => number;
  /** How long a person's display name is trusted; default 15 minutes. */
  peopleTtlMs?: number;
  /** The channels packbot.yaml names (configuredChannels): resolved to ids at start, the ambiguous refused. */
  channels?: readonly string[];
}

/** The one login failure whose fix is not obvious from discord.js's message. */
function explainLoginError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  // Both are the operator's to fix (platform_refused: the CLI exits EX_CONFIG, not worth a restart loop).
  if (/disallowed intents/i.test(err.message)) {
    return new PackbotError('platform_refused', 'Discord refused the Message Content intent: switch it on in the Developer Portal (Bot → Privileged Gateway Intents)', { cause: err });
  }
  if ((err as { code?: unknown }).code === 'TokenInvalid' || /invalid token|authentication failed/i.test(err.message)) {
    return new PackbotError('platform_refused', 'Discord refused adapters.discord.token (authentication failed): set a valid bot token in packbot.yaml or its ${VAR}, then start again.', { cause: err });
  }
  return err;
}

/** `<@` + a snowflake (at most 20 digits) + `> `: what a mention adds in front of a message. */
const MENTION_ROOM = 24;

/**
 * Discord through discord.js: the gateway brings messages and button clicks, REST sends and
 * edits. Sends and edits go through the client's REST directly with plain API bodies,
 * so they need no channel cache (a DM channel is rarely cached) and the bodies are exactly
 * what embeds.ts fitted to Discord's limits.
 */
export class DiscordAdapter implements ChatAdapter {
  readonly platform = PLATFORM;
  /** Room is left for a mention, which the adapter puts in front of the first part. */
  readonly limits: AdapterLimits = { maxMessageLength: LIMITS.content - MENTION_ROOM, maxMessagesPerReply: 8 };
  private client: Client | null = null;
  private botId: string | null = null;
  private readonly log: Logger | undefined;
  private readonly people: DiscordPeople;
  /** Configured channel entries → the channel id each named at start. */
  private pinned = new Map<string, string>();

  constructor(private readonly opts: DiscordAdapterOptions) {
    this.log = opts.logger?.child({ platform: PLATFORM });
    this.people = new DiscordPeople({
      client: () => this.client,
      guildOf: (channel) => this.guildOf(channel),
      ...(this.log ? { logger: this.log } : {}),
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.peopleTtlMs !== undefined ? { ttlMs: opts.peopleTtlMs } : {}),
    });
  }

  /** The gateway session is up (discord.js reconnects on its own; /readyz shows the gap). */
  connected(): boolean {
    return this.client?.isReady() ?? false;
  }

  /** `<@id>` is a plain mention; `<@!id>` the older nickname form some clients still send. */
  mentionTokens(): string[] {
    return this.botId ? [`<@${this.botId}>`, `<@!${this.botId}>`] : [];
  }

  async start(onMessage: (msg: IncomingMessage) => Promise<void>, onAction?: ActionHandler): Promise<void> {
    const client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.DirectMessages],
      // DM channels are never announced by the gateway; without this their messages are dropped.
      partials: [Partials.Channel],
      // Nothing the bot says pings anyone unless a message names them (see body()).
      allowedMentions: { parse: [] },
      ...(this.opts.rest ? { rest: this.opts.rest } : {}),
    });
    if (this.log) routeClientLogs(client, this.log);
    client.on(Events.MessageCreate, (message) => this.handleMessage(message, onMessage));
    client.on(Events.InteractionCreate, (interaction) => void this.handleInteraction(interaction, onAction));
    this.client = client;
    // Subscribed before login: the event may fire as login resolves.
    const ready = once(client, Events.ClientReady);
    try {
      await client.login(this.opts.token);
      await ready;
    } catch (err) {
      this.client = null;
      await client.destroy();
      throw explainLoginError(err);
    }
    try {
      this.pinChannels(client);
    } catch (err) {
      this.client = null;
      await client.destroy();
      throw err;
    }
    this.botId = client.user?.id ?? null;
    const appId = client.application?.id;
    if (this.opts.applicationId && appId && appId !== this.opts.applicationId) {
      this.log?.warn({ configured: this.opts.applicationId, actual: appId }, 'adapters.discord.application_id is not the application of this token');
    }
    this.log?.info({ bot: this.botId, guilds: client.guilds.cache.size }, 'connected to Discord');
  }

  /** Every configured entry to a channel id, once: a server joined later cannot take a name over. */
  private pinChannels(client: Client): void {
    const { pinned, missing } = pinChannels(this.opts.channels ?? [], guildChannels(client));
    this.pinned = pinned;
    if (missing.length > 0) this.log?.warn({ channels: missing }, 'packbot.yaml names channels no Discord server of the bot has; on Discord they match nothing until a restart');
  }

  private refs = (channelId: string): readonly string[] => refsOf(this.pinned, channelId);

  private handleMessage(message: Message, onMessage: (msg: IncomingMessage) => Promise<void>): void {
    const msg = toIncomingMessage(message, this.refs);
    if (!msg) return;
    // The dispatcher logs its own failures; this only catches what escapes it.
    onMessage(msg).catch((err: unknown) => this.log?.error({ err, message: msg.id }, 'handling a Discord message failed'));
  }

  private async handleInteraction(interaction: Interaction, onAction?: ActionHandler): Promise<void> {
    if (!interaction.isButton()) return;
    const action = toIncomingAction(interaction, this.refs);
    if (!action) return;
    try {
      // Discord voids an interaction not answered within 3 s, and a confirm may take longer
      // (it waits on the store and the queue): acknowledge first, work after.
      await interaction.deferUpdate();
      const outcome: ActionOutcome = onAction
        ? await onAction(action)
        : { accepted: false, note: 'This packbot does not handle buttons here.' };
      await this.answerClick(interaction, outcome);
    } catch (err) {
      this.log?.error({ err, interaction: interaction.id }, 'handling a Discord button failed');
    }
  }

  /**
   * Accepted: the prompt loses its buttons (nobody clicks twice) and says what happened.
   * Refused: only the clicker hears why; the prompt stays as it was for its owner.
   */
  private async answerClick(interaction: ButtonInteraction, outcome: ActionOutcome): Promise<void> {
    // A note may name people with marks, as replies do: shown here as in a reply.
    const said = await peopleFor(this, interaction.channelId).resolve(outcome.note);
    if (outcome.accepted) {
      const before = interaction.message.content;
      const note = renderUserRefs(said);
      await interaction.editReply({
        content: truncate(before ? `${before}\n${note}` : note, LIMITS.content),
        components: [],
        allowedMentions: { parse: [] },
      });
    } else {
      await interaction.followUp({ content: truncate(renderUserRefs(said), LIMITS.content), flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
    }
  }

  /** `<@id>` (a ping, when the message lists it) or the name the channel's server shows; null when unknown. */
  person(userId: string, how: PersonHow, where: { channel: string }): Promise<string | null> {
    return this.people.show(userId, how, where.channel);
  }

  async send(msg: OutgoingMessage): Promise<MessageRef> {
    const client = this.started();
    const channel = this.channelId(client, msg.channel);
    const body: RESTPostAPIChannelMessageJSONBody = this.body(msg);
    const created = (await client.rest.post(Routes.channelMessages(channel), { body })) as APIMessage;
    return { channel, id: created.id };
  }

  /** Replaces the message whole: an update without a card or buttons removes them. */
  async update(ref: MessageRef, msg: OutgoingMessage): Promise<void> {
    const client = this.started();
    const body: RESTPatchAPIChannelMessageJSONBody = this.body({ ...msg, mentions: [] });
    await client.rest.patch(Routes.channelMessage(ref.channel, ref.id), { body });
  }

  private body(msg: OutgoingMessage): RESTPostAPIChannelMessageJSONBody & RESTPatchAPIChannelMessageJSONBody {
    const mentions = [...new Set(msg.mentions)];
    const content = messageContent(msg.text, mentions);
    // Pinged: people the text mentions on purpose (their turn, their result); nobody else.
    const pinged = [...new Set([...mentions, ...(msg.pinged ?? [])])];
    return {
      // Discord refuses a message with nothing in it; a zero-width space is nothing visible.
      content: content || (msg.card ? '' : '\u200b'),
      embeds: msg.card ? [cardEmbed(msg.card)] : [],
      components: msg.buttons?.length ? buttonRows(msg.buttons) : [],
      // Only the people the message is for get pinged; never @everyone or roles from text.
      allowed_mentions: { parse: [], users: pinged.slice(0, 100) },
    };
  }

  /**
   * Targets are channel ids, except configured ones (`notify_channel: ops`): those were
   * pinned to an id at start; one that was not (another platform's name) is looked up among
   * the bot's servers now, and refused when more than one channel has that name.
   */
  private channelId(client: Client, channel: string): string {
    const pinned = this.pinned.get(channel);
    if (pinned) return pinned;
    const r = resolveChannel(channel, guildChannels(client));
    if (r.kind === 'id') return r.id;
    if (r.kind === 'found') return r.channel.id;
    if (r.kind === 'ambiguous') throw ambiguous(channel, r.matches);
    throw new Error(`packbot sees no Discord channel named ${channel.startsWith('#') || channel.includes('/') ? channel : `#${channel}`}`);
  }

  /** The server a channel belongs to; null for a DM or a channel packbot doesn't see. */
  private guildOf(channel: string): string | null {
    const client = this.client;
    if (!client) return null;
    try {
      const found = client.channels.cache.get(this.channelId(client, channel));
      return found && 'guildId' in found && typeof found.guildId === 'string' ? found.guildId : null;
    } catch {
      return null;
    }
  }

  private started(): Client {
    if (!this.client) throw new Error('the Discord adapter is not started');
    return this.client;
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.destroy();
  }
}

/** The text channels of every server the bot is in, as the gateway announced them. */
function guildChannels(client: Client): GuildChannel[] {
  const found: GuildChannel[] = [];
  for (const guild of client.guilds.cache.values()) {
    for (const c of guild.channels.cache.values()) {
      if (c.isTextBased()) found.push({ id: c.id, name: c.name, guildId: guild.id, guildName: guild.name });
    }
  }
  return found;
}
