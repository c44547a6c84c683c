import type { App } from '../app.js';
import type { Logger } from '../../core/logging/logger.js';
import { errorMessage } from '../../core/caught.js';

/** How long a failed start may spend closing what it opened, and then how long until the process exits regardless. */
export const FAILED_START_GRACE_MS = 5_000;

/**
 * Starts a long-running app (`packbot serve`, `packbot chat`). When start-up fails (a platform
 * refuses the token, the port is taken, the store can't open), what did start — the store's
 * connections and workers, the console reading stdin, the coordinator's clocks — is stopped
 * before the error goes up to the CLI's one error boundary, so the process exits with it:
 * a supervisor restarts only a process that has exited.
 */
export async function startOrStop(app: App, logger: Logger, graceMs = FAILED_START_GRACE_MS): Promise<void> {
  try {
    await app.start();
  } catch (err) {
    try {
      // Bounded: a stop that hangs (on a store that is down) must not hold back the error report.
      // The timer is ref'd (and cleared): the process must live to report the error.
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = await Promise.race([
        app.stop().then(() => false),
        new Promise<true>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
      ]).finally(() => clearTimeout(timer));
      if (gaveUp) logger.warn({ grace_ms: graceMs }, 'still stopping after a failed start; exiting anyway');
    } catch (stopErr) {
      // The start error is the one worth reporting; this one only explains a slow exit.
      logger.warn({ err: errorMessage(stopErr) }, 'could not stop cleanly after a failed start');
    }
    exitEventually(graceMs);
    throw err;
  }
}

/**
 * The last resort: a socket or timer nobody closed (a chat SDK's reconnect loop, a stop that
 * hangs on a dead store) would keep a failed start alive for good. The timer is unref'd, so a
 * process that has nothing left to do exits at once and never waits for it; it fires only in
 * one that would otherwise stay up, with the exit code the error boundary set.
 */
function exitEventually(graceMs: number): void {
  setTimeout(() => process.exit(typeof process.exitCode === 'number' && process.exitCode !== 0 ? process.exitCode : 1), graceMs).unref();
}
