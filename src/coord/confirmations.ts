/**
 * Pending confirmations: when a queued deploy reaches the front, its requester must type a
 * phrase. One pending confirmation per requester and channel, kept in the StateStore with a
 * TTL (so it survives a restart and expires by itself), as hubot's CommandBus does.
 */
import { PackbotError } from '../errors.js';
import type { StateStore } from '../store/state.js';
import { phraseMatches } from './phrases.js';

export interface PendingConfirmation {
  /** The queue entry waiting for it. */
  entryId: string;
  requester: string;
  channel: string;
  phrase: string;
  asked_at: string;
  expires_at: string;
}

export type Answer =
  | { kind: 'confirmed'; pending: PendingConfirmation }
  /** The phrase of someone else's confirmation in this channel: theirs to type. */
  | { kind: 'not_yours'; pending: PendingConfirmation }
  /** `pack confirm <text>` from a requester whose phrase is different. */
  | { kind: 'wrong_phrase'; pending: PendingConfirmation }
  | { kind: 'none' };

// Channel and user ids come from the platform; keep them from forming other keys' prefixes.
const part = (s: string) => encodeURIComponent(s);
const KEY = (channel: string, requester: string) => `confirm:${part(channel)}:${part(requester)}`;

export function createConfirmations(store: StateStore, opts: { now?: () => Date } = {}) {
  const now = opts.now ?? (() => new Date());

  async function inChannel(channel: string): Promise<PendingConfirmation[]> {
    const keys = await store.keys(`confirm:${part(channel)}:`);
    return (await store.getMany(keys)).filter((v): v is string => v !== null).map((v) => JSON.parse(v) as PendingConfirmation);
  }

  return {
    /** Ask `requester` for `phrase`; refused if they already have one pending in this channel. */
    async ask(input: { entryId: string; requester: string; channel: string; phrase: string; timeoutMs: number }): Promise<PendingConfirmation> {
      const at = now();
      const pending: PendingConfirmation = {
        entryId: input.entryId, requester: input.requester, channel: input.channel, phrase: input.phrase,
        asked_at: at.toISOString(), expires_at: new Date(at.getTime() + input.timeoutMs).toISOString(),
      };
      const created = await store.setIfAbsent(KEY(input.channel, input.requester), JSON.stringify(pending), { ttlMs: input.timeoutMs });
      if (!created) throw new PackbotError('usage', 'You already have a deployment waiting for confirmation here; confirm or cancel it first.');
      return pending;
    },

    /**
     * What `text` from `user` in `channel` means. `explicit` is `pack confirm <text>`: only
     * then is a non-matching text from a requester a wrong phrase (plain chatter is not).
     * Confirming removes the pending entry atomically, so a phrase works once.
     */
    async answer(user: string, channel: string, text: string, explicit: boolean): Promise<Answer> {
      const key = KEY(channel, user);
      const raw = await store.get(key);
      if (raw) {
        const mine = JSON.parse(raw) as PendingConfirmation;
        if (phraseMatches(text, mine.phrase)) {
          return (await store.compareAndSet(key, raw, null)) ? { kind: 'confirmed', pending: mine } : { kind: 'none' };
        }
      }
      const theirs = (await inChannel(channel)).find((p) => p.requester !== user && phraseMatches(text, p.phrase));
      if (theirs) return { kind: 'not_yours', pending: theirs };
      if (raw && explicit) return { kind: 'wrong_phrase', pending: JSON.parse(raw) as PendingConfirmation };
      return { kind: 'none' };
    },

    /** Withdraw (cancel, or the timer ran out); returns what was pending. */
    async withdraw(channel: string, requester: string): Promise<PendingConfirmation | null> {
      const key = KEY(channel, requester);
      const raw = await store.get(key);
      if (!raw || !(await store.compareAndSet(key, raw, null))) return null;
      return JSON.parse(raw) as PendingConfirmation;
    },

    pending: (channel: string) => inChannel(channel),
  };
}

export type Confirmations = ReturnType<typeof createConfirmations>;
