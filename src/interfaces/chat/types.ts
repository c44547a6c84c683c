import type { FastifyInstance } from 'fastify';
import type { PersonHow } from '../../core/identity.js';
import type { Actor } from '../../domain/permissions/index.js';
import type { StatusView } from '../../services/coord/status.js';

/** Who did something, where: what a message and a button click have in common. */
export interface ChatEvent {
  platform: string;
  /** Unique per platform (a message id; a click's interaction id), used to drop duplicate deliveries. */
  id: string;
  user: { id: string; name: string };
  /**
   * `refs`, when an adapter sets it: the configured channel entries that name this channel,
   * resolved to ids by the adapter (Discord, where names repeat across servers). A channel
   * list then matches by id or by these, never by `name`.
   */
  channel: { id: string; name: string; refs?: readonly string[] };
  thread?: string;
  /** Platform groups the sender is in (`discord-role:<id>`, `slack-group:<id>`), for permissions. */
  groups?: string[];
}

/** What every adapter produces: one chat message, platform-neutral. */
export interface IncomingMessage extends ChatEvent {
  text: string;
  /** A direct message to the bot: addressed even without prefix or mention. */
  direct?: boolean;
}

/** How a rich message is coloured (Slack attachment colour, Discord embed colour, an emoji). */
export type Tone = 'info' | 'working' | 'success' | 'warning' | 'failure';

/**
 * The structured side of a message, for platforms that show more than text (Block Kit,
 * embeds): a status line and labelled fields. The text stays the whole message, so a
 * platform that ignores the card loses nothing.
 */
export interface Card {
  tone: Tone;
  /** One line: "Deploy 3fa2c1d0 succeeded". */
  title: string;
  fields: Array<{ label: string; value: string }>;
}

/** `unlock` and `extend`: a lock holder's buttons on their status page (entryId: the pack). */
export type ButtonAction = 'confirm' | 'cancel' | 'delete' | 'unlock' | 'extend';

/** A button on a message (confirmation prompts); clicking it arrives as an IncomingAction. */
export interface Button {
  action: ButtonAction;
  /** What it acts on: the queue entry (confirm, cancel); the platform message id (delete). */
  entryId: string;
  label: string;
  style: 'primary' | 'danger';
}

/** What the responder hands an adapter after rendering, masking and splitting. */
export interface OutgoingMessage {
  channel: string;
  thread?: string;
  text: string;
  /** User ids mentioned at the start of the message (rendered per platform). */
  mentions: string[];
  /**
   * User ids the text mentions on purpose (resolved `mention` marks): platforms that ping
   * only the people a message lists (Discord's allowed_mentions) let these through too.
   */
  pinged?: string[];
  card?: Card;
  buttons?: Button[];
}

/** A button click, platform-neutral. */
export interface IncomingAction extends ChatEvent {
  action: ButtonAction;
  entryId: string;
}

/** What became of a click: adapters use it to update the prompt (drop its buttons when accepted). */
export interface ActionOutcome {
  accepted: boolean;
  /** One line for the clicker or the prompt: "Confirmed by @alice", "That is @bob's deployment, not yours". */
  note: string;
}

export type ActionHandler = (action: IncomingAction) => Promise<ActionOutcome>;

/** Opaque handle to a sent message, for adapters that can edit in place. */
export interface MessageRef {
  channel: string;
  id: string;
}

export interface AdapterLimits {
  /** Maximum characters in one message. */
  maxMessageLength: number;
  /** Maximum messages one reply may be split into. */
  maxMessagesPerReply: number;
}

/**
 * A page per person that shows packbot's status (Slack's App Home): the queue, the locks and
 * the last deploys as that person may see them (services/coord/status.ts).
 */
export interface StatusHome {
  /** Set by the app before start: how to read what one person sees. */
  serve(read: (viewer: Actor) => Promise<StatusView>): void;
  /** The queue, a lock or history changed: show it again to whoever looks at it (the adapter debounces). */
  changed(): void;
}

export interface ChatAdapter {
  readonly platform: string;
  /** Present on platforms with a per-person status page. */
  readonly home?: StatusHome;
  readonly limits: AdapterLimits;
  /** Strings that address the bot at the start of a message (e.g. `@packbot`, `<@U0BOT>`). */
  mentionTokens(): string[];
  /**
   * Scripted input (a piped console): hand over the next message only once everything the
   * previous one set off that can run has finished, so a script reads like a conversation.
   */
  readonly settles?: boolean;
  /** `onAction` receives button clicks, on platforms that have buttons. */
  start(onMessage: (msg: IncomingMessage) => Promise<void>, onAction?: ActionHandler): Promise<void>;
  send(msg: OutgoingMessage): Promise<MessageRef>;
  update(ref: MessageRef, msg: OutgoingMessage): Promise<void>;
  stop(): Promise<void>;
  /**
   * Routes this adapter needs on packbot's HTTP server (Slack's HTTP mode). Called after
   * `start`, before the server listens; the server runs only if some adapter has this.
   */
  mount?(server: FastifyInstance): void | Promise<void>;
  /** Whether the platform connection is up now (for /readyz); absent = up once started. */
  connected?(): boolean;
  /**
   * Deletes someone else's message (one holding a pasted credential) by its IncomingMessage id.
   * Present only when the adapter is able to: a bot token can delete only the bot's own messages.
   * Throws a PackbotError with a one-line reason when the platform refuses.
   */
  deleteMessage?(messageId: string): Promise<void>;
  /**
   * How this platform shows one of its users (`userId`, the id of a `<platform>:<id>`
   * identity): `mention` notifies them (`<@U…>`), `name` only names them (a display name).
   * Null when it cannot tell (an unknown user, a failed lookup): the message then shows the
   * identity as displayIdentity would. Lookups are cached by the adapter; `channel` is where
   * the message goes (Discord names people as the server the channel belongs to knows them).
   * Absent: people are shown as displayIdentity would (`@alice`).
   */
  person?(userId: string, how: PersonHow, where: { channel: string }): Promise<string | null>;
}
