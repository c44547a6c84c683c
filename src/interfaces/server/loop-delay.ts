/**
 * How late the event loop ran since the last scrape: the number that says whether the bot was
 * answering chat while it parsed, copied and validated packs.
 *
 * prom-client's nodejs_eventloop_lag_* (its default metrics) read perf_hooks'
 * monitorEventLoopDelay and reset it on every scrape. Measured on Node 20 with prom-client
 * 15.1.3, that has two flaws: every value includes the 10 ms sampling interval itself (an idle
 * process shows a p99 of about 0.011 s), and the first interval after a reset is dropped, so a
 * stall that starts just after a scrape is never seen. (nodejs_eventloop_lag_seconds is set by
 * a setImmediate after the scrape is rendered: it shows the previous scrape's reading.)
 *
 * Here a 10 ms timer records how much later than due it fired, into a histogram that a scrape
 * reads and resets; the timer's last tick is ours, so no interval is lost at a reset.
 */
import { createHistogram, performance } from 'node:perf_hooks';

export interface LoopDelayReading {
  /** Seconds. Both 0 when nothing was late (or nothing was measured). */
  max: number;
  p99: number;
}

export interface LoopDelay {
  /** The delays since the previous read, and a fresh window from now. */
  read(): LoopDelayReading;
  stop(): void;
}

export function monitorLoopDelay(resolutionMs = 10): LoopDelay {
  const histogram = createHistogram();
  let last = performance.now();
  const record = (late: number) => histogram.record(Math.max(1, Math.round(late * 1e6)));
  const timer = setInterval(() => {
    const now = performance.now();
    record(Math.max(0, now - last - resolutionMs));
    last = now;
  }, resolutionMs);
  timer.unref();
  return {
    read() {
      // A stall that has just ended, when the scrape runs before the timer's overdue tick:
      // counted now (and the tick then measures from here, so it is not counted twice).
      const now = performance.now();
      if (now - last > resolutionMs) {
        record(now - last - resolutionMs);
        last = now;
      }
      const reading = histogram.count === 0 ? { max: 0, p99: 0 } : { max: histogram.max / 1e9, p99: histogram.percentile(99) / 1e9 };
      histogram.reset();
      // The histogram's floor is 1 ns: an on-time loop reads as 0.
      return { max: reading.max <= 1e-9 ? 0 : reading.max, p99: reading.p99 <= 1e-9 ? 0 : reading.p99 };
    },
    stop() {
      clearInterval(timer);
    },
  };
}
