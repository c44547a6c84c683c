/**
 * How old a verified delivery is, by a time its signature covers. The ledger remembers bodies
 * for the replay window only; a body captured earlier than that would be new to it again, so a
 * signed timestamp older than the window is refused outright.
 *
 * - GitHub: no signed header carries a time, but a push body does: `repository.pushed_at`
 *   (unix seconds in push events; an ISO date in some other events).
 * - GitLab with a signing token: `webhook-timestamp` is signed and verify.ts allows 5 minutes.
 * - Bitbucket, GitLab's plain token: nothing signed says when. Commit dates are no guide (a
 *   push may move a branch back to an old commit), so the ledger's window is all there is.
 */
import type { Provider } from '../../../services/autodeploy/push-event.js';

/** When the provider says the push happened (ms), or null when the signed body does not say. */
export function signedPushTime(provider: Provider, body: unknown): number | null {
  if (provider !== 'github' || !isObject(body) || !isObject(body['repository'])) return null;
  const pushedAt = body['repository']['pushed_at'];
  if (typeof pushedAt === 'number' && Number.isFinite(pushedAt)) return pushedAt * 1000;
  if (typeof pushedAt === 'string') {
    const ms = Date.parse(pushedAt);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

/** True when the body's signed push time is older than the window (a time in the future is not judged: clocks drift). */
export function olderThan(provider: Provider, body: unknown, windowMs: number, now: number): boolean {
  const at = signedPushTime(provider, body);
  return at !== null && now - at > windowMs;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
