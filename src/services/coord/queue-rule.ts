/**
 * The queue's scheduling rule over a whole list, pure: what `pack queue` and a drain check
 * compare against. The queue itself applies it from the front only (queue.ts, queue-index.ts).
 */
import type { QueueEntry } from './queue.js';

/** Waiting entries that may move to the front now, in arrival order. */
export function eligible(entries: readonly QueueEntry[], concurrency: number): QueueEntry[] {
  const ordered = [...entries].sort((a, b) => a.seq - b.seq);
  const active = ordered.filter((e) => e.state !== 'waiting');
  const blocked = new Set(active.flatMap((e) => e.packs));
  let slots = concurrency - active.length;
  const out: QueueEntry[] = [];
  for (const entry of ordered) {
    if (entry.state !== 'waiting') continue;
    const free = entry.packs.every((p) => !blocked.has(p));
    if (free && slots > 0) {
      out.push(entry);
      slots--;
    }
    // Free or not, its packs are spoken for: later requests on them wait behind it.
    for (const p of entry.packs) blocked.add(p);
  }
  return out;
}
