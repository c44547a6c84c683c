/**
 * The embedded store's state in memory, and how a journal entry or a snapshot changes it.
 * Shared by the store and by `packbot store recover`, which rebuilds a state from whatever
 * entries are intact and snapshots it.
 */
import type { Change, Entry, Mutation, SnapshotState } from './journal-format.js';
import { SortedIndex } from './sorted-index.js';

export interface Value {
  v: string;
  x: number | null;
}

export class MemoryState {
  readonly kv = new Map<string, Value>();
  readonly lists = new Map<string, string[]>();
  readonly indexes = new Map<string, SortedIndex>();

  constructor(private readonly now: () => number) {}

  clear(): void {
    this.kv.clear();
    this.lists.clear();
    this.indexes.clear();
  }

  restore(snap: SnapshotState): void {
    for (const [k, v, x] of snap.kv) this.kv.set(k, { v, x });
    for (const [name, values] of snap.lists) this.lists.set(name, values);
    for (const [name, members] of snap.indexes ?? []) {
      const index = new SortedIndex();
      for (const [member, score] of members) index.add(member, score);
      this.indexes.set(name, index);
    }
  }

  /** Expired keys are left out, so compaction drops them from disk. */
  dump(): SnapshotState {
    const kv: SnapshotState['kv'] = [];
    for (const key of [...this.kv.keys()]) {
      const value = this.live(key);
      if (value) kv.push([key, value.v, value.x]);
    }
    return { kv, lists: [...this.lists], indexes: [...this.indexes].map(([name, index]) => [name, index.entries()]) };
  }

  apply(entry: Entry | Mutation): void {
    if (entry.o === 'nop' || entry.o === 'base') return;
    if (entry.o === 'tx') {
      for (const change of entry.t) this.applyChange(change);
      return;
    }
    this.applyChange(entry);
  }

  private applyChange(entry: Change): void {
    switch (entry.o) {
      case 'set':
        this.kv.set(entry.k, { v: entry.v, x: entry.x ?? null });
        break;
      case 'del':
        this.kv.delete(entry.k);
        break;
      case 'push': {
        const list = this.lists.get(entry.k) ?? [];
        list.push(entry.v);
        if (list.length > entry.m) list.splice(0, list.length - entry.m);
        this.lists.set(entry.k, list);
        break;
      }
      case 'zadd': {
        const index = this.indexes.get(entry.k) ?? new SortedIndex();
        index.add(entry.m, entry.n);
        this.indexes.set(entry.k, index);
        break;
      }
      case 'zrem': {
        const index = this.indexes.get(entry.k);
        index?.remove(entry.m);
        if (index?.size === 0) this.indexes.delete(entry.k);
        break;
      }
    }
  }

  live(key: string): Value | null {
    const value = this.kv.get(key);
    if (!value) return null;
    if (value.x !== null && value.x <= this.now()) {
      // Only memory: replay reaches the same verdict, and compaction drops it from disk.
      this.kv.delete(key);
      return null;
    }
    return value;
  }
}
