/**
 * Answers from a slow or rate-limited source, kept a while: key → value with a time to live,
 * at most `maxEntries` of them (the least recently used goes first), and concurrent lookups of
 * one key share the one request in flight. A failed, timed-out or empty lookup is remembered
 * as null for `failureTtlMs`, so a missing scope or a rate limit costs one request per key
 * per that time, not one per message. `get` never throws.
 */
import { raceTimeout } from './timeout.js';

export interface LookupCacheOptions<V> {
  /** The lookup itself: a value, null for "there is none", or a throw for a failure. */
  load: (key: string) => Promise<V | null>;
  ttlMs: number;
  failureTtlMs: number;
  maxEntries: number;
  /** The longest a lookup is waited for; past it, it counts as failed. */
  timeoutMs: number;
  now?: () => number;
  /** Told of each failed lookup (a throw or a timeout), e.g. to log it. */
  onFailure?: (key: string, err: unknown) => void;
}

interface Entry<V> {
  value: V | null;
  expiresAt: number;
}

export class LookupTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'LookupTimeoutError';
  }
}

export class LookupCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly inFlight = new Map<string, Promise<V | null>>();
  private readonly now: () => number;

  constructor(private readonly opts: LookupCacheOptions<V>) {
    this.now = opts.now ?? Date.now;
  }

  get(key: string): Promise<V | null> {
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > this.now()) {
      // Map order is the eviction order: a hit moves to the young end.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return Promise.resolve(hit.value);
    }
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const lookup = this.fetch(key).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, lookup);
    return lookup;
  }

  /** Entries held (expired ones included until they are looked up or pushed out). */
  get size(): number {
    return this.entries.size;
  }

  private async fetch(key: string): Promise<V | null> {
    let value: V | null = null;
    try {
      value = await raceTimeout(this.opts.load(key), this.opts.timeoutMs, () => {
        throw new LookupTimeoutError(this.opts.timeoutMs);
      });
    } catch (err) {
      this.opts.onFailure?.(key, err);
    }
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + (value === null ? this.opts.failureTtlMs : this.opts.ttlMs) });
    while (this.entries.size > this.opts.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}
