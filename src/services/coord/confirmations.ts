/**
 * Pending confirmations: when a queued deploy reaches the front, its requester must type a
 * phrase. Each lives in the StateStore under its channel, requester and queue entry, so it
 * survives a restart, several can be pending at once, and the phrase tells them apart.
 *
 * The record outlives its deadline by a grace period: the timeout job that fires at the
 * deadline must still find it to withdraw it (and tell the requester), while answer()
 * already treats it as gone. The grace TTL only cleans up after a process that never ran it.
 */
import type { Identity } from '../../core/identity.js';
import type { StateStore } from '../../domain/store/state.js';
import { phraseMatches } from './phrases.js';

export interface PendingConfirmation {
  /** The queue entry waiting for it. */
  entryId: string;
  requester: Identity;
  channel: string;
  phrase: string;
  /** What it confirms, for people told it is not theirs ("docker,sensu from st2contrib feature-x"). */
  what?: string;
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

const GRACE_MS = 10 * 60_000;
// Channel and user ids come from the platform; keep them from forming other keys' prefixes.
const part = (s: string) => encodeURIComponent(s);
const channelPrefix = (channel: string) => `confirm:${part(channel)}:`;
const KEY = (channel: string, requester: string, entryId: string) => `${channelPrefix(channel)}${part(requester)}:${part(entryId)}`;

export function createConfirmations(store: StateStore, opts: { now?: () => Date } = {}) {
  const now = opts.now ?? (() => new Date());

  /** Live confirmations in a channel, with their raw values for compare-and-set. */
  async function inChannel(channel: string): Promise<Array<{ key: string; raw: string; pending: PendingConfirmation }>> {
    const keys = await store.keys(channelPrefix(channel));
    const values = await store.getMany(keys);
    const at = now().getTime();
    const out: Array<{ key: string; raw: string; pending: PendingConfirmation }> = [];
    keys.forEach((key, i) => {
      const raw = values[i];
      if (!raw) return;
      const pending = JSON.parse(raw) as PendingConfirmation;
      if (Date.parse(pending.expires_at) > at) out.push({ key, raw, pending });
    });
    return out;
  }

  return {
    /** Ask `requester` for `phrase` on behalf of queue entry `entryId`; false if already asked. */
    async ask(input: { entryId: string; requester: string; channel: string; phrase: string; timeoutMs: number; what?: string }): Promise<PendingConfirmation | null> {
      const at = now();
      const pending: PendingConfirmation = {
        entryId: input.entryId, requester: input.requester, channel: input.channel, phrase: input.phrase,
        ...(input.what ? { what: input.what } : {}),
        asked_at: at.toISOString(), expires_at: new Date(at.getTime() + input.timeoutMs).toISOString(),
      };
      const key = KEY(input.channel, input.requester, input.entryId);
      const created = await store.setIfAbsent(key, JSON.stringify(pending), { ttlMs: input.timeoutMs + GRACE_MS });
      return created ? pending : null;
    },

    /**
     * What `text` from `user` in `channel` means. `explicit` is `pack confirm <text>`: only
     * then is a non-matching text from a requester a wrong phrase (plain chatter is not).
     * Confirming removes the pending entry atomically, so a phrase works once.
     */
    async answer(user: string, channel: string, text: string, explicit: boolean, adopt?: (p: PendingConfirmation) => boolean | Promise<boolean>): Promise<Answer> {
      const live = await inChannel(channel);
      // `adopt`: confirmations `user` may answer though not theirs (a push's, for anyone allowed to deploy).
      const mine: typeof live = [];
      for (const p of live) if (p.pending.requester === user || (adopt && (await adopt(p.pending)))) mine.push(p);
      const match = mine.find((p) => phraseMatches(text, p.pending.phrase));
      if (match) {
        return (await store.compareAndSet(match.key, match.raw, null)) ? { kind: 'confirmed', pending: match.pending } : { kind: 'none' };
      }
      const theirs = live.find((p) => !mine.includes(p) && phraseMatches(text, p.pending.phrase));
      if (theirs) return { kind: 'not_yours', pending: theirs.pending };
      const latest = mine.sort((a, b) => b.pending.asked_at.localeCompare(a.pending.asked_at))[0];
      if (latest && explicit) return { kind: 'wrong_phrase', pending: latest.pending };
      return { kind: 'none' };
    },

    /** Withdraw (cancelled, or its time ran out), even past its deadline; null if already gone. */
    async withdraw(channel: string, requester: string, entryId: string): Promise<PendingConfirmation | null> {
      const key = KEY(channel, requester, entryId);
      const raw = await store.get(key);
      if (!raw || !(await store.compareAndSet(key, raw, null))) return null;
      return JSON.parse(raw) as PendingConfirmation;
    },

    /** Live confirmations in a channel, or `requester`'s there, oldest first. */
    async pending(channel: string, requester?: string): Promise<PendingConfirmation[]> {
      return (await inChannel(channel))
        .map((p) => p.pending)
        .filter((p) => requester === undefined || p.requester === requester)
        .sort((a, b) => a.asked_at.localeCompare(b.asked_at));
    },
  };
}

export type Confirmations = ReturnType<typeof createConfirmations>;
