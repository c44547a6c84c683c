/**
 * The embedded store: one process, state in memory, durable under `<stateDir>/state/` through
 * the journal (journal.ts). Every mutation is applied in memory synchronously — JavaScript
 * runs one at a time, so compareAndSet and friends are atomic without locks — then journaled;
 * its promise resolves once fsync'd. Reads also wait for whatever is still pending, so no
 * caller ever acts on state that a crash could take back. A cross-process lock on the
 * directory keeps a second packbot out. Damaged files stop the opening (store_corrupt); while
 * writes fail, every call is refused with the reason (store_unavailable or store_failed),
 * memory having been rolled back to what is on disk (journal.ts).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PackbotError } from '../../core/errors.js';
import { acquireFileLock, LockTimeoutError, type HeldLock } from '../../core/fs/file-lock.js';
import { Journal, type Change, type Mutation } from './journal.js';
import { MemoryState } from './memory-state.js';
import { DEFAULT_LIST_MAX, type SetOptions, type StateStore, type TxCheck, type TxOp } from './state.js';

export interface EmbeddedStoreOptions {
  stateDir: string;
  now?: () => number;
  /** Compact once the journal holds this many lines or bytes since the last snapshot. */
  compactAt?: { entries?: number; bytes?: number };
  /** Told when writes start failing (why) and when the store is back (null), e.g. to log it. */
  onHealth?: (problem: string | null) => void;
}

class EmbeddedStore implements StateStore {
  private readonly mem: MemoryState;
  private readonly kv: MemoryState['kv'];
  private readonly lists: MemoryState['lists'];
  private readonly indexes: MemoryState['indexes'];
  private readonly journal: Journal;
  private closed = false;
  lock: HeldLock | null = null;

  constructor(
    dir: string,
    private readonly now: () => number,
    compactAt: EmbeddedStoreOptions['compactAt'] = {},
    onHealth?: EmbeddedStoreOptions['onHealth'],
  ) {
    this.mem = new MemoryState(now);
    ({ kv: this.kv, lists: this.lists, indexes: this.indexes } = this.mem);
    this.journal = new Journal(dir, {
      compactEntries: compactAt.entries ?? 10_000,
      compactBytes: compactAt.bytes ?? 16 * 1024 * 1024,
      dump: () => this.mem.dump(),
      reset: () => this.mem.clear(),
      ...(onHealth ? { onHealth } : {}),
    });
  }

  load(): Promise<void> {
    return this.journal.load((snap) => this.mem.restore(snap), (entry) => this.mem.apply(entry));
  }

  private live(key: string) {
    return this.mem.live(key);
  }

  /** While writes fail, reads are refused too: memory was rolled back, but callers should hear why. */
  private usable(): void {
    if (this.closed) throw new Error('the state store is closed');
    const down = this.journal.unavailable;
    if (down) throw down;
  }

  /** Apply now, resolve once durable. */
  private commit(mutation: Mutation): Promise<void> {
    this.mem.apply(mutation);
    return this.journal.append(mutation);
  }

  /** Everything committed so far is on disk. */
  private settled(): Promise<void> {
    return this.journal.settled();
  }

  async get(key: string): Promise<string | null> {
    this.usable();
    const value = this.live(key)?.v ?? null;
    await this.settled();
    return value;
  }

  async getMany(keys: readonly string[]): Promise<Array<string | null>> {
    this.usable();
    const values = keys.map((k) => this.live(k)?.v ?? null);
    await this.settled();
    return values;
  }

  async set(key: string, value: string, opts: SetOptions = {}): Promise<void> {
    this.usable();
    await this.commit(this.setEntry(key, value, opts));
  }

  private setEntry(k: string, v: string, opts: SetOptions): Mutation {
    return opts.ttlMs === undefined ? { o: 'set', k, v } : { o: 'set', k, v, x: this.now() + opts.ttlMs };
  }

  async setIfAbsent(key: string, value: string, opts: SetOptions = {}): Promise<boolean> {
    this.usable();
    if (this.live(key)) {
      await this.settled();
      return false;
    }
    await this.commit(this.setEntry(key, value, opts));
    return true;
  }

  async compareAndSet(key: string, expected: string | null, value: string | null, opts: SetOptions = {}): Promise<boolean> {
    this.usable();
    const current = this.live(key)?.v ?? null;
    const matches = current === expected;
    // Deleting what is already absent succeeds without a journal line.
    if (!matches || (current === null && value === null)) {
      await this.settled();
      return matches;
    }
    await this.commit(value === null ? { o: 'del', k: key } : this.setEntry(key, value, opts));
    return true;
  }

  async delete(key: string): Promise<boolean> {
    this.usable();
    if (!this.live(key)) {
      await this.settled();
      return false;
    }
    await this.commit({ o: 'del', k: key });
    return true;
  }

  async keys(prefix: string): Promise<string[]> {
    this.usable();
    const found = [...this.kv.keys()].filter((k) => k.startsWith(prefix) && this.live(k)).sort();
    await this.settled();
    return found;
  }

  async append(list: string, value: string, max = DEFAULT_LIST_MAX): Promise<void> {
    this.usable();
    await this.commit({ o: 'push', k: list, v: value, m: Math.max(1, Math.floor(max)) });
  }

  async recent(list: string, limit: number): Promise<string[]> {
    this.usable();
    const values = limit > 0 ? (this.lists.get(list) ?? []).slice(-limit).reverse() : [];
    await this.settled();
    return values;
  }

  async increment(key: string): Promise<number> {
    this.usable();
    const current = this.live(key);
    if (current && !/^-?\d+$/.test(current.v)) throw new Error(`${key} does not hold an integer`);
    const next = (current ? Number(current.v) : 0) + 1;
    await this.commit(current?.x != null ? { o: 'set', k: key, v: String(next), x: current.x } : { o: 'set', k: key, v: String(next) });
    return next;
  }

  async indexRange(index: string, offset: number, limit: number): Promise<string[]> {
    this.usable();
    const members = this.indexes.get(index)?.range(offset, limit) ?? [];
    await this.settled();
    return members;
  }

  async indexSize(index: string): Promise<number> {
    this.usable();
    const size = this.indexes.get(index)?.size ?? 0;
    await this.settled();
    return size;
  }

  async transact(checks: readonly TxCheck[], ops: readonly TxOp[]): Promise<boolean> {
    this.usable();
    // Checked and applied in one synchronous stretch: nothing else runs in between.
    if (!checks.every((c) => (this.live(c.key)?.v ?? null) === c.expected)) {
      await this.settled();
      return false;
    }
    const t: Change[] = ops.map((op) => {
      switch (op.op) {
        case 'set': return { o: 'set', k: op.key, v: op.value };
        case 'del': return { o: 'del', k: op.key };
        case 'index-add': return { o: 'zadd', k: op.index, m: op.member, n: op.score };
        case 'index-remove': return { o: 'zrem', k: op.index, m: op.member };
      }
    });
    if (t.length > 0) await this.commit({ o: 'tx', t });
    else await this.settled();
    return true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.journal.close();
    await this.lock?.release().catch(() => undefined);
  }

  lost(err: Error): void {
    this.journal.fail(err, 'another process took over its lock');
  }
}

export async function openEmbeddedStore(opts: EmbeddedStoreOptions): Promise<StateStore> {
  const dir = path.join(opts.stateDir, 'state');
  await mkdir(dir, { recursive: true });
  const store = new EmbeddedStore(dir, opts.now ?? Date.now, opts.compactAt, opts.onHealth);
  try {
    // Not waiting: a live holder means a second packbot on this state_dir, a config mistake.
    store.lock = await acquireFileLock(path.join(dir, '.lock'), { staleMs: 60_000, waitMs: 0, onLost: (err) => store.lost(err) });
  } catch (err) {
    if (!(err instanceof LockTimeoutError)) throw err;
    throw new PackbotError('store_locked', `another packbot is using the state_dir ${opts.stateDir}: stop it, or give this one its own state_dir`, { cause: err });
  }
  try {
    await store.load();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
