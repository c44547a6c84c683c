/**
 * Work over many items, a few at a time: a deploy of a thousand packs must not start a
 * thousand reads, writes and validations at once, and must let the event loop breathe (chat,
 * webhooks, health checks) between one item and the next.
 */
import { availableParallelism } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** How many packs a deploy works on at once: enough to overlap I/O, few enough to stay responsive. */
export function packConcurrency(): number {
  return Math.min(8, Math.max(2, availableParallelism()));
}

/** `fn` over `items`, at most `limit` at once, results in the order of `items`. A rejection rejects the whole (after the started ones settle). */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed: { err: unknown } | null = null;
  const worker = async () => {
    while (next < items.length && failed === null) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T, i);
      } catch (err) {
        failed ??= { err };
      }
      // Timers and I/O callbacks run before the next item starts.
      await nextTurn();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed !== null) throw (failed as { err: unknown }).err;
  return results;
}
