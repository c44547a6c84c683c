/**
 * A deploy's fence, as the pipeline sees it: `check(step)` before each side effect (a release
 * going live, the register hook, a rollback, the history record) resolves while this worker
 * still holds the deploy's turn and throws TurnLostError once another worker took it over
 * (coord/fence.ts makes the real one). `signal` aborts when the turn is lost, so a hook
 * already running is stopped rather than left to overlap the new owner's.
 */
import { isPackbotError, PackbotError } from '../../core/errors.js';

export interface TurnFence {
  check(step: string): Promise<void>;
  readonly signal: AbortSignal;
  /** True once a check (or a renewal) found the turn taken over; sticky. */
  readonly lost: boolean;
  /** This worker took the turn over from another, which may have recorded the deploy already. */
  readonly takenOver?: boolean;
}

/** Thrown by a check that finds the turn taken over: nothing more may be done for it here. */
export class TurnLostError extends PackbotError {
  constructor(readonly deployId: string, readonly step: string) {
    super('internal', `Deploy ${deployId} was taken over by another worker (this one stopped before: ${step}).`);
    this.name = 'TurnLostError';
  }
}

export const isTurnLost = (err: unknown): err is TurnLostError => err instanceof TurnLostError;

/** A deploy run outside the queue (the CLI, scripts): nothing can take it over. */
export const NO_FENCE: TurnFence = { check: async () => undefined, signal: new AbortController().signal, lost: false };

/** Whether `err` (or what caused it) is the state store being unreachable: not an answer about the turn. */
export function isStoreUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isPackbotError(e) && e.code === 'store_unavailable') return true;
  }
  return false;
}

/**
 * The check before a deploy's (or install's) history record. Unlike the checks before a release
 * goes live or the register hook (where a store that cannot answer must stop: nothing goes
 * live unproven), what it guards has already happened. So a check that fails only because the
 * store is unreachable does not stop the record: it resolves false, and the caller keeps the
 * record on disk for replay (pending-records.ts), which looks the id up before appending, so a
 * takeover nobody here could see cannot make two records. A turn lost still stops here (the new
 * owner records). True: the turn is this worker's (or there is no fence).
 */
export async function checkBeforeRecord(fence: TurnFence | undefined, logger: { warn(obj: object, msg: string): void }, deployId: string): Promise<boolean> {
  if (!fence) return true;
  try {
    await fence.check('the history record');
    return true;
  } catch (err) {
    if (fence.lost || isTurnLost(err) || !isStoreUnreachable(err)) throw err;
    logger.warn({ deploy: deployId, err }, 'could not confirm this worker still holds the deploy turn (the state store is unavailable); its history record is kept on disk and appended once the store is back');
    return false;
  }
}
