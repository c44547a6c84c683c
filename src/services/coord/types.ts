import type { Reply } from '../../interfaces/chat/reply.js';
import type { MessageRef } from '../../interfaces/chat/types.js';
import type { DeployRequest } from '../deploy/types.js';
import type { LockRecord } from './locks.js';

/** Where a background message goes: a channel (and thread) on a platform, mentioning `user`. */
export interface ChatTarget {
  platform: string;
  channel: string;
  thread?: string;
  /** The platform user id to mention, when the reply asks for a mention. */
  user?: string;
}

/** Sends from outside a command (a queued turn, a timer) through the right adapter. */
export interface Notifier {
  send(target: ChatTarget, reply: Reply): Promise<MessageRef | null>;
  update(ref: MessageRef, target: ChatTarget, reply: Reply): Promise<void>;
}

export type ConfirmPolicy = 'always' | 'when_queued' | 'never';

/** What a queue entry carries, so any process can run its turn later. */
export interface DeployPayload {
  request: DeployRequest & { id: string };
  repo: string;
  branch: string;
  defaultBranch: string;
  target: ChatTarget;
  policy: ConfirmPolicy;
  /** Set when packbot itself puts a pack back on the default branch because this lock expired. */
  revert?: LockRecord;
}

/** Who packbot deploys as when it reverts an expired lock. */
export const SYSTEM_IDENTITY = 'packbot:auto-revert';

/** `slack:U123` → the target's platform and user parts. */
export function splitIdentity(identity: string): { platform: string; user: string } {
  const i = identity.indexOf(':');
  return i < 0 ? { platform: '', user: identity } : { platform: identity.slice(0, i), user: identity.slice(i + 1) };
}

/**
 * Whether an identity is a chat user. Deploys requested by a push (`github:alice`) are not:
 * nobody can answer for their requester, so anyone allowed to deploy the repository may confirm them.
 */
export function isChatIdentity(identity: string): boolean {
  return ['console', 'slack', 'discord'].includes(splitIdentity(identity).platform);
}

/** How a person is named in messages about them (not a mention: no ping). */
export function displayName(identity: string): string {
  if (identity === SYSTEM_IDENTITY) return 'packbot';
  const { platform, user } = splitIdentity(identity);
  // A pusher is a name at a git host, not a chat user: "@alice" would read as a mention.
  return isChatIdentity(identity) || platform === '' ? `@${user}` : `${user} (${platform})`;
}
