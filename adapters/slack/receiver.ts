/**
 * Slack's HTTP Events API as a Bolt receiver mounted on packbot's own HTTP server (one port
 * for Slack, webhooks and /healthz) instead of a second server of Bolt's.
 *
 * Every request is verified before anything is parsed: v0 HMAC over the raw body, and a
 * timestamp within 5 minutes (a captured request cannot be replayed later). A failure is a
 * 401 with a one-line reason and nothing else happens. Verified requests are answered as
 * soon as Bolt acknowledges them — Slack wants an answer within 3 s, deploys take minutes.
 */
import { verifySlackRequest, type App, type Receiver, type ReceiverEvent } from '@slack/bolt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../src/core/logging/logger.js';
import { EVENTS_PATH } from './manifest.js';

export const MAX_CLOCK_SKEW_SEC = 5 * 60;
/** Answer anyway before Slack's 3 s deadline if Bolt never acknowledges (no listener matched). */
const ACK_DEADLINE_MS = 2500;

export interface HttpReceiverOptions {
  signingSecret: string;
  logger: Logger;
  now?: () => number;
}

type Verdict = { ok: true } | { ok: false; reason: string };

/** Why a request is not from Slack (or is too old), or ok. */
export function verifyRequest(secret: string, raw: string, headers: Record<string, unknown>, nowMs: number): Verdict {
  const signature = headers['x-slack-signature'];
  const stamp = headers['x-slack-request-timestamp'];
  if (typeof signature !== 'string' || typeof stamp !== 'string') return { ok: false, reason: 'missing x-slack-signature or x-slack-request-timestamp' };
  if (!/^\d{1,12}$/.test(stamp)) return { ok: false, reason: 'x-slack-request-timestamp is not a Unix time' };
  const skew = Math.abs(Math.floor(nowMs / 1000) - Number(stamp));
  if (skew > MAX_CLOCK_SKEW_SEC) return { ok: false, reason: 'x-slack-request-timestamp is more than 5 minutes away from now (stale or replayed)' };
  try {
    verifySlackRequest({ signingSecret: secret, body: raw, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': Number(stamp) }, nowMilliseconds: nowMs });
    return { ok: true };
  } catch {
    return { ok: false, reason: 'signature mismatch (check adapters.slack.signing_secret)' };
  }
}

/** Events arrive as JSON; interactivity as a form with a JSON `payload`; slash commands as a plain form. */
export function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if ((contentType ?? '').includes('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(raw);
    const payload = form.get('payload');
    return payload !== null ? (JSON.parse(payload) as Record<string, unknown>) : Object.fromEntries(form);
  }
  return JSON.parse(raw) as Record<string, unknown>;
}

export class FastifySlackReceiver implements Receiver {
  private app: App | null = null;
  private readonly now: () => number;

  constructor(private readonly opts: HttpReceiverOptions) {
    this.now = opts.now ?? Date.now;
  }

  init(app: App): void {
    this.app = app;
  }

  // The server is packbot's: it is started and closed by createApp, not by Bolt.
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  mount(server: FastifyInstance): void {
    // Encapsulated: the raw-string body parser applies to this route only, not to later webhooks.
    void server.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
      scope.post(EVENTS_PATH, (req, reply) => this.handle(req, reply));
    });
  }

  private async handle(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const raw = typeof req.body === 'string' ? req.body : '';
    const verdict = verifyRequest(this.opts.signingSecret, raw, req.headers, this.now());
    if (!verdict.ok) {
      this.opts.logger.warn({ reason: verdict.reason, ip: req.ip }, 'rejected a Slack request');
      await reply.code(401).type('text/plain').send(`${verdict.reason}\n`);
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = parseBody(raw, req.headers['content-type']);
    } catch {
      await reply.code(400).type('text/plain').send('the body is not a Slack payload\n');
      return;
    }
    if (body['type'] === 'url_verification') {
      await reply.code(200).send({ challenge: body['challenge'] });
      return;
    }
    const answer = await this.dispatch(body, req);
    await reply.code(answer.status).send(answer.body);
  }

  /** Hands the payload to Bolt; resolves with the HTTP answer as soon as Bolt acks. */
  private dispatch(body: Record<string, unknown>, req: FastifyRequest): Promise<{ status: number; body: unknown }> {
    const app = this.app;
    if (!app) return Promise.resolve({ status: 503, body: 'not started\n' });
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ status: 200, body: '' }), ACK_DEADLINE_MS);
      timer.unref();
      const answer = (a: { status: number; body: unknown }) => {
        clearTimeout(timer);
        resolve(a);
      };
      const retryNum = Number(req.headers['x-slack-retry-num']);
      const retryReason = req.headers['x-slack-retry-reason'];
      const event: ReceiverEvent = {
        body,
        ack: async (response?: unknown) => answer({ status: 200, body: response ?? '' }),
        ...(Number.isInteger(retryNum) ? { retryNum } : {}),
        ...(typeof retryReason === 'string' ? { retryReason } : {}),
      };
      app.processEvent(event).catch((err: unknown) => {
        this.opts.logger.error({ err }, 'Slack event failed');
        answer({ status: 500, body: '' });
      });
    });
  }
}
