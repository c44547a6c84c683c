/**
 * The one storage interface the coordination layer (locks, queue, confirmations, timers,
 * dedupe) is written over. Every primitive is atomic on its own, so callers never need a
 * check-then-set: exclusivity comes from setIfAbsent, updates from compareAndSet retry loops.
 * Two backends: embedded (one process, durable journal under state_dir) and Redis (shared).
 */
export interface SetOptions {
  /** Expire after this long; without it the key never expires (and a previous TTL is cleared). */
  ttlMs?: number;
}

/** A condition of transact(): the key holds exactly `expected` (null = absent). */
export interface TxCheck {
  key: string;
  expected: string | null;
}

/** A change transact() makes: a key, or a member of an ordered index. */
export type TxOp =
  | { op: 'set'; key: string; value: string }
  | { op: 'del'; key: string }
  | { op: 'index-add'; index: string; member: string; score: number }
  | { op: 'index-remove'; index: string; member: string };

export interface StateStore {
  get(key: string): Promise<string | null>;
  /** Several keys in one round trip. */
  getMany(keys: readonly string[]): Promise<Array<string | null>>;
  set(key: string, value: string, opts?: SetOptions): Promise<void>;
  /** Atomic create: false if the key exists (and has not expired). Redis: SET NX PX. */
  setIfAbsent(key: string, value: string, opts?: SetOptions): Promise<boolean>;
  /** Atomic compare-and-swap: only if the current value equals `expected` (null = absent). `value` null deletes. */
  compareAndSet(key: string, expected: string | null, value: string | null, opts?: SetOptions): Promise<boolean>;
  /** True if a (live) key was removed. */
  delete(key: string): Promise<boolean>;
  /** Keys (not expired) starting with prefix, sorted. The prefix is literal: no glob characters. */
  keys(prefix: string): Promise<string[]>;
  /** Append to a capped list (oldest dropped past `max`). Lists live apart from keys: keys() never lists them. */
  append(list: string, value: string, max?: number): Promise<void>;
  /** Up to `limit` entries, newest first. */
  recent(list: string, limit: number): Promise<string[]>;
  /** Atomic counter (ids, sequence numbers): 1 for an absent key. Keeps the key's TTL. */
  increment(key: string): Promise<number>;
  /**
   * Ordered indexes (Redis: sorted sets) live apart from keys and lists. Members by ascending
   * score, ties by member; `limit` Infinity for all from `offset`. O(log n + limit).
   */
  indexRange(index: string, offset: number, limit: number): Promise<string[]>;
  indexSize(index: string): Promise<number>;
  /**
   * Atomic: if every check holds, applies every op in order and resolves true; otherwise
   * changes nothing and resolves false. Redis: one Lua script; embedded: one journal line.
   * A set here clears the key's TTL, as set() without one does.
   */
  transact(checks: readonly TxCheck[], ops: readonly TxOp[]): Promise<boolean>;
  /** Waits for pending writes; idempotent. */
  close(): Promise<void>;
}

/** The cap of a list when append() is given none. */
export const DEFAULT_LIST_MAX = 1000;
