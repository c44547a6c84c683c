/**
 * Choose the store from config. Callers depend on StateStore only, so the coordination layer
 * runs the same on one process (embedded) and on several sharing a Redis.
 */
import { openEmbeddedStore } from './embedded.js';
import type { StateStore } from './state.js';

export type { SetOptions, StateStore } from './state.js';

export type StoreConfig = { kind: 'embedded' } | { kind: 'redis'; url: string; prefix?: string };

export interface StoreOptions {
  /** Embedded: the journal lives in `<stateDir>/state/`. */
  stateDir: string;
  /** Redis: the namespace of every key (default: the config's prefix, else `packbot:`). */
  prefix?: string;
  /** Embedded: the clock TTLs are measured against (tests move it). */
  now?: () => number;
  /** Embedded: told when writes start failing (why) and when the store is back (null). */
  onHealth?: (problem: string | null) => void;
}

export async function createStateStore(config: StoreConfig, opts: StoreOptions): Promise<StateStore> {
  if (config.kind === 'redis') {
    const prefix = opts.prefix ?? config.prefix;
    // Loaded only here: an embedded deployment never needs ioredis.
    const { openRedisStore } = await import('./redis.js');
    return openRedisStore({ url: config.url, ...(prefix !== undefined ? { prefix } : {}) });
  }
  return openEmbeddedStore({ stateDir: opts.stateDir, ...(opts.now ? { now: opts.now } : {}), ...(opts.onHealth ? { onHealth: opts.onHealth } : {}) });
}
