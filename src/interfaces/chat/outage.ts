/**
 * What a person is told when the state store (Redis) can't be reached: not the connection
 * error (an address and an errno mean nothing to them, and the operator has it in the log),
 * but that it is packbot's side and passing, and what to do.
 */
import { isPackbotError } from '../../core/errors.js';

export const STORE_OUTAGE_MESSAGE = 'The state store is unavailable; try again in a minute.';

export function isStoreOutage(err: unknown): boolean {
  return isPackbotError(err) && err.code === 'store_unavailable';
}

/**
 * What to say for a store outage: the embedded journal's own message is written for people
 * already (why, and to try again); Redis's connection error is for the operator (an address, an
 * errno, "check store.url"), who has it in the log.
 */
export function outageMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : '';
  return /try again/i.test(message) ? message : STORE_OUTAGE_MESSAGE;
}
