/**
 * Time budgets for tests, so that no test's pass depends on the machine's speed.
 *
 * - A wait for an event (a chat reply, a process exit) has a budget only so that a hang fails
 *   instead of stalling the suite: it is generous, and scaled by PACKBOT_TEST_TIME_SCALE
 *   (a positive number, default 1; e.g. 3 on a very slow or heavily loaded machine).
 * - A heavy loop's budget is derived from measured work (`perRunBudget`), its length from a
 *   variable with a CI default (`runsFromEnv`).
 *
 *   PACKBOT_TEST_TIME_SCALE=3 PACKBOT_CRASH_RUNS=4 npx vitest run test/deploy/crash.test.ts
 */

/** PACKBOT_TEST_TIME_SCALE, else 1. */
export function timeScale(): number {
  const raw = process.env['PACKBOT_TEST_TIME_SCALE']?.trim();
  if (!raw) return 1;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`PACKBOT_TEST_TIME_SCALE must be a positive number (e.g. 2); got "${raw}"`);
  return n;
}

/** A fixed wait budget, scaled by PACKBOT_TEST_TIME_SCALE. */
export function scaled(ms: number): number {
  return Math.ceil(ms * timeScale());
}

/** How many runs a heavy loop makes: the variable `name` (a positive integer), else `fallback`. */
export function runsFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  if (!/^[1-9]\d*$/.test(raw)) throw new Error(`${name} must be a positive integer; got "${raw}"`);
  return Number(raw);
}

/**
 * The budget of one run of a loop whose unit of work was measured at `measuredMs` on this
 * machine, now: `factor` times that, never below `floorMs` (both scaled). Failing it means a
 * run took many times what the same work just took here, i.e. it hung, not that the machine is slow.
 */
export function perRunBudget(measuredMs: number, factor = 10, floorMs = 30_000): number {
  return scaled(Math.max(measuredMs * factor, floorMs));
}

/** `work`, rejected with a message naming `what` and the budget if it has not settled within `ms`. */
export async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms (a hang; PACKBOT_TEST_TIME_SCALE scales this budget)`)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
