/**
 * How a queue entry's turn is started, taken over and kept (queue.ts's start and beat): each
 * start numbers the entry (`fence`), the fencing token its worker checks before every side
 * effect (fence.ts); a takeover waits until the entry's beat has stood still for a lease.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { StateStore } from '../../domain/store/state.js';
import { ENTRY, parseEntry } from './queue-index.js';
import type { Runner } from './queue-runner.js';
import type { QueueEntry } from './queue.js';

type Update = <R>(id: string, edit: (e: QueueEntry | null) => { result: R; entry?: QueueEntry }) => Promise<R>;

export interface TurnStartDeps {
  store: StateStore;
  attempt: Runner['attempt'];
  update: Update;
  withPayloads: (entries: QueueEntry[]) => Promise<QueueEntry[]>;
  now: () => Date;
  /** How long a running entry's beat must stand still before it may be taken over; 0: at once. */
  leaseMs: number;
}

export function turnStarts({ store, attempt, update, withPayloads, now, leaseMs }: TurnStartDeps) {
  return {
    /**
     * ready → running, returning the entry with its fence (the start's number); null if it
     * is gone (cancelled, expired, finished) or already running. With `resume` (a retry after
     * its worker died or lost its job lock) a running entry is taken over — fence + 1, so the
     * worker that had it stops at its next check — but only once its beat has stood still for
     * leaseMs: a worker that is alive keeps beating, and its turn is waited out instead.
     */
    async start(id: string, resume = false): Promise<QueueEntry | null> {
      let seen: string | null = null;
      for (;;) {
        const started = await attempt<QueueEntry | 'wait' | null>(async () => {
          const raw = await store.get(ENTRY + id);
          const e = parseEntry(raw);
          if (!e || (e.state === 'running' && !resume) || e.state === 'waiting') return { result: null };
          if (e.state === 'running' && leaseMs > 0 && raw !== seen) {
            seen = raw;
            return { result: 'wait' };
          }
          const { awaiting: _, ...rest } = e;
          const entry: QueueEntry = { ...rest, state: 'running', started_at: e.started_at ?? now().toISOString(), fence: (e.fence ?? 0) + 1, beat: 0 };
          return { result: entry, checks: [{ key: ENTRY + id, expected: raw }], ops: [{ op: 'set', key: ENTRY + id, value: JSON.stringify(entry) }] };
        });
        if (started !== 'wait') return started ? ((await withPayloads([started]))[0] ?? null) : null;
        // Not a poll: the one read after a full lease tells whether its worker is still beating.
        await sleep(leaseMs);
      }
    },

    /**
     * The owner of start number `fence` says it is alive (and, with `write` false, only asks):
     * true while the entry is still running under that number, false once it was taken over
     * or is gone. Each beat changes the entry, which restarts any takeover's wait.
     */
    beat(id: string, fence: number, write = true): Promise<boolean> {
      return update(id, (e) => {
        if (e?.state !== 'running' || (e.fence ?? 0) !== fence) return { result: false };
        return write ? { result: true, entry: { ...e, beat: (e.beat ?? 0) + 1 } } : { result: true };
      });
    },
  };
}
