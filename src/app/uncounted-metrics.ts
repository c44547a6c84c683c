/**
 * The metrics of an app that serves no /metrics (`packbot deploy`, `install`, a chat without
 * `server:`): counts nobody could read, so none are kept, and prom-client (~0.15 s to load)
 * is not loaded for them (issue 19). An app that serves HTTP gets the real ones (app.ts).
 */
import { PackbotError } from '../core/errors.js';
import type { Metrics } from '../interfaces/server/metrics.js';

export function uncountedMetrics(): Metrics {
  const unserved = () => new PackbotError('internal', 'this app serves no /metrics: its metrics are not kept');
  return {
    get registry(): Metrics['registry'] {
      throw unserved();
    },
    deployFinished: () => undefined,
    stageDuration: () => undefined,
    commandRun: () => undefined,
    webhookDelivery: () => undefined,
    render: () => Promise.reject(unserved()),
    close: () => undefined,
  };
}
