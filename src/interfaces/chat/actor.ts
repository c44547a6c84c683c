import type { Actor } from '../../domain/permissions/index.js';
import type { ChatEvent } from './types.js';

/** The asker of a message or a click, as the permission policy sees them. */
export function actorOf(event: ChatEvent): Actor {
  return { identity: `${event.platform}:${event.user.id}`, groups: event.groups ?? [], channel: event.channel };
}
