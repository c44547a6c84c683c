/** What every adapter produces: one chat message, platform-neutral. */
export interface IncomingMessage {
  platform: string;
  /** Unique per platform; used to drop duplicate deliveries. */
  id: string;
  user: { id: string; name: string };
  channel: { id: string; name: string };
  thread?: string;
  text: string;
  /** A direct message to the bot: addressed even without prefix or mention. */
  direct?: boolean;
}

/** What the responder hands an adapter after rendering, masking and splitting. */
export interface OutgoingMessage {
  channel: string;
  thread?: string;
  text: string;
  /** User ids mentioned at the start of the message (rendered per platform). */
  mentions: string[];
}

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

export interface ChatAdapter {
  readonly platform: string;
  readonly limits: AdapterLimits;
  /** Strings that address the bot at the start of a message (e.g. `@packbot`, `<@U0BOT>`). */
  mentionTokens(): string[];
  /**
   * Scripted input (a piped console): hand over the next message only once everything the
   * previous one set off that can run has finished, so a script reads like a conversation.
   */
  readonly settles?: boolean;
  start(onMessage: (msg: IncomingMessage) => Promise<void>): Promise<void>;
  send(msg: OutgoingMessage): Promise<MessageRef>;
  update(ref: MessageRef, msg: OutgoingMessage): Promise<void>;
  stop(): Promise<void>;
}
