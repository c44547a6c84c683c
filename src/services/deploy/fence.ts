/**
 * A deploy's fence, as the pipeline sees it: `check(step)` before each side effect (a release
 * going live, the register hook, a rollback, the history record) resolves while this worker
 * still holds the deploy's turn and throws TurnLostError once another worker took it over
 * (coord/fence.ts makes the real one). `signal` aborts when the turn is lost, so a hook
 * already running is stopped rather than left to overlap the new owner's.
 */
import { PackbotError } from '../../core/errors.js';

export interface TurnFence {
  check(step: string): Promise<void>;
  readonly signal: AbortSignal;
  /** True once a check (or a renewal) found the turn taken over; sticky. */
  readonly lost: boolean;
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
