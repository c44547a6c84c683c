/**
 * Claims on chat events (messages, button clicks), shared by every replica through the state
 * store, so that each event is handled once and none is lost to a replica that dies while
 * handling it:
 *
 * - `seen:<event>` is a short lease (`lease:<process>`, renewed while the work goes on) until
 *   the event's work is durable (its request queued, its replies sent); then it becomes `done`
 *   for as long as a platform may redeliver. A replica that dies mid-way stops renewing, the
 *   lease lapses, and a redelivery is handled by whoever gets it.
 * - A redelivery that finds someone else's live lease waits for it to end: `done` (ignored) or
 *   lapsed (handled here). Ignoring it at once would lose the event whenever the claimer died
 *   just before the redelivery came.
 * - `event:<event>` holds the id of the request the event starts, chosen by its first claimer:
 *   a claim after a lapsed lease (`retried`) takes the same id, so the dispatcher can tell
 *   whether the dead claimer had already queued it (then it is not queued twice); if not, it
 *   takes a new one (`reissue`), clear of anything half-written under the old.
 *
 * When the store can't be reached, claims fall back to this process's memory: the user is
 * answered (most likely with "the state store is unavailable"), and a duplicate across
 * replicas can do no harm then, since nothing that changes state gets through without it.
 */
import { randomBytes } from 'node:crypto';
import { isPackbotError } from '../../core/errors.js';
import type { Logger } from '../../core/logging/logger.js';
import type { StateStore } from '../../domain/store/state.js';
import { newDeployId } from '../../services/deploy/types.js';
import { Deduper } from './dedupe.js';

export interface EventClaim {
  /** A claimer before this one let its lease lapse (it died or stalled): its request may exist already. */
  readonly retried: boolean;
  /** The id of the request this event starts: the same on every delivery. */
  readonly requestId: string;
  /**
   * A new request id, kept for later deliveries: the one before was never queued, though its
   * claimer may have written part of it before it died (the queue writes the payload first).
   */
  reissue(): Promise<string>;
  /** The event's work is durable: from now on redeliveries are ignored. Never throws. */
  done(): Promise<void>;
}

export interface EventClaims {
  /** The claim on event `key`, or null: handled already (or by a live process now, which answers). */
  claim(key: string): Promise<EventClaim | null>;
}

export interface ClaimOptions {
  store: StateStore;
  logger: Logger;
  /** How long a redelivery is recognised once handled. */
  doneTtlMs: number;
  /** How long a claim lasts without renewal: a dead claimer's events wait this long at most. */
  leaseMs?: number;
  /** Who claims (default: a random id per process). */
  owner?: string;
  /** Bounds memory when claims fall back to this process (store unreachable). */
  fallbackMax?: number;
}

/** A few seconds: short enough that a redelivery after a crash is soon handled, long for one renewal. */
export const CLAIM_LEASE_MS = 5_000;
const DONE = 'done';
// A live holder renews; a waiter looks again after this long (growing), up to a bound that only
// a hung handler reaches.
const FIRST_LOOK_MS = 50;
const LOOK_CAP_MS = 500;
const MAX_WAIT_MS = 10 * 60_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A claim nobody else can see: never a retry. */
function unshared(): EventClaim {
  return { retried: false, requestId: newDeployId(), reissue: async () => newDeployId(), done: async () => undefined };
}

/** In memory only (tests, one process): the first delivery claims, every other is a duplicate. */
export function memoryClaims(ttlMs: number, max: number, now?: () => number): EventClaims {
  const deduper = new Deduper(ttlMs, max, now);
  return {
    async claim(key) {
      return deduper.firstSeen(key) ? unshared() : null;
    },
  };
}

export function storeClaims(opts: ClaimOptions): EventClaims {
  const { store, logger } = opts;
  const leaseMs = opts.leaseMs ?? CLAIM_LEASE_MS;
  const lease = `lease:${opts.owner ?? randomBytes(6).toString('hex')}`;
  const fallback = memoryClaims(opts.doneTtlMs, opts.fallbackMax ?? 50_000);

  /** Held: renewed until done (or lost to a stall). */
  async function held(key: string): Promise<EventClaim> {
    const seen = `seen:${key}`;
    const proposed = newDeployId();
    const fresh = await store.setIfAbsent(`event:${key}`, proposed, { ttlMs: opts.doneTtlMs });
    const requestId = fresh ? proposed : ((await store.get(`event:${key}`)) ?? proposed);
    const renewal = setInterval(() => {
      void store.compareAndSet(seen, lease, lease, { ttlMs: leaseMs }).then(
        (kept) => (kept ? undefined : logger.warn({ event: key }, 'lost the claim on an event (stalled past its lease); another replica may answer it too')),
        () => undefined, // the store is down: the lease lapses, and a redelivery is handled again
      );
    }, Math.max(1, Math.floor(leaseMs / 3)));
    renewal.unref();
    let finished = false;
    return {
      retried: !fresh,
      requestId,
      async reissue() {
        const id = newDeployId();
        await store.set(`event:${key}`, id, { ttlMs: opts.doneTtlMs });
        return id;
      },
      async done() {
        if (finished) return;
        finished = true;
        clearInterval(renewal);
        try {
          await store.compareAndSet(seen, lease, DONE, { ttlMs: opts.doneTtlMs });
        } catch (err) {
          // Handled, but not marked: a redelivery after the lease is treated as a retry.
          logger.warn({ err, event: key }, 'could not mark an event handled');
        }
      },
    };
  }

  async function claim(key: string): Promise<EventClaim | null> {
    const seen = `seen:${key}`;
    const started = Date.now();
    for (let look = FIRST_LOOK_MS; ; look = Math.min(LOOK_CAP_MS, look * 2)) {
      if (await store.setIfAbsent(seen, lease, { ttlMs: leaseMs })) return held(key);
      const value = await store.get(seen);
      if (value === null) continue; // lapsed between the two calls: claim again
      // Done, or this process's own claim (a duplicate delivery while it works on it).
      if (!value.startsWith('lease:') || value === lease) return null;
      if (Date.now() - started > MAX_WAIT_MS) {
        logger.warn({ event: key }, 'gave up waiting for another replica to finish an event');
        return null;
      }
      await sleep(look);
    }
  }

  return {
    async claim(key) {
      try {
        return await claim(key);
      } catch (err) {
        if (!isPackbotError(err) || err.code !== 'store_unavailable') throw err;
        logger.warn({ err, event: key }, 'the state store is unavailable: this event is answered without the shared dedupe');
        return fallback.claim(key);
      }
    },
  };
}
