/**
 * `server:` — packbot's HTTP server (Slack HTTP mode, push webhooks, /healthz, /readyz,
 * /metrics). Its own file so the webhook settings grow without crowding schema.ts.
 */
import { z } from 'zod';
import { expected } from './messages.js';
import { positiveDuration, secret, strict } from './schema-parts.js';

export const SERVER_DEFAULTS = {
  host: '127.0.0.1',
  port: 3000,
  /** Push payloads of big merges run to a few hundred KB; GitHub caps them at 25 MB. */
  bodyLimit: 5 * 1024 * 1024,
  /**
   * Slow clients are cut (slow-loris): headers must arrive within 10s, the whole request
   * within 30s (5 MB at ~170 KB/s); an idle socket is closed after 30s (webhooks answer within
   * 8s); an idle keep-alive connection after 5s (Node's own default).
   */
  timeouts: { headers: '10s', request: '30s', idle: '30s', keep_alive: '5s' },
  /** How long a webhook delivery (its id and its body's digest) is remembered: longer than any provider's redelivery (GitHub: 3 days). */
  replayWindow: '7d',
} as const;

/** Node refuses a headers timeout longer than the request timeout, so the check is made here, in config terms. */
const timeouts = strict({
  headers: positiveDuration.prefault(SERVER_DEFAULTS.timeouts.headers),
  request: positiveDuration.prefault(SERVER_DEFAULTS.timeouts.request),
  idle: positiveDuration.prefault(SERVER_DEFAULTS.timeouts.idle),
  keep_alive: positiveDuration.prefault(SERVER_DEFAULTS.timeouts.keep_alive),
}, 'a mapping of headers, request, idle and keep_alive to durations').refine((t) => t.headers <= t.request, {
  message: 'headers must not be longer than request (the whole request includes its headers)',
});

const webhooks = strict({
  /** The secret set on the GitHub webhook (checked against X-Hub-Signature-256). */
  github: strict({ secret }).optional(),
  /** The secret set on the Bitbucket webhook (checked against X-Hub-Signature, sha256). */
  bitbucket: strict({ secret }).optional(),
  /** GitLab's secret token (X-Gitlab-Token) and/or signing token (whsec_…, webhook-signature); both are checked when both are set. */
  gitlab: strict({ token: secret.optional(), signing_secret: secret.optional() }).refine(
    (g) => g.token !== undefined || g.signing_secret !== undefined,
    { message: 'set token (the webhook\'s secret token) or signing_secret (its whsec_… signing token), or both' },
  ).optional(),
}, 'a mapping of provider (github, gitlab, bitbucket) to its secret');

export const serverSchema = strict({
  host: z.string({ error: expected('an address to listen on, like "127.0.0.1" (this host only) or "0.0.0.0" (every interface)') }).min(1).default(SERVER_DEFAULTS.host),
  port: z.number({ error: expected('a port number from 0 to 65535 (0 picks a free one)') }).int().min(0).max(65535).default(SERVER_DEFAULTS.port),
  /** Largest request body accepted, in bytes; bigger ones get 413 before anything reads them. */
  body_limit: z.number({ error: expected('a size in bytes from 1024 to 26214400 (25 MB)') }).int().min(1024).max(25 * 1024 * 1024).default(SERVER_DEFAULTS.bodyLimit),
  webhooks: webhooks.prefault({}),
  timeouts: timeouts.prefault({}),
  /** A webhook body seen within this window is answered "already handled", whatever its delivery id. */
  webhook_replay_window: positiveDuration.refine((ms) => ms >= 3600_000, { message: 'must be at least 1h (providers redeliver for days; 7d is the default)' }).prefault(SERVER_DEFAULTS.replayWindow),
});

export type ServerConfig = z.output<typeof serverSchema>;

/** `server:` with every default, for a bot that needs a server its config does not describe (Slack HTTP mode). */
export function defaultServerConfig(): ServerConfig {
  return serverSchema.parse({});
}
