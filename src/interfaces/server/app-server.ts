/**
 * The routes packbot's own HTTP server carries besides the adapters' (Slack HTTP mode):
 * /readyz, /metrics and the push webhooks. Kept apart from app.ts, which only decides
 * whether a server runs and hands it its parts.
 */
import type { FastifyInstance } from 'fastify';
import type { ChatAdapter } from '../chat/types.js';
import { errorMessage } from '../../core/caught.js';
import type { Logger } from '../../core/logging/logger.js';
import { raceTimeout } from '../../core/timeout.js';
import type { Masker } from '../../core/masking/masker.js';
import type { StateStore } from '../../domain/store/state.js';
import type { Metrics } from './metrics.js';
import { DELIVERY_TTL_MS, mountWebhooks } from './webhooks/routes.js';
import { createDeliveryLedger } from './webhooks/ledger.js';
import type { WebhookSecrets } from './webhooks/types.js';
import type { PushEvent } from '../../services/autodeploy/push-event.js';

export interface AppRoutesDeps {
  state: StateStore;
  adapters: readonly ChatAdapter[];
  /** Whether each adapter's start() has returned. */
  started: () => boolean;
  metrics: Metrics;
  secrets: WebhookSecrets;
  bodyLimit: number;
  /** `server.webhook_replay_window` (ms); default DELIVERY_TTL_MS. */
  replayWindowMs?: number;
  onPush(event: PushEvent): Promise<unknown>;
  logger: Logger;
  masker: Masker;
  now?: () => number;
}

const PROBE_TIMEOUT_MS = 2000;

/** A store call that answers within the probe's time, or the reason it did not. */
async function storeProblem(state: StateStore): Promise<string | null> {
  try {
    return await raceTimeout(state.get('readyz').then(() => null), PROBE_TIMEOUT_MS, () => `no answer within ${PROBE_TIMEOUT_MS} ms`);
  } catch (err) {
    return errorMessage(err);
  }
}

export async function mountAppRoutes(fastify: FastifyInstance, deps: AppRoutesDeps): Promise<void> {
  fastify.get('/readyz', async (_req, res) => {
    const store = await storeProblem(deps.state);
    const adapters = Object.fromEntries(deps.adapters.map((a) => [a.platform, deps.started() && (a.connected?.() ?? true)]));
    const ready = store === null && deps.started() && Object.values(adapters).every(Boolean);
    const body = { ready, store: store === null ? 'ok' : deps.masker.mask(store), adapters };
    return res.code(ready ? 200 : 503).send(body);
  });

  fastify.get('/metrics', async (_req, res) => {
    const { contentType, body } = await deps.metrics.render();
    return res.type(contentType).send(body);
  });

  if (Object.values(deps.secrets).some((s) => s !== undefined)) {
    await mountWebhooks(fastify, {
      secrets: deps.secrets, bodyLimit: deps.bodyLimit, logger: deps.logger, masker: deps.masker, onPush: deps.onPush,
      ledger: createDeliveryLedger(deps.state, deps.replayWindowMs ?? DELIVERY_TTL_MS),
      replayWindowMs: deps.replayWindowMs ?? DELIVERY_TTL_MS,
      counted: (provider, result) => deps.metrics.webhookDelivery(provider, result),
      ...(deps.now ? { now: deps.now } : {}),
    });
  }
}
