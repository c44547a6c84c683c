/**
 * Notices a state store that came back empty (a Redis restarted without persistence, a
 * failover to an empty replica) and tells the people whose requests it lost.
 *
 * The store holds an epoch key, written by the first process to find it missing. Each process
 * remembers, in memory, the requests it queued that have not left the queue yet (the store
 * can't be asked what it lost, so each process keeps its own). Every sweep reads the epoch: the
 * same one, and the remembered requests that left the queue are forgotten; missing or another
 * one, and the store lost its queue, so each remembered request still waiting is reported lost
 * (its requester asks again) and the epoch is written anew.
 *
 * Limits: a request running when the store emptied is not reported here (its turn goes on and
 * reports its own outcome); one that started after the last sweep looked may be reported lost
 * although it runs. Requests queued by a process that stopped meanwhile are nobody's to report.
 * The embedded store never empties, so there this only ever sees one epoch.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../core/logging/logger.js';
import type { StateStore } from '../../domain/store/state.js';
import type { CoordEvents, DeploySubject } from './events.js';
import type { QueueEntry } from './queue.js';

export const EPOCH_KEY = 'store-epoch';

export interface StoreEpochDeps {
  store: StateStore;
  events: CoordEvents;
  logger: Logger;
  /** The queue as it stands (ids and states; payloads not needed). */
  listQueue: () => Promise<Array<Pick<QueueEntry, 'id' | 'state'>>>;
}

interface Remembered {
  subject: DeploySubject;
  /** Seen running at the last look: its turn reports it, whatever the store lost. */
  running: boolean;
}

export function createStoreEpoch(deps: StoreEpochDeps) {
  const { store, events, logger } = deps;
  let known: string | null = null;
  const accepted = new Map<string, Remembered>();

  /** The epoch in the store now: ours if it had none (another process's if it wrote one first). */
  async function establish(): Promise<string> {
    const mine = randomBytes(8).toString('hex');
    if (await store.setIfAbsent(EPOCH_KEY, mine)) return mine;
    return (await store.get(EPOCH_KEY)) ?? mine;
  }

  async function forgetFinished(): Promise<void> {
    if (accepted.size === 0) return;
    const queued = new Map((await deps.listQueue()).map((e) => [e.id, e.state]));
    for (const [id, r] of accepted) {
      const state = queued.get(id);
      if (state === undefined) accepted.delete(id);
      else r.running = state === 'running';
    }
  }

  async function reportLost(): Promise<void> {
    const lost = [...accepted.values()].filter((r) => !r.running).map((r) => r.subject);
    accepted.clear();
    logger.warn({ lost: lost.map((d) => d.id) }, 'the state store came back empty: its deploy queue is gone; telling the requesters whose requests were waiting');
    for (const deploy of lost) {
      await events.emit({ kind: 'request_lost', deploy }).catch((err: unknown) => logger.warn({ err, entry: deploy.id }, 'could not tell that a request was lost'));
    }
  }

  return {
    /** A request this process queued: its requester is told if the store loses it. */
    accepted(subject: DeploySubject): void {
      accepted.set(subject.id, { subject, running: false });
    },

    /** Reads the epoch (each sweep; the first call only learns it). */
    async check(): Promise<void> {
      const current = await store.get(EPOCH_KEY);
      if (known !== null && current === known) return forgetFinished();
      if (known === null && current !== null) {
        known = current;
        return forgetFinished();
      }
      // Missing (emptied), or another (emptied, and another process noticed first).
      const first = known === null;
      known = current ?? (await establish());
      if (!first) await reportLost();
    },
  };
}

export type StoreEpoch = ReturnType<typeof createStoreEpoch>;
