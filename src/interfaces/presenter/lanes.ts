/**
 * Background delivery in order: work for one key (a deploy, a channel) runs one after
 * another, different keys side by side, and nobody who hands work over waits for it. Chat
 * is the slowest part of packbot (a rate-limited Slack channel answers once a second), so
 * whatever coordination says is queued here and the deploy moves on.
 */
import type { Logger } from '../../core/logging/logger.js';

export interface Lanes {
  /** Runs `work` after everything queued before under `key`; a failure is logged, never thrown. */
  run(key: string, work: () => Promise<void>): void;
  /** Resolves once every lane has run dry. */
  idle(): Promise<void>;
}

export function createLanes(logger: Logger): Lanes {
  const tails = new Map<string, Promise<void>>();
  return {
    run(key, work) {
      const before = tails.get(key) ?? Promise.resolve();
      const tail = before.then(work).catch((err: unknown) => logger.warn({ err, lane: key }, 'could not deliver a chat message'));
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
    },
    async idle() {
      while (tails.size > 0) await Promise.all([...tails.values()]);
    },
  };
}
