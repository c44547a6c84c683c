/**
 * Which webhook deliveries were already taken, kept in the shared StateStore so every replica
 * agrees. A delivery is known by two keys, each kept for the replay window:
 *
 * - its id (X-GitHub-Delivery, X-Request-UUID, webhook-id, …): the provider's redelivery of a
 *   handled delivery carries the same id and does nothing twice;
 * - the SHA-256 of its raw body, bound to the id it first came with. GitHub's and Bitbucket's
 *   signatures cover the body only, not the id header, so a captured body resent under a new
 *   id still verifies; the body key is what turns it away.
 *
 * Retry versus replay. Each provider's retry of a delivery repeats both its id and its body
 * (GitHub: the id is per event, shared by redeliveries; Bitbucket: attempts of one request
 * are counted by X-Attempt-Number; GitLab: webhook-id / Idempotency-Key). So:
 * - handling failed → `release` drops the id key and keeps the body bound to that id: the
 *   provider's retry (same id, same body) is taken, the body under any other id is not;
 * - handled → both keys stay: a redelivery or a resend under a new id is "already handled".
 * A body first seen under one id is never taken under another within the window, even after a
 * failure: a resend of a failed push from outside the provider is refused, and a person
 * re-runs it from chat instead. The window must outlast the providers' redelivery (GitHub
 * offers 3 days); GitHub bodies past it are refused by their signed `pushed_at` (freshness.ts).
 */
import { createHash } from 'node:crypto';
import type { StateStore } from '../../../domain/store/state.js';
import type { Provider } from '../../../services/autodeploy/push-event.js';

/** new: handle it. duplicate: this id was taken. replay: this body came before under `first`. */
export type Claim = { kind: 'new' } | { kind: 'duplicate' } | { kind: 'replay'; first: string };

export interface DeliveryLedger {
  claim(provider: Provider, delivery: string, rawBody: Buffer): Promise<Claim>;
  /** After a failed handling: the provider's retry (same id and body) is taken again. */
  release(provider: Provider, delivery: string): Promise<void>;
}

type LedgerStore = Pick<StateStore, 'get' | 'setIfAbsent' | 'delete'>;

/** The key existing deployments already hold, so an upgrade keeps its dedupe. */
const idKey = (provider: Provider, delivery: string) => `webhook:${provider}:${delivery}`;
/** Another prefix: a delivery id is sender-chosen text and must not be able to name a body key. */
const bodyKey = (provider: Provider, rawBody: Buffer) => `webhook-body:${provider}:${createHash('sha256').update(rawBody).digest('hex')}`;

export function createDeliveryLedger(state: LedgerStore, windowMs: number): DeliveryLedger {
  const ttl = { ttlMs: windowMs };
  return {
    async claim(provider, delivery, rawBody) {
      if (!(await state.setIfAbsent(idKey(provider, delivery), '1', ttl))) return { kind: 'duplicate' };
      const key = bodyKey(provider, rawBody);
      // Twice at most: the body key can expire between the failed create and the read.
      for (let attempt = 0; attempt < 2; attempt++) {
        if (await state.setIfAbsent(key, delivery, ttl)) return { kind: 'new' };
        const first = await state.get(key);
        if (first === delivery) return { kind: 'new' };
        if (first !== null) return { kind: 'replay', first };
      }
      return { kind: 'new' };
    },
    async release(provider, delivery) {
      await state.delete(idKey(provider, delivery));
    },
  };
}
