/**
 * Which chat messages belong to a deploy: its one message (queued → prompt → progress →
 * summary), its confirmation prompt when that went to the thread, and its line in the
 * repository's notify channel. Kept in the state store, so whichever process runs the next
 * step (another replica, or this one after a restart) edits the same messages instead of
 * posting new ones.
 */
import type { StateStore } from '../../domain/store/state.js';
import type { Target } from '../../core/target.js';
import type { Reply } from '../chat/reply.js';
import type { MessageRef } from '../chat/types.js';

export interface DeployMessages {
  /** The deploy's one message, and where it is. */
  main?: { ref: MessageRef; target: Target };
  /** The prompt, when it is not the main message (it went to the main message's thread). */
  prompt?: MessageRef;
  /** Whether the requester waited (queued or asked to confirm): then the result pings them. */
  waited?: boolean;
  /** The line in the notify channel, and what it says now (lock changes are added to it). */
  notify?: { ref: MessageRef; target: Target; reply: Reply };
}

export interface MessageBook {
  get(id: string): Promise<DeployMessages>;
  /** Merges `patch` into what is known of deploy `id`. */
  put(id: string, patch: DeployMessages): Promise<DeployMessages>;
}

// Long enough for a confirmation, a queue wait and a branch lock's life.
const KEPT_MS = 3 * 24 * 3600_000;
const key = (id: string) => `chat:deploy:${id}`;

export function createMessageBook(state?: Pick<StateStore, 'get' | 'set'>): MessageBook {
  const memory = new Map<string, DeployMessages>();
  async function get(id: string): Promise<DeployMessages> {
    const known = memory.get(id);
    if (known || !state) return known ?? {};
    const raw = await state.get(key(id)).catch(() => null);
    return raw ? (JSON.parse(raw) as DeployMessages) : {};
  }
  return {
    get,
    async put(id, patch) {
      const next = { ...(await get(id)), ...patch };
      memory.set(id, next);
      // Only recent deploys are edited: keep the process's memory bounded.
      if (memory.size > 500) memory.delete(memory.keys().next().value as string);
      await state?.set(key(id), JSON.stringify(next), { ttlMs: KEPT_MS });
      return next;
    },
  };
}
