/**
 * `POST /webhooks/<provider>`: the boundary for push deliveries. In order: a provider with a
 * configured secret, a signature over the raw bytes (nothing is parsed before that), a
 * delivery whose id and body were not seen before (ledger.ts: retry versus replay), a signed
 * push time within the replay window (freshness.ts), then the payload. Every answer is short JSON passed through the
 * masker; a refusal is logged with its reason only — never the body or the signature.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { isPackbotError, type PackbotError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logging/logger.js';
import type { Masker } from '../../../core/masking/masker.js';
import { raceTimeout } from '../../../core/timeout.js';
import type { WebhookResult } from '../metrics.js';
import { parseDelivery } from './providers/index.js';
import { type WebhookSecrets } from './types.js';
import { PROVIDERS, type Provider, type PushEvent } from '../../../services/autodeploy/push-event.js';
import { deliveryIdOf, verifyDelivery } from './verify.js';
import type { DeliveryLedger } from './ledger.js';
import { olderThan } from './freshness.js';

/** How long a push may take before the provider gets its answer anyway (GitHub waits 10 s). */
export const ANSWER_WITHIN_MS = 8000;

/** Providers redeliver by hand days later (GitHub: 3 days); a week covers it without growing the store much. */
export const DELIVERY_TTL_MS = 7 * 24 * 3600_000;

export interface WebhookRouteDeps {
  secrets: WebhookSecrets;
  /** Largest body accepted, in bytes. */
  bodyLimit: number;
  /** Deliveries taken, by id and by body digest; a failed one is released so the provider's retry is taken. */
  ledger: DeliveryLedger;
  /** How long the ledger remembers (default DELIVERY_TTL_MS): a signed push time older than this is refused. */
  replayWindowMs?: number;
  /** What a verified push does; its result is the response body. An entry `{status: 'failed'}` in it releases the delivery for a retry. */
  onPush(event: PushEvent): Promise<unknown>;
  counted(provider: string, result: WebhookResult): void;
  /** Default ANSWER_WITHIN_MS. */
  answerWithinMs?: number;
  logger: Logger;
  masker: Masker;
  now?: () => number;
}

const isProvider = (p: string): p is Provider => (PROVIDERS as readonly string[]).includes(p);

export async function mountWebhooks(fastify: FastifyInstance, deps: WebhookRouteDeps): Promise<void> {
  const log = deps.logger.child({ component: 'webhooks' });
  // Encapsulated: the raw-body parser applies to these routes only, not to Slack's.
  await fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.bodyLimit }, (_req, body, done) => done(null, body));

    scope.post<{ Params: { provider: string } }>('/webhooks/:provider', { bodyLimit: deps.bodyLimit }, async (req, res) => {
      const provider = req.params.provider;
      const send = (status: number, result: WebhookResult | null, body: Record<string, unknown>) => {
        if (result && isProvider(provider)) deps.counted(provider, result);
        return answer(res, deps.masker, status, body);
      };
      if (!isProvider(provider) || !configured(deps.secrets, provider)) {
        return send(404, null, { error: `no ${isProvider(provider) ? provider : 'such'} webhook here; set server.webhooks.<provider> in packbot.yaml` });
      }
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const verdict = verifyDelivery(provider, req.headers, raw, deps.secrets, deps.now);
      if (!verdict.ok) {
        log.warn({ provider, reason: verdict.reason, ip: req.ip }, 'webhook refused');
        return send(401, 'unauthorized', { error: 'unauthorized' });
      }
      const delivery = deliveryIdOf(provider, req.headers);
      if (!delivery) return send(400, 'invalid', { error: `the delivery has no id header; ${provider} always sends one, so this did not come from ${provider}` });
      // Let go so the provider's redelivery is taken; a store that is down keeps the mark (its TTL ends it).
      const forget = () => deps.ledger.release(provider, delivery).catch((err: unknown) => log.warn({ err, provider, delivery }, 'could not let a webhook delivery go'));
      /** The state store is down: the provider is asked to come back (503), not told the push failed. */
      const storeDownAnswer = (err: PackbotError, before: boolean) => {
        log.warn({ err, provider, delivery }, 'webhook delivery refused: the state store is unavailable');
        void res.header('retry-after', String(STORE_RETRY_AFTER_S));
        const done = before ? 'Nothing was deployed' : 'It may be only partly handled';
        return send(503, 'failed', { error: `${errorLine(err)} ${done}; redeliver it (the provider's "Redeliver") once packbot's /readyz answers 200.` });
      };
      let claim: Awaited<ReturnType<DeliveryLedger['claim']>>;
      try {
        claim = await deps.ledger.claim(provider, delivery, raw);
      } catch (err) {
        if (!storeDown(err)) throw err;
        return storeDownAnswer(err, true);
      }
      if (claim.kind === 'duplicate') {
        log.info({ provider, delivery }, 'webhook delivery seen before; ignored');
        return send(200, 'deduplicated', { status: 'duplicate', delivery });
      }
      if (claim.kind === 'replay') {
        // A verified body under a new id: the signature does not cover the id, so this is a
        // resend of a captured delivery (a provider's retry repeats the id). Never acted on.
        log.warn({ provider, delivery, first: claim.first, ip: req.ip }, 'webhook body delivered before under another id; ignored as a replay');
        return send(200, 'deduplicated', { status: 'duplicate', delivery, reason: 'this body was already handled under another delivery id; a resent delivery does nothing' });
      }
      try {
        const type = String(req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
        if (type !== 'application/json') {
          await forget();
          return send(415, 'invalid', { error: 'expected a JSON body: set the webhook\'s content type to application/json' });
        }
        let body: unknown;
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          await forget();
          return send(400, 'invalid', { error: 'the body is not valid JSON' });
        }
        const parsed = parseDelivery(provider, req.headers, body);
        if (parsed.kind === 'ping') return send(200, 'accepted', { status: 'pong', delivery });
        if (parsed.kind === 'ignored') return send(202, 'ignored', { status: 'ignored', reason: parsed.reason, delivery });
        const now = (deps.now ?? Date.now)();
        if (olderThan(provider, body, deps.replayWindowMs ?? DELIVERY_TTL_MS, now)) {
          log.warn({ provider, delivery, ip: req.ip }, 'webhook push older than the replay window; ignored as a replay');
          return send(200, 'deduplicated', { status: 'duplicate', delivery, reason: 'this push is older than the replay window; a resent delivery does nothing' });
        }
        const work = (async () => {
          const results = [];
          for (const event of parsed.events) results.push(await deps.onPush(event));
          log.info({ provider, delivery, results }, 'push handled');
          const outcome = results.flat();
          // A part that failed (a repository's fetch, say) is reported in the answer, not
          // thrown; the delivery is still let go so the provider's retry is taken.
          if (outcome.some(failedPart)) await forget();
          return outcome;
        })();
        // Providers give up on a slow answer (GitHub after 10 s) and call the delivery failed;
        // a big fetch must not make them, so past the limit the answer goes and the work goes on.
        const first = await raceTimeout(work, deps.answerWithinMs ?? ANSWER_WITHIN_MS, () => 'late' as const);
        if (first === 'late') {
          work.catch(async (err: unknown) => {
            await forget();
            log.error({ err, provider, delivery }, 'webhook failed after it was answered');
          });
          return send(202, 'accepted', { status: 'processing', delivery });
        }
        return send(202, 'accepted', { status: 'accepted', delivery, results: first });
      } catch (err) {
        await forget();
        if (isPackbotError(err) && err.code === 'webhook_payload') return send(400, 'invalid', { error: err.message });
        if (storeDown(err)) return storeDownAnswer(err, false);
        const message = isPackbotError(err) ? err.message : 'internal error';
        log.error({ err, provider, delivery }, 'webhook failed');
        return send(500, 'failed', { error: message });
      }
    });
  });
}

function failedPart(result: unknown): boolean {
  return typeof result === 'object' && result !== null && (result as { status?: unknown }).status === 'failed';
}

function configured(secrets: WebhookSecrets, provider: Provider): boolean {
  return secrets[provider] !== undefined;
}

/** Seconds a provider (or a person redelivering) is asked to wait while the state store is down. */
const STORE_RETRY_AFTER_S = 60;

const storeDown = (err: unknown): err is PackbotError => isPackbotError(err) && err.code === 'store_unavailable';

/** The store's own words, as one sentence. */
const errorLine = (err: PackbotError) => (err.message.endsWith('.') ? err.message : `${err.message}.`);

function answer(res: FastifyReply, masker: Masker, status: number, body: Record<string, unknown>): FastifyReply {
  return res.code(status).type('application/json').send(masker.mask(JSON.stringify(body)));
}
