/**
 * The embedded store's ordered index (what a Redis sorted set is to the Redis store): members
 * by ascending score, ties by member. Lookups and the position of a change are binary
 * searches; the array move of an insert or removal is a memmove, cheap next to the fsync
 * that follows every change.
 */
export class SortedIndex {
  private readonly scores = new Map<string, number>();
  private readonly order: Array<[score: number, member: string]> = [];

  get size(): number {
    return this.order.length;
  }

  /** Where (score, member) is or would go. */
  private position(score: number, member: string): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const [s, m] = this.order[mid]!;
      if (s < score || (s === score && m < member)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Adds, or moves an existing member to its new score. */
  add(member: string, score: number): void {
    this.remove(member);
    this.order.splice(this.position(score, member), 0, [score, member]);
    this.scores.set(member, score);
  }

  remove(member: string): boolean {
    const score = this.scores.get(member);
    if (score === undefined) return false;
    this.order.splice(this.position(score, member), 1);
    this.scores.delete(member);
    return true;
  }

  range(offset: number, limit: number): string[] {
    const start = Math.max(0, Math.floor(offset));
    const end = limit === Infinity ? this.order.length : start + Math.max(0, Math.floor(limit));
    return this.order.slice(start, end).map(([, m]) => m);
  }

  entries(): Array<[member: string, score: number]> {
    return this.order.map(([s, m]) => [m, s]);
  }
}
