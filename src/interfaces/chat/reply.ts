import type { Button, Card } from './types.js';

/** What a command returns: a template name and its view model, never raw text. */
export interface Reply {
  template: string;
  data?: Record<string, unknown>;
  /** Mention the requester at the start of the message. */
  mention?: boolean;
  /** Shown after the truncation notice when the reply is too long. */
  moreHint?: string;
  /** Status line and fields for platforms with rich messages (masked like the text). */
  card?: Card;
  /** Buttons (a confirmation prompt's Confirm and Cancel). */
  buttons?: Button[];
  /** At most this many messages, fewer than the platform allows (a thread's one reply); the rest is cut with moreHint. */
  maxMessages?: number;
}

export function reply(template: string, data: Record<string, unknown> = {}, extra: Omit<Reply, 'template' | 'data'> = {}): Reply {
  return { template, data, ...extra };
}
