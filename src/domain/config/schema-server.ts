/**
 * `server:` — packbot's HTTP server (Slack HTTP mode, push webhooks, /healthz, /readyz,
 * /metrics). Its own file so the webhook settings grow without crowding schema.ts.
 */
import { z } from 'zod';
import { expected } from './messages.js';
import { secret, strict } from './schema-parts.js';

export const SERVER_DEFAULTS = {
  host: '127.0.0.1',
  port: 3000,
  /** Push payloads of big merges run to a few hundred KB; GitHub caps them at 25 MB. */
  bodyLimit: 5 * 1024 * 1024,
} as const;

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
});

export type ServerConfig = z.output<typeof serverSchema>;
