import { identityOf, type Identity } from '../../core/identity.js';
import type { Actor } from '../../domain/permissions/index.js';
import type { Target } from '../../core/target.js';
import type { ChatEvent, IncomingMessage } from './types.js';

/** Who sent a message or clicked a button. */
export function identityOfEvent(event: Pick<ChatEvent, 'platform' | 'user'>): Identity {
  return identityOf(event.platform, event.user.id);
}

/** Where replies and background messages about a message go: back where it was said, to who said it. */
export function targetOf(msg: Pick<IncomingMessage, 'platform' | 'channel' | 'thread' | 'user'>): Target {
  return { platform: msg.platform, channel: msg.channel.id, ...(msg.thread ? { thread: msg.thread } : {}), user: msg.user.id };
}

/** The asker of a message or a click, as the permission policy sees them. */
export function actorOf(event: ChatEvent): Actor {
  return { identity: identityOfEvent(event), groups: event.groups ?? [], channel: event.channel };
}
