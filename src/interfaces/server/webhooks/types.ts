/**
 * What packbot reads out of a provider's push delivery, the same for GitHub, GitLab and
 * Bitbucket, so auto-deployment never looks at a provider's own payload.
 */
export const PROVIDERS = ['github', 'gitlab', 'bitbucket'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** Secrets per provider (from `server.webhooks`); a provider without one has no route. */
export interface WebhookSecrets {
  github?: { secret: string };
  bitbucket?: { secret: string };
  /** `token` is compared with X-Gitlab-Token; `signing_secret` (whsec_…) checks webhook-signature. */
  gitlab?: { token?: string; signing_secret?: string };
}

export interface PushEvent {
  provider: Provider;
  /** Every URL the payload gives for the repository (https clone, ssh, web page). */
  repoUrls: string[];
  /** For messages, e.g. "acme/st2-packs". */
  repoName: string;
  /** The branch pushed to; null when the ref is not a branch (a tag). */
  branch: string | null;
  /** Full shas; null when the branch was created (before) or deleted (after). */
  before: string | null;
  after: string | null;
  created: boolean;
  deleted: boolean;
  /** null when the provider does not say (GitLab): packbot works it out on the mirror. */
  forced: boolean | null;
  /** Who pushed: a display name and, when given, the login. */
  pusher: { name: string; login?: string };
  /** The newest commit of the push, when there is one. */
  headCommit: { sha: string; message: string; author: string } | null;
  commitCount: number;
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
