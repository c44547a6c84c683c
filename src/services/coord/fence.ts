/**
 * Exactly-once deploy turns. queue.start() gives each start of a turn a number (the entry's
 * `fence`); a retry takes a running entry over (number + 1) only after its beat has stood
 * still for the lease (queue.ts). The worker holding number n:
 *
 * - beats every lease/3 while it works, so a slow step (a long hook, a big env) keeps its turn;
 * - checks before every side effect (a message, a release going live, the register hook, a
 *   rollback, the history record, the lock moves) with a beat that must land under number n.
 *   A takeover needs the beat to stand still for a whole lease after it read it, so whatever
 *   starts within a lease of a passing check runs alone;
 * - once a check or a beat finds the number moved on, it stops: the check throws
 *   TurnLostError, `signal` aborts (a hook still running is killed) and the log says so.
 *
 * The limit: a worker frozen between a passing check and the start of its side effect for
 * longer than the lease (no I/O happens there, only CPU), or a child process (a hook) that goes
 * on while its worker is frozen, is not stopped by this; see README "Exactly-once deploy turns".
 */
import { isTurnLost, TurnLostError, type TurnFence } from '../deploy/fence.js';
import type { PackbotConfig } from '../../domain/config/index.js';
import type { Queue, QueueEntry } from './queue.js';

export { isTurnLost, NO_FENCE, type TurnFence } from '../deploy/fence.js';

export interface HeldTurn extends TurnFence {
  /** This start's number. */
  readonly fence: number;
  /** Whether another worker had started this turn before (its releases may be live, its hook unfinished). */
  readonly takenOver: boolean;
  /** Stops beating (the turn is over). */
  end(): void;
}

export interface HoldOptions {
  queue: Pick<Queue, 'beat'>;
  logger: { warn(obj: object, msg: string): void };
  /** 0: nobody else can take the turn over (the embedded store): checks read, nothing beats. */
  leaseMs: number;
  /** For the log. */
  deployId?: string;
}

/**
 * The lease: a third of queue.stall_timeout, as BullMQ's lock and stalled check are
 * (bullmq.ts), so a frozen worker's turn is taken over within stall_timeout. Embedded: 0
 * (one process owns the state_dir; a running turn found at start was left by a dead one).
 */
export function turnLeaseMs(config: Pick<PackbotConfig, 'store' | 'queue'>): number {
  return config.store.kind === 'redis' ? Math.max(1, Math.floor(config.queue.stall_timeout / 3)) : 0;
}

/** The turn `entry` (just returned by queue.start) as its worker holds it. */
export function holdTurn(entry: QueueEntry, opts: HoldOptions): HeldTurn {
  const fence = entry.fence ?? 1;
  const controller = new AbortController();
  let lost = false;
  let beating: Promise<unknown> | null = null;
  const where = { entry: entry.id, deploy: opts.deployId, fence };

  const loseAt = (step: string): TurnLostError => {
    const err = new TurnLostError(opts.deployId ?? entry.id, step);
    if (!lost) {
      lost = true;
      opts.logger.warn({ ...where, step }, 'this worker lost the deploy turn to another worker (it was paused or cut off past the lease); stopping here');
      controller.abort(err);
    }
    return err;
  };

  const timer = opts.leaseMs > 0 ? setInterval(() => {
    if (lost || beating) return;
    beating = opts.queue.beat(entry.id, fence)
      .then((held) => void (held || loseAt('a renewal of its lease')))
      .catch((err: unknown) => opts.logger.warn({ ...where, err }, 'could not renew the deploy turn; trying again'))
      .finally(() => (beating = null));
  }, Math.max(1, Math.floor(opts.leaseMs / 3))) : null;
  // The turn's own work keeps the process alive; the beat alone must not.
  timer?.unref();

  return {
    fence,
    takenOver: fence > 1,
    get lost() {
      return lost;
    },
    signal: controller.signal,
    async check(step: string): Promise<void> {
      if (lost) throw loseAt(step);
      if (!(await opts.queue.beat(entry.id, fence, opts.leaseMs > 0))) throw loseAt(step);
    },
    end() {
      if (timer) clearInterval(timer);
    },
  };
}

/** For a turn's error handling: a lost turn is not a failure to report, the new owner reports. */
export const turnWasLost = (err: unknown, turn: Pick<TurnFence, 'lost'>): boolean => turn.lost || isTurnLost(err);
