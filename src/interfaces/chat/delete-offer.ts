/**
 * The offer that comes with a pasted-credential refusal where the adapter can delete users'
 * messages: a "Delete my message" button that only the sender may use. Who sent it is kept
 * in the store (keyed by the message id, never its text) for as long as the offer stands.
 */
import type { Logger } from '../../core/logging/logger.js';
import type { StateStore } from '../../domain/store/state.js';
import type { Reply } from './reply.js';
import type { ActionOutcome, IncomingAction, IncomingMessage } from './types.js';

/** A small key → value memory with expiry (the StateStore in the app). */
export interface Offers {
  /** False when the key is already there. */
  remember(key: string, value: string, ttlMs: number): Promise<boolean>;
  recall(key: string): Promise<string | null>;
  /** True if this call removed it: the one click that gets to act. */
  forget(key: string): Promise<boolean>;
}

/** In the store, not in memory: with a shared Redis, another process may receive the click. */
export function storeOffers(state: Pick<StateStore, 'setIfAbsent' | 'get' | 'delete'>): Offers {
  return {
    remember: (key, value, ttlMs) => state.setIfAbsent(key, value, { ttlMs }),
    recall: (key) => state.get(key),
    forget: (key) => state.delete(key),
  };
}

export const DELETE_OFFER_TTL_MS = 60 * 60_000;

const offerKey = (platform: string, messageId: string) => `pasted:${platform}:${messageId}`;

/**
 * The refusal with the button and the text that mentions it. When the sender cannot be
 * recorded the plain refusal goes out: a button that could only answer "expired" is worse.
 */
export async function withDeleteOffer(refusal: Reply, msg: IncomingMessage, offers: Offers, log: Logger): Promise<Reply> {
  try {
    await offers.remember(offerKey(msg.platform, msg.id), msg.user.id, DELETE_OFFER_TTL_MS);
  } catch (err) {
    log.warn({ err }, 'could not record the offer to delete a message with a credential');
    return refusal;
  }
  return {
    ...refusal,
    data: { ...refusal.data, canDelete: true },
    buttons: [{ action: 'delete', entryId: msg.id, label: 'Delete my message', style: 'danger' }],
  };
}

/**
 * A click on "Delete my message": only the sender's counts, once. A failed deletion puts
 * the offer back (a passing failure can be tried again) and rethrows for the click handler.
 */
export async function answerDeleteClick(
  action: IncomingAction, offers: Offers, deleteMessage: (platform: string, messageId: string) => Promise<void>,
): Promise<ActionOutcome> {
  const key = offerKey(action.platform, action.entryId);
  const sender = await offers.recall(key);
  if (sender === null) return { accepted: false, note: 'That offer has expired or the message is already gone; delete it by hand.' };
  if (sender !== action.user.id) return { accepted: false, note: 'Only the person who sent that message can delete it this way.' };
  if (!(await offers.forget(key))) return { accepted: false, note: 'That offer has expired or the message is already gone; delete it by hand.' };
  try {
    await deleteMessage(action.platform, action.entryId);
  } catch (err) {
    await offers.remember(key, sender, DELETE_OFFER_TTL_MS).catch(() => false);
    throw err;
  }
  return { accepted: true, note: 'Deleted. Rotate the credential anyway: it was sent to Slack.' };
}
