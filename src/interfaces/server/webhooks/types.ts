import type { Provider, PushEvent } from '../../../services/autodeploy/push-event.js';

/**
 * Webhook deliveries: a provider's push is read into a PushEvent (services/autodeploy), the
 * same for GitHub, GitLab and Bitbucket, so auto-deployment never looks at a provider's payload.
 */

/** Secrets per provider (from `server.webhooks`); a provider without one has no route. */
export interface WebhookSecrets {
  github?: { secret: string };
  bitbucket?: { secret: string };
  /** `token` is compared with X-Gitlab-Token; `signing_secret` (whsec_…) checks webhook-signature. */
  gitlab?: { token?: string; signing_secret?: string };
}


/**
 * A verified delivery, read: a push, a ping (hook set-up) or an event packbot does not act on.
 * A push holds one event per ref it changed: GitHub and GitLab send one delivery per ref, but
 * one Bitbucket delivery can change several branches at once. `events` is never empty.
 */
export type Delivery =
  | { kind: 'push'; events: PushEvent[] }
  | { kind: 'ping' }
  | { kind: 'ignored'; reason: string };

export type Verification = { ok: true } | { ok: false; reason: string };
