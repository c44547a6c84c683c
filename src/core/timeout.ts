/**
 * Time limits on work: a promise raced against a timer, and an abort signal that fires after a
 * delay. Timers are always cleared once the work settles, so none outlives what it guards.
 */

/**
 * The work's outcome, or `onTimeout()`'s after `ms`: its value, or its throw as the rejection.
 * The work is not cancelled; its later rejection is handled (Promise.race subscribed to it),
 * so it never surfaces as an unhandled rejection. The timer does not hold the process open.
 */
export async function raceTimeout<T, F>(work: Promise<T>, ms: number, onTimeout: () => F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (err) {
        reject(err);
      }
    }, ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface Deadline {
  /** Aborted when the time is up (or by `abort`). */
  readonly signal: AbortSignal;
  /** True once the time ran out (not when aborted by hand). */
  timedOut(): boolean;
  /** Aborts now, e.g. when a response turns out too large to read. */
  abort(): void;
  /** Stops the timer; call when the work is done. */
  clear(): void;
}

/** A signal that aborts after `ms`, telling a timeout apart from an abort by hand. */
export function deadline(ms: number): Deadline {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort();
  }, ms);
  return {
    signal: controller.signal,
    timedOut: () => expired,
    abort: () => controller.abort(),
    clear: () => clearTimeout(timer),
  };
}
