/**
 * Remembers message ids for a while so a redelivered event runs once. Bounded both by age
 * and by count, so a flood of unique ids cannot grow memory without limit.
 */
export class Deduper {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True the first time `key` is offered within the TTL, false for repeats. */
  firstSeen(key: string): boolean {
    const t = this.now();
    this.evict(t);
    const expiry = this.seen.get(key);
    if (expiry !== undefined && expiry > t) return false;
    this.seen.delete(key);
    this.seen.set(key, t + this.ttlMs);
    return true;
  }

  private evict(t: number): void {
    // Map iteration is insertion order, and every entry has the same TTL, so expired
    // entries are always at the front.
    for (const [key, expiry] of this.seen) {
      if (expiry > t && this.seen.size <= this.maxEntries) break;
      this.seen.delete(key);
    }
  }
}
